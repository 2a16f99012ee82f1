# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Shared set-up of the benchmarks: a throwaway PostgreSQL database."""
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BIN = Path(sys.executable).parent


def database_uri():
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    if not urlsplit(uri).scheme.startswith('postgresql'):
        print("benchmark: set TRYTOND_DATABASE_URI=postgresql://user@host:"
            "port/ ; benchmarks run on PostgreSQL only", file=sys.stderr)
        sys.exit(2)
    return uri


def print_header(name, size):
    import trytond
    mode = "python -O (asserts off)" if not __debug__ else (
        "python with asserts (production runs -O: faster)")
    print(f"benchmark {name}: size {size}; trytond {trytond.__version__} "
        f"(server mode, not test mode); PostgreSQL; {os.cpu_count()} cores; "
        f"{mode}", flush=True)


def production_mode():
    """Run trytond as a server does, though the set-up borrows helpers of
    the modules' tests

    Importing trytond.tests sets Pool.test, and in test mode trytond also
    validates every function field of each record it validates (rec_name
    and every computed name and price read back), checks gettext and
    registers the test models: none of which a production server does.
    The module is imported once here, so no later import sets it again."""
    import trytond.tests.test_tryton  # noqa: F401
    from trytond.pool import Pool
    Pool.test = False


@contextlib.contextmanager
def bench_database(modules, keep=False):
    """Create a database with modules activated and a company; yield
    (pool, transaction, company) inside a transaction of root with the
    company in its context; drop the database at the end."""
    import psycopg
    uri = database_uri()
    parts = urlsplit(uri)
    name = f'bench_{int(time.time())}_{os.getpid()}'
    connect = dict(host=parts.hostname, port=parts.port or 5432,
        user=parts.username, password=parts.password, dbname='postgres',
        autocommit=True)
    with psycopg.connect(**connect) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    with tempfile.TemporaryDirectory() as tmp:
        config_file = Path(tmp) / 'trytond.conf'
        config_file.write_text(f"[database]\nuri = {uri}\n")
        password = Path(tmp) / 'password'
        password.write_text('benchmark')
        try:
            started = time.perf_counter()
            subprocess.run([str(BIN / 'trytond-admin'), '-c',
                    str(config_file), '-d', name, '-u', *modules,
                    '--activate-dependencies', '--email', 'a@example.com'],
                env={**os.environ, 'TRYTONPASSFILE': str(password)},
                check=True, capture_output=True)
            print(f"set-up: database {name} activated in "
                f"{time.perf_counter() - started:.0f} s", flush=True)

            from trytond import config
            config.update_etc(str(config_file))
            from trytond.modules.company.tests import create_company
            from trytond.pool import Pool
            from trytond.transaction import Transaction
            production_mode()
            Pool.start()
            pool = Pool(name)
            pool.init()
            with Transaction().start(name, 0) as transaction:
                company = create_company()
                transaction.commit()
                with transaction.set_context(company=company.id):
                    yield pool, transaction, company
            if Pool.test:
                raise RuntimeError("trytond ran in test mode: the figures "
                    "are not those of a server")
        finally:
            from trytond import backend
            with contextlib.suppress(Exception):
                backend.Database(name).close()
            if not keep:
                with psycopg.connect(**connect) as connection:
                    connection.execute(
                        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def upstream_modules(modules):
    """The Tryton modules that modules need, without the suite's own

    Stock Tryton runs with them so that both sides pay for the same
    fields, defaults and checks of the upstream modules."""
    from trytond.modules import get_module_info
    suite = {p.name for p in (Path(__file__).parent.parent / 'modules')
        .iterdir() if (p / 'tryton.cfg').exists()}
    seen, todo = set(), list(modules)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(get_module_info(name).get('depends', []))
    return sorted(seen - suite - {'ir', 'res'})
