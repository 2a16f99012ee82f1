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
import collections
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / 'config' / 'trytond.conf'
QUIET_LOG = ROOT / 'config' / 'logging-quiet.conf'
SAO_VERSION = '>=8.0 <8.1'
SUITE = 'device_retail'
PASSWORD = 'retail-demo'
STAFF = [
    ('admin', "Administrator (all groups)"),
    ('manager', "Branch manager, Downtown"),
    ('cashier', "Cashier / front desk, Downtown"),
    ('clerk', "Stock clerk, Central Warehouse"),
    ('technician', "Technician, Downtown"),
    ('technician2', "Technician, Downtown (checks the other's repairs)"),
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
    parser.add_argument(
        '--verbose', action='store_true',
        help="log every request the server answers (quiet by default)")
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


# What sao asks for and npm does not ship: the optional custom style and
# script, and the translations of English.  Missing, trytond answers 405.
SAO_OPTIONAL_FILES = {
    'custom.css': '',
    'custom.js': '',
    **{f'locale/{lang}.json': '{"": {"language": "%s"}}\n' % lang
        for lang in ['en', 'en_US', 'en_GB']},
    }


def ensure_sao(var):
    "Install sao from npm; sao wants its dependencies inside its folder"
    if not sao_installed(var):
        install_sao(var)
    package = var / 'sao' / 'package'
    for name, content in SAO_OPTIONAL_FILES.items():
        path = package / name
        if not path.exists():
            path.write_text(content)


def install_sao(var):
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


def run(command, what, on_line=None, **kwargs):
    """Run a command, giving each line of its output to on_line as it
    comes; on failure raise one line with the end of its output"""
    tail = collections.deque(maxlen=1)
    with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, bufsize=1, **kwargs) as process:
        for line in process.stdout:
            line = line.rstrip('\n')
            if line.strip():
                tail.append(line)
            if on_line:
                on_line(line)
    if process.returncode:
        last = tail[0] if tail else f'exit code {process.returncode}'
        raise DemoError(f"{what} failed: {last}")


def modules_to_activate(name):
    "The modules that activating name activates, name included"
    from trytond.modules import get_module_info
    todo, modules = [name, 'ir', 'res'], set()
    while todo:
        module = todo.pop()
        if module not in modules:
            modules.add(module)
            todo.extend(get_module_info(module).get('depends', []))
    return modules


class ActivationProgress:
    "Log how far trytond-admin is, from its module loading lines (-vv)"
    LOADING = re.compile(r' INFO trytond\.modules (\w+) load$')

    def __init__(self, modules, started):
        self.modules = modules
        self.started = started
        self.loaded = set()
        self.tenths = 0

    def __call__(self, line):
        match = self.LOADING.search(line)
        if not match or match.group(1) not in self.modules:
            return
        self.loaded.add(match.group(1))
        tenths = len(self.loaded) * 10 // len(self.modules)
        if tenths > self.tenths:
            self.tenths = tenths
            log(f"activating: {len(self.loaded)}/{len(self.modules)} "
                f"modules loaded ({match.group(1)}), "
                f"{time.monotonic() - self.started:.0f} s")


def relay_demo_data(line):
    "Pass on the demo loader's own progress lines"
    if line.startswith('demo data: '):
        print(f'demo: {line[len("demo data: "):]}', flush=True)


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
        modules = modules_to_activate(SUITE)
        log(f"activating the suite's {len(modules)} modules in {building} "
            "(takes a few minutes the first time)")
        with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
            passfile.write(PASSWORD)
            passfile.flush()
            admin = [str(bin_ / 'trytond-admin'), '-c', *configs,
                '-d', building, '-u', SUITE, '--activate-dependencies',
                '--email', 'admin@example.com', '-vv']
            run(admin, env={**os.environ, 'TRYTONPASSFILE': passfile.name},
                what="trytond-admin", cwd=ROOT,
                on_line=ActivationProgress(modules, started))
        log(f"modules activated in {time.monotonic() - started:.0f} s; "
            "loading the demo shop through proteus")
        started = time.monotonic()
        load = [sys.executable, str(ROOT / 'scripts' / 'demo_data.py'),
            '--config', *configs, '--database', building,
            '--password', PASSWORD]
        run(load, what="loading the demo data", cwd=ROOT,
            on_line=relay_demo_data)
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


def print_logins(args, url=None):
    if url:
        log(f"the shop is at {url}#{args.database}")
    else:
        log(f"the demo database {args.database} is ready; scripts/demo "
            "serves it")
    for login, role in STAFF:
        print(f"    login {login:<11} password {PASSWORD}   {role}",
            flush=True)


def serve(args):
    """Run trytond until Ctrl-C; print the logins once it answers, so they
    are the last lines of a quiet log"""
    configs = local_config(args.var, args.port)
    command = [str(Path(sys.executable).parent / 'trytond'), '-c', *configs,
        # -d loads the database before the first request: trytond 8.0
        # cannot log into a database its server has not loaded yet.
        '-d', args.database]
    if not args.verbose:
        command += ['--logconf', str(QUIET_LOG)]
    log(f"starting the server on port {args.port}")
    url = f"http://localhost:{args.port}/"
    process = subprocess.Popen(command, cwd=ROOT)
    # Ctrl-C, or a service manager's TERM, stops the server cleanly, even
    # where the shell started the command with interrupts ignored (in
    # the background, or under nohup)
    for signum in [signal.SIGINT, signal.SIGTERM]:
        signal.signal(signum, stop_serving)
    try:
        wait_until_answering(process, url)
        print_logins(args, url)
        log("serving; press Ctrl-C to stop")
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log("stopped")
        return 0
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait()


def stop_serving(signum, frame):
    raise KeyboardInterrupt


def wait_until_answering(process, url, timeout=300):
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise DemoError(
                f"the server stopped with exit code {process.returncode}: "
                "run scripts/demo --verbose to see why")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            # It answers: without sao the page is refused
            return
        except OSError:
            if time.monotonic() > deadline:
                raise DemoError(
                    f"the server did not answer on {url} within "
                    f"{timeout} s: run scripts/demo --verbose to see why")
            time.sleep(0.5)


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
        return serve(args)
    except DemoError as error:
        print(f'demo: {error}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('demo: interrupted; nothing half-made was kept',
            file=sys.stderr)
        return 130


if __name__ == '__main__':
    sys.exit(main())
