# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Helpers shared by the cross-module tests and their fixtures."""
import os
import sqlite3
import socket
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'scripts'))

import demo  # noqa: E402  scripts/demo.py, standard library only

ARTIFACTS = Path(os.environ.get(
        'TEST_ARTIFACTS', ROOT / 'var' / 'test-artifacts'))
PASSWORD = demo.PASSWORD
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def needs(what, reason):
    "Skip, or fail where the run requires it (REQUIRE_<WHAT>=1 in CI)"
    if os.environ.get(f'REQUIRE_{what.upper()}') == '1':
        pytest.fail(reason)
    pytest.skip(reason)


def run_demo(*args, env=None, timeout=1800):
    return subprocess.run(
        [sys.executable, str(ROOT / 'scripts' / 'demo.py'), *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env=env if env is not None else os.environ.copy())


@dataclass
class Shop:
    var: Path
    database: str
    output: str


@dataclass
class Server:
    url: str
    port: int
    database: str

    def xmlrpc_url(self, login='admin', password=PASSWORD):
        return (f'http://{login}:{password}@127.0.0.1:{self.port}/'
            f'{self.database}/rpc/')


def execute(shop, query, params=()):
    "Change the database behind Tryton's back"
    if demo.is_postgresql(demo.database_uri()):
        connection = demo.pg_connect(demo.database_uri(), shop.database)
        with connection:
            connection.execute(query.replace('?', '%s'), params)
    else:
        path = shop.var / 'db' / f'{shop.database}.sqlite'
        with closing(sqlite3.connect(path)) as connection:
            connection.execute(query, params)
            connection.commit()


def check_script(shop, script, *args):
    "Run scripts/<script> (a check script) on the shop's database"
    configs = [str(ROOT / 'config' / 'trytond.conf'),
        str(shop.var / 'trytond-local.conf')]
    return subprocess.run(
        [sys.executable, str(ROOT / 'scripts' / script),
            '-c', *configs, '-d', shop.database, *args],
        capture_output=True, text=True, timeout=600)
