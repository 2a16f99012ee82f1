# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""scripts/stock_value_check.py on the demo shop: balanced, then not."""
from shop import check_script, execute


def stock_value_check(shop, *args):
    return check_script(shop, 'stock_value_check.py', *args)


def test_stock_value_check_lists_the_causes(demo_shop):
    process = stock_value_check(demo_shop)
    assert process.returncode == 0, process.stdout + process.stderr
    assert 'balanced' in process.stdout
    assert 'difference 0.00' in process.stdout

    # A posted receipt of accessories (valued at its move's price, not at
    # a unit's cost) whose price changed behind the ledger's back
    query = ('SELECT m.id FROM stock_move m '
        'JOIN stock_location f ON f.id = m.from_location '
        'JOIN stock_location t ON t.id = m.to_location '
        'JOIN product_product p ON p.id = m.product '
        'JOIN product_template pt ON pt.id = p.template '
        "WHERE m.state = 'done' AND f.type = 'supplier' "
        "AND t.type = 'storage' AND t.ownership = 'company' "
        "AND pt.tracking NOT IN ('imei', 'serial') "
        'ORDER BY m.id LIMIT 1')
    execute(demo_shop,
        'UPDATE stock_move SET unit_price = unit_price + 1 '
        f'WHERE id = ({query})')
    try:
        process = stock_value_check(demo_shop)
        assert process.returncode == 1, process.stdout + process.stderr
        assert 'DIFFERENCE' in process.stdout
        assert 'Posted at Another Value' in process.stdout
    finally:
        execute(demo_shop,
            'UPDATE stock_move SET unit_price = unit_price - 1 '
            f'WHERE id = ({query})')
    assert stock_value_check(demo_shop).returncode == 0
