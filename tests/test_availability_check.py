# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""scripts/availability_check.py on the demo shop: agrees, drifts, rebuilt."""
from shop import check_script, execute


def availability_check(shop, *args):
    return check_script(shop, 'availability_check.py', *args)


def test_availability_check_finds_and_rebuilds_a_drift(demo_shop):
    process = availability_check(demo_shop)
    assert process.returncode == 0, process.stdout + process.stderr
    assert '0 drifts' in process.stdout

    execute(demo_shop,
        'UPDATE stock_availability_line SET quantity = quantity + 1 '
        "WHERE id = (SELECT MIN(id) FROM stock_availability_line "
        "WHERE state = 'available' AND quantity > 0)")
    process = availability_check(demo_shop)
    assert process.returncode == 1, process.stdout + process.stderr
    assert 'DRIFT' in process.stdout
    assert '1 drifts' in process.stdout

    process = availability_check(demo_shop, '--rebuild')
    assert process.returncode == 0, process.stdout + process.stderr
    assert 'rebuilt 1 rows' in process.stdout
    process = availability_check(demo_shop)
    assert process.returncode == 0, process.stdout + process.stderr
