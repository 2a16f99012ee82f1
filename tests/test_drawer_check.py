# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""scripts/drawer_check.py on the demo shop: balanced, then not."""
from shop import check_script, execute


def drawer_check(shop, *args):
    return check_script(shop, 'drawer_check.py', *args)


def test_drawer_check_finds_a_changed_entry(demo_shop):
    process = drawer_check(demo_shop)
    assert process.returncode == 0, process.stdout + process.stderr
    assert '1 sessions balanced' in process.stdout
    assert '(posted)' in process.stdout

    # A cash payment's line on the drawer account changed behind the
    # session's back
    query = ("SELECT l.id FROM account_move_line l "
        "WHERE substr(l.origin, 1, 19) = 'sale.point.payment,' "
        "AND l.debit > 0 "
        "ORDER BY l.id LIMIT 1")
    execute(demo_shop,
        f'UPDATE account_move_line SET debit = debit + 1 WHERE id = ({query})')
    try:
        process = drawer_check(demo_shop)
        assert process.returncode == 1, process.stdout + process.stderr
        assert 'DIFFERENCE' in process.stdout
    finally:
        execute(demo_shop,
            'UPDATE account_move_line SET debit = debit - 1 '
            f'WHERE id = ({query})')
    assert drawer_check(demo_shop).returncode == 0
