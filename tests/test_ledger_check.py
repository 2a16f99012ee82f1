# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""scripts/ledger_check.py on the demo shop: intact, then tampered."""
from shop import check_script, execute


def ledger_check(shop, *args):
    return check_script(shop, 'ledger_check.py', *args)


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
