# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""scripts/ledger_check.py on the demo shop: intact, then tampered."""
import sqlite3
import subprocess
import sys
from contextlib import closing

from shop import ROOT, demo


def ledger_check(shop, *args):
    configs = [str(ROOT / 'config' / 'trytond.conf'),
        str(shop.var / 'trytond-local.conf')]
    return subprocess.run(
        [sys.executable, str(ROOT / 'scripts' / 'ledger_check.py'),
            '-c', *configs, '-d', shop.database, *args],
        capture_output=True, text=True, timeout=600)


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


def test_ledger_check_finds_a_tampered_move(demo_shop):
    process = ledger_check(demo_shop, '--seal')
    assert process.returncode == 0, process.stdout + process.stderr
    assert 'intact' in process.stdout
    assert 'sealed moves, 0 done moves waiting' in process.stdout

    execute(demo_shop,
        'UPDATE stock_move SET quantity = quantity + 1 '
        'WHERE ledger_sequence = ?', (7,))
    try:
        process = ledger_check(demo_shop)
        assert process.returncode == 1, process.stdout + process.stderr
        assert 'BROKEN' in process.stdout
        assert 'at sequence 7' in process.stdout
        assert 'hash' in process.stdout
    finally:
        execute(demo_shop,
            'UPDATE stock_move SET quantity = quantity - 1 '
            'WHERE ledger_sequence = ?', (7,))
    assert ledger_check(demo_shop).returncode == 0
