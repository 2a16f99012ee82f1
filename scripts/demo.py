#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Run the Device Retail demo shop.

Installs the sao web client from npm, creates the demo database with the
whole suite activated and the demo shop chain loaded, then serves sao, the
JSON-RPC and the XML-RPC API on one port.  A second run reuses what exists.

The database is SQLite in var/db unless TRYTOND_DATABASE_URI names a
PostgreSQL server (postgresql://user@host:port/).

Exit codes: 0 done, 1 a problem the message explains, 130 interrupted.
"""
import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / 'config' / 'trytond.conf'
SAO_VERSION = '>=8.0 <8.1'
SUITE = 'device_retail'
PASSWORD = 'retail-demo'
STAFF = [
    ('admin', "Administrator (all groups)"),
    ('manager', "Branch manager, Downtown"),
    ('cashier', "Cashier / front desk, Downtown"),
    ('clerk', "Stock clerk, Central Warehouse"),
    ('technician', "Technician, Downtown"),
    ('accountant', "Accountant"),
    ('auditor', "Auditor, read-only"),
    ]


class DemoError(Exception):
    "A problem the user can fix; its text is one line that says how"


def log(message):
    print(f'demo: {message}', flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='scripts/demo', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        '--port', type=int, default=int(os.environ.get('DEMO_PORT', 8000)),
        help="port of the web client and the API (default 8000, "
        "or $DEMO_PORT)")
    parser.add_argument(
        '--database', default=os.environ.get('DEMO_DATABASE', 'demo'),
        help="name of the demo database (default demo)")
    parser.add_argument(
        '--var', type=Path, default=Path(
            os.environ.get('DEMO_VAR', ROOT / 'var')),
        help="folder for sao and the SQLite files (default var/)")
    parser.add_argument(
        '--reset', action='store_true',
        help="drop the demo database and load it again")
    parser.add_argument(
        '--no-serve', action='store_true',
        help="prepare sao and the database, then exit without serving")
    parser.add_argument(
        '--no-sao', action='store_true',
        help="do not install sao (the API is served without a web client)")
    return parser.parse_args(argv)


def database_uri():
    return os.environ.get('TRYTOND_DATABASE_URI', '') or 'sqlite://'


def is_postgresql(uri):
    return urlsplit(uri).scheme.startswith('postgresql')


def local_config(var, port=None):
    """Write the configuration file of this checkout's paths, read after
    config/trytond.conf (a file wins over TRYTOND_* variables)"""
    path = var / 'trytond-local.conf'
    lines = [
        "# Written by scripts/demo: this checkout's folders, port and "
        "database server.",
        "[database]",
        f"path = {var / 'db'}",
        ]
    if database_uri() != 'sqlite://':
        lines.append(f"uri = {database_uri()}")
    lines += ["[web]", f"root = {var / 'sao' / 'package'}"]
    if port:
        lines.append(f"listen = localhost:{port}")
    var.mkdir(parents=True, exist_ok=True)
    path.write_text('\n'.join(lines) + '\n')
    return [str(CONFIG), str(path)]


def check_port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(('127.0.0.1', port))
        except OSError:
            raise DemoError(
                f"port {port} is already in use: stop what listens there "
                f"or run scripts/demo --port <free port>")


def pg_connect(uri, dbname='postgres'):
    try:
        import psycopg
    except ImportError:
        raise DemoError(
            "psycopg 3 is not installed: run scripts/demo again so it "
            "installs trytond[postgresql]")
    parts = urlsplit(uri)
    try:
        return psycopg.connect(
            host=parts.hostname or None, port=parts.port or None,
            user=parts.username or None, password=parts.password or None,
            dbname=dbname, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exception:
        reason = str(exception).strip().splitlines()[0]
        raise DemoError(
            f"PostgreSQL at {parts.hostname or 'the local socket'}:"
            f"{parts.port or 5432} is unreachable ({reason}): start it "
            "or fix TRYTOND_DATABASE_URI")


def preflight(args):
    if not args.no_serve:
        check_port_free(args.port)
    if not args.no_sao and not sao_installed(args.var):
        if not shutil.which('npm'):
            raise DemoError(
                "npm is missing and sao is not installed yet: install "
                "Node.js and npm (Debian: apt-get install npm) or run "
                "with --no-sao")
    uri = database_uri()
    if is_postgresql(uri):
        pg_connect(uri).close()
    elif not uri.startswith('sqlite'):
        raise DemoError(
            f"unsupported TRYTOND_DATABASE_URI {uri!r}: use "
            "postgresql://user@host:port/ or leave it unset for SQLite")


def sao_installed(var):
    return (var / 'sao' / 'package' / 'index.html').exists() and (
        var / 'sao' / 'package' / 'node_modules').is_dir()


def ensure_sao(var):
    "Install sao from npm; sao wants its dependencies inside its folder"
    if sao_installed(var):
        return
    log(f"installing the sao web client (npm tryton-sao {SAO_VERSION})")
    sao = var / 'sao'
    sao.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=sao) as tmp:
        run(['npm', 'pack', '--silent', f'tryton-sao@{SAO_VERSION}'],
            cwd=tmp, what="npm pack tryton-sao")
        tarball, = Path(tmp).glob('tryton-sao-*.tgz')
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter='data')
        install = ['npm', 'install', '--omit=dev', '--legacy-peer-deps',
            '--no-audit', '--no-fund', '--silent']
        run(install, cwd=Path(tmp) / 'package', what="npm install (sao)")
        shutil.rmtree(sao / 'package', ignore_errors=True)
        (Path(tmp) / 'package').rename(sao / 'package')


def run(command, what, **kwargs):
    "Run a command; on failure raise one line with the end of its output"
    process = subprocess.run(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, **kwargs)
    if process.returncode:
        lines = [l for l in process.stdout.splitlines() if l.strip()]
        tail = lines[-1] if lines else f'exit code {process.returncode}'
        raise DemoError(f"{what} failed: {tail}")
    return process.stdout


class Database:
    "The demo database on SQLite or PostgreSQL"

    def __init__(self, name, var):
        self.name = name
        self.var = var
        self.uri = database_uri()

    def path(self, name):
        return self.var / 'db' / f'{name}.sqlite'

    def exists(self, name):
        if is_postgresql(self.uri):
            with pg_connect(self.uri) as connection:
                return bool(connection.execute(
                        'SELECT 1 FROM pg_database WHERE datname = %s',
                        (name,)).fetchone())
        return self.path(name).exists()

    def create(self, name):
        if is_postgresql(self.uri):
            with pg_connect(self.uri) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
        else:
            self.path(name).parent.mkdir(parents=True, exist_ok=True)
            self.path(name).touch()

    def drop(self, name):
        if is_postgresql(self.uri):
            with pg_connect(self.uri) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            self.path(name).unlink(missing_ok=True)

    def copy(self, source, name):
        "Copy the database source as name (no one may be connected to it)"
        if is_postgresql(self.uri):
            with pg_connect(self.uri) as connection:
                connection.execute(
                    f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        else:
            shutil.copyfile(self.path(source), self.path(name))

    def rename(self, old, new):
        if is_postgresql(self.uri):
            with pg_connect(self.uri) as connection:
                connection.execute(
                    f'ALTER DATABASE "{old}" RENAME TO "{new}"')
        else:
            self.path(old).rename(self.path(new))


def ensure_database(args):
    """Create the demo database under a temporary name and rename it only
    once complete, so a failure never leaves a half-made database"""
    database = Database(args.database, args.var)
    if args.reset and database.exists(args.database):
        log(f"dropping the database {args.database}")
        database.drop(args.database)
    if database.exists(args.database):
        if read_fingerprint(args.var, args.database) == suite_fingerprint():
            log(f"reusing the database {args.database}")
            return
        log(f"the suite changed since {args.database} was made: upgrading "
            "its modules (scripts/demo --reset reloads the demo data)")
        upgrade(args)
        write_fingerprint(args.var, args.database)
        return
    building = f'{args.database}_building'
    database.drop(building)
    database.create(building)
    configs = local_config(args.var)
    bin_ = Path(sys.executable).parent
    try:
        started = time.monotonic()
        log(f"activating the suite in {building} "
            "(takes a few minutes the first time)")
        with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
            passfile.write(PASSWORD)
            passfile.flush()
            admin = [str(bin_ / 'trytond-admin'), '-c', *configs,
                '-d', building, '-u', SUITE, '--activate-dependencies',
                '--email', 'admin@example.com']
            run(admin, env={**os.environ, 'TRYTONPASSFILE': passfile.name},
                what="trytond-admin", cwd=ROOT)
        log(f"modules activated in {time.monotonic() - started:.0f} s; "
            "loading the demo shop through proteus")
        started = time.monotonic()
        load = [sys.executable, str(ROOT / 'scripts' / 'demo_data.py'),
            '--config', *configs, '--database', building,
            '--password', PASSWORD]
        run(load, what="loading the demo data", cwd=ROOT)
        log(f"demo shop loaded in {time.monotonic() - started:.0f} s")
        database.rename(building, args.database)
        write_fingerprint(args.var, args.database)
    except BaseException:
        database.drop(building)
        raise


def suite_modules():
    return sorted(p.parent.name for p in (ROOT / 'modules').glob(
            '*/tryton.cfg'))


def suite_fingerprint():
    "A digest of the suite's module files, tests and docs left out"
    digest = hashlib.sha256()
    for path in sorted((ROOT / 'modules').rglob('*')):
        relative = path.relative_to(ROOT / 'modules')
        if (not path.is_file() or path.suffix == '.pyc'
                or relative.parts[1:2] in {('tests',), ('doc',)}):
            continue
        digest.update(str(relative).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint_path(var, name):
    return var / 'db' / f'{name}.suite'


def read_fingerprint(var, name):
    path = fingerprint_path(var, name)
    return path.read_text().strip() if path.exists() else None


def write_fingerprint(var, name):
    path = fingerprint_path(var, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(suite_fingerprint() + '\n')


def upgrade(args):
    "Update the suite's modules and activate the new ones"
    configs = local_config(args.var)
    admin = [str(Path(sys.executable).parent / 'trytond-admin'),
        '-c', *configs, '-d', args.database, '-u', *suite_modules(),
        '--activate-dependencies']
    run(admin, what="trytond-admin (upgrade)", cwd=ROOT)


def print_logins(args):
    log(f"the shop is at http://localhost:{args.port}/#{args.database}")
    for login, role in STAFF:
        print(f"    login {login:<11} password {PASSWORD}   {role}")


def serve(args):
    configs = local_config(args.var, args.port)
    print_logins(args)
    log("serving; press Ctrl-C to stop")
    trytond = str(Path(sys.executable).parent / 'trytond')
    os.chdir(ROOT)
    # -d loads the database before the first request: trytond 8.0 cannot
    # log into a database its server has not loaded yet.
    os.execv(trytond, [trytond, '-c', *configs, '-d', args.database])


def main(argv=None):
    args = parse_args(argv)
    args.var = args.var.resolve()
    try:
        preflight(args)
        if not args.no_sao:
            ensure_sao(args.var)
        ensure_database(args)
        if args.no_serve:
            print_logins(args)
            return 0
        serve(args)
    except DemoError as error:
        print(f'demo: {error}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('demo: interrupted; nothing half-made was kept',
            file=sys.stderr)
        return 130


if __name__ == '__main__':
    sys.exit(main())
