#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Point of sale posting against stock sale_point, on PostgreSQL.

8 tills (threads of one process, each its own point of sale with an open
cash session) make sales: each sale is created with one line and its cash
payment, processed and posted in its own transaction, retried as trytond's
dispatcher does.  Stock Tryton runs in a database with sale_point only; the
suite in one with sale_point_serial and sale_point_cash; same server, same
run.

  distinct  each till sells its own product (plenty in stock); the suite
            sells them again through its tills' call, submit, which
            waits in line for the journal sequence before building
  hot       all tills sell one product with --hot-stock units: the suite
            must sell exactly that, with no failed attempt while stock
            remains; stock sale_point never checks, so it sells on and the
            product goes below zero (printed)

    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python -O benchmarks/pos.py --seconds 20
"""
import argparse
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from availability import (  # noqa: E402
    locations, make_product, new_move, sell_round)
from bench import bench_database, print_header  # noqa: E402

TILLS = 8


def set_up_shop(pool, company, hot_stock):
    """A chart and fiscal year, a cash method, 8 points with an open
    session each, a hot product and 8 distinct ones in stock; return
    (point ids, hot product id, distinct product ids)"""
    from trytond.modules.account.tests.test_module import (
        create_chart, get_fiscalyear)
    from trytond.modules.account_invoice.tests.test_module import (
        set_invoice_sequences)
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    FiscalYear = pool.get('account.fiscalyear')
    Journal = pool.get('account.journal')
    JournalPeriod = pool.get('account.journal.period')
    Method = pool.get('sale.point.payment.method')
    Period = pool.get('account.period')
    ModelData = pool.get('ir.model.data')
    Move = pool.get('stock.move')
    Point = pool.get('sale.point')
    Sequence = pool.get('ir.sequence.strict')
    Session = pool.get('sale.point.cash.session')
    Template = pool.get('product.template')
    create_chart(company)
    fiscalyear = set_invoice_sequences(get_fiscalyear(company))
    fiscalyear.save()
    FiscalYear.create_period([fiscalyear])
    cash, = Account.search([('code', '=', '1.1.1')], limit=1)
    revenue, = Account.search([
            ('type.revenue', '=', True), ('closed', '!=', True)], limit=1)
    Method.create([{'name': "Cash", 'cash': True, 'account': cash.id}])
    category, = Category.create([{
                'name': "Goods", 'accounting': True,
                'account_revenue': revenue.id}])
    places = locations(pool)
    hot = make_product(pool, "Hot")
    distinct = [make_product(pool, f"D{i}") for i in range(TILLS)]
    products = [hot] + distinct
    Template.write([p.template for p in products], {
            'salable': True,
            'sale_uom': hot.default_uom.id,
            'account_category': category.id,
            'list_price': Decimal(10),
            })
    Move.do([new_move(pool, p, places['SUP'], places['STO'],
                hot_stock if p == hot else 100000, company)
            for p in products])
    journal, = Journal.search([('type', '=', 'revenue')], limit=1)
    # The shop is mid-month: the journal's period is open (its first entry
    # creates it under a table lock, failing the tills that start together)
    JournalPeriod.create([{
                'journal': journal.id,
                'period': Period.find(company).id,
                }])
    points = Point.create([{
                'name': f"Till {i}",
                'journal': journal.id,
                'sequence': Sequence.create([{
                            'name': f"Till {i}",
                            'sequence_type': ModelData.get_id(
                                'sale_point', 'sequence_type_sale'),
                            'company': company.id,
                            }])[0].id,
                'storage_location': places['STO'].id,
                'return_location': places['STO'].id,
                'customer_location': places['CUS'].id,
                } for i in range(TILLS)])
    for point in points:
        Session.get_current(point)
    return [p.id for p in points], hot.id, [p.id for p in distinct]


def make_sale(product_id, point_id):
    "One sale at the till: created, paid in cash, processed and posted"
    from trytond.pool import Pool
    pool = Pool()
    Line = pool.get('sale.point.sale.line')
    Method = pool.get('sale.point.payment.method')
    Sale = pool.get('sale.point.sale')
    sale, = Sale.create([{'point': point_id}])
    line = Line(sale=sale, product=product_id, quantity=1)
    line.on_change_product()
    line.save()
    cash, = Method.search([('cash', '=', True)], limit=1)
    Sale.write([sale], {'payments': [('create', [{
                        'method': cash.id,
                        'amount': Sale(sale.id).total}])]})
    Sale.process([sale])
    Sale.post([sale])
    return Sale(sale.id).state == 'posted'


def submit_sale(product_id, point_id):
    """The same sale sent by the till in one call, sale.point.sale.submit
    of the suite: created with its line and payment, processed, posted"""
    import uuid

    from trytond.modules.sale_point_serial.tests.tools import paid_sale
    from trytond.pool import Pool
    pool = Pool()
    Point = pool.get('sale.point')
    Product = pool.get('product.product')
    Sale = pool.get('sale.point.sale')
    values = paid_sale(Point(point_id), [(Product(product_id), 1, None)],
        client_key=uuid.uuid4().hex)
    sale, = Sale.submit([values])
    return sale.state == 'posted'


def stock_left(pool, product_id):
    "The quantity of the product in storage, from its done moves"
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    storage, = Location.search([('code', '=', 'STO')])
    quantity = 0
    for move in Move.search([
                ('product', '=', product_id), ('state', '=', 'done')]):
        if move.to_location == storage:
            quantity += move.quantity
        if move.from_location == storage:
            quantity -= move.quantity
    return quantity


def side(name, modules, args, submit=False):
    """Set up a database and run both rounds of one side; with submit, a
    third round of distinct products sold through submit_sale"""
    from trytond.transaction import Transaction, TransactionError
    with bench_database(modules) as (pool, transaction, company):
        transaction.commit()
        database = transaction.database.name
        context = {'company': company.id, '_skip_warnings': True}
        company_id = company.id
        extras = {}
        while True:
            # Singletons lock their table: the set-up restarts as the
            # dispatcher restarts a call
            try:
                with Transaction(new=True).start(
                        database, 0, context=context, **extras):
                    Company = pool.get('company.company')
                    points, hot, distinct = set_up_shop(
                        pool, Company(company_id), args.hot_stock)
                break
            except TransactionError as error:
                error.fix(extras)

        def sale(item):
            return make_sale(*item)

        results = {}
        results['distinct'] = sell_round(
            database, context, sale, list(zip(distinct, points)),
            args.seconds, workers=TILLS)
        results['hot'] = sell_round(
            database, context, sale, [(hot, p) for p in points],
            args.seconds, workers=TILLS)
        with Transaction(new=True).start(database, 0, context=context):
            results['hot']['left'] = stock_left(pool, hot)
        if submit:
            results['submit'] = sell_round(
                database, context, lambda item: submit_sale(*item),
                list(zip(distinct, points)), args.seconds, workers=TILLS)
        print(f"{name}: {results}", flush=True)
        return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--seconds', type=float, default=20,
        help="length of each round (default 20)")
    parser.add_argument('--hot-stock', type=int, default=40,
        help="units of the hot product in stock (default 40)")
    parser.add_argument('--suite-only', action='store_true',
        help="run the suite alone (to look into it; no comparison)")
    args = parser.parse_args(argv)
    print_header('pos', f"{TILLS} tills, {args.seconds} s rounds")
    suite_modules = ['sale_point_serial', 'sale_point_cash']
    if args.suite_only:
        side('suite', suite_modules, args, submit=True)
        return 0
    stock = side('stock sale_point', ['sale_point'], args)
    suite = side('suite (sale_point_serial, sale_point_cash)',
        suite_modules, args, submit=True)
    a, b = stock['distinct'], suite['distinct']
    print(f"distinct products: stock {a['rate']:.1f} sales/s, {a['failed']} "
        f"failed, median {a['median ms']:.0f} ms | suite {b['rate']:.1f} "
        f"sales/s, {b['failed']} failed, {b['restarts']} restarts, median "
        f"{b['median ms']:.0f} ms | {b['rate'] / a['rate']:.2f}x")
    b = suite['submit']
    print(f"distinct products, the suite's tills by submit: "
        f"{b['rate']:.1f} sales/s, {b['failed']} failed, {b['restarts']} "
        f"restarts, median {b['median ms']:.0f} ms | "
        f"{b['rate'] / a['rate']:.2f}x")
    a, b = stock['hot'], suite['hot']
    print(f"hot product ({args.hot_stock} in stock): stock sold "
        f"{a['sales']}, {a['failed']} failed, left {a['left']} "
        f"(below zero by {max(0, -a['left'])}) | suite sold {b['sales']}, "
        f"{b['failed']} failed, {b['not assigned']} refused once gone, "
        f"left {b['left']}, oversold {max(0, -b['left'])}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
