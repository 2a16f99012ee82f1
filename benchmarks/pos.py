#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Point of sale throughput against stock sale_point, on PostgreSQL.

8 tills, each its own point of sale with an open cash session, make sales
of one line paid in cash, each in its own transaction, retried as
trytond's dispatcher does.  Stock Tryton runs in a database with
sale_point only, and posts each sale (its only way to move the stock and
book it); the suite, in one with sale_point_serial and sale_point_cash,
sends each sale through the tills' call, submit (paid, numbered, stock
reserved, warranty given), and the session's close posts the day's sales.
Same server, same run.

Rounds, on each side:

  alone      one till alone: its CPU seconds per sale, of this process and
             of the database server's processes, give the machine's limit
             for this work, cores / CPU seconds per sale
  threads    8 tills as threads of one process (one GIL)
  processes  8 tills as 8 processes, as a server runs several workers
  hot        8 tills (threads) sell one product with --hot-stock units:
             the suite sells exactly that, with no failed attempt while
             stock remains; stock sale_point never checks and goes below
             zero (printed)

The suite's close then posts every sale of the rounds, timed: the figures
"with the close" count that time too.

    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python -O benchmarks/pos.py --seconds 20
"""
import argparse
import multiprocessing
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from availability import (  # noqa: E402
    Seller, locations, make_product, new_move, percentile, sell_round)
from bench import (  # noqa: E402
    bench_database, database_uri, print_header, production_mode)

TILLS = 8
CLOCK_TICKS = os.sysconf('SC_CLK_TCK')


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


def stock_sale(product_id, point_id):
    "One sale at a stock till: created, paid in cash, processed and posted"
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


# What a till program sends for a product: it knows its prices
TILL_VALUES = {}


def submit_sale(product_id, point_id):
    """The same sale sent by the suite's till in one call: created with its
    line and payment, and processed"""
    import uuid

    from trytond.modules.sale_point_serial.tests.tools import paid_sale
    from trytond.pool import Pool
    pool = Pool()
    Point = pool.get('sale.point')
    Product = pool.get('product.product')
    Sale = pool.get('sale.point.sale')
    key = (product_id, point_id)
    if key not in TILL_VALUES:
        TILL_VALUES[key] = paid_sale(
            Point(point_id), [(Product(product_id), 1, None)])
    values = dict(TILL_VALUES[key], client_key=uuid.uuid4().hex)
    sale, = Sale.submit([values])
    return sale.state == 'done'


SALES = {'stock': stock_sale, 'submit': submit_sale}


def database_cpu():
    "CPU seconds used so far by the processes of the PostgreSQL server"
    total = 0
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/stat') as stat:
                fields = stat.read().rsplit(')', 1)
                name = fields[0].split('(', 1)[1]
                values = fields[1].split()
        except OSError:
            continue
        if name.startswith('postgres'):
            total += int(values[11]) + int(values[12])
    return total / CLOCK_TICKS


def till_process(uri, database, context, how, item, seconds, barrier,
        results):
    "One till in its own process: sells until the round's deadline"
    production_mode()
    from trytond import config
    config.set('database', 'uri', uri)
    from trytond.pool import Pool
    Pool.start()
    Pool(database).init()
    seller = Seller(database, context)
    sale = SALES[how]
    sold = 0
    barrier.wait()
    deadline = time.perf_counter() + seconds
    cpu = time.process_time()
    while time.perf_counter() < deadline:
        if seller.run(sale, *item):
            sold += 1
    results.put({
            'sales': sold, 'failed': seller.failed,
            'refused': seller.refused, 'restarts': seller.restarts,
            'retries': seller.retries, 'latencies': seller.latencies,
            'cpu': time.process_time() - cpu,
            })


def process_round(database, context, how, items, seconds):
    "len(items) tills as processes, sold by SALES[how]"
    spawn = multiprocessing.get_context('spawn')
    barrier = spawn.Barrier(len(items) + 1)
    results = spawn.Queue()
    processes = [spawn.Process(target=till_process, args=(
                database_uri(), database, context, how, item, seconds,
                barrier, results)) for item in items]
    for process in processes:
        process.start()
    # Timed once every till has loaded its pool
    barrier.wait()
    started, db_cpu = time.perf_counter(), database_cpu()
    tills = [results.get() for _ in processes]
    elapsed = time.perf_counter() - started
    db_cpu = database_cpu() - db_cpu
    for process in processes:
        process.join()
    latencies = [l for t in tills for l in t['latencies']]
    sales = sum(t['sales'] for t in tills)
    return {
        'sales': sales,
        'rate': sales / elapsed,
        'failed': sum(t['failed'] for t in tills),
        'not assigned': sum(t['refused'] for t in tills),
        'restarts': sum(t['restarts'] for t in tills),
        'retries': sum(t['retries'] for t in tills),
        'p50 ms': percentile(latencies, .5) * 1000 if latencies else 0,
        'p95 ms': percentile(latencies, .95) * 1000 if latencies else 0,
        'cpu per sale ms': (sum(t['cpu'] for t in tills) + db_cpu)
        / max(sales, 1) * 1000,
        }


def thread_round(database, context, how, items, seconds):
    "len(items) tills as threads of this process, sold by SALES[how]"
    sale = SALES[how]
    cpu, db_cpu = time.process_time(), database_cpu()
    result = sell_round(database, context, lambda item: sale(*item),
        items, seconds, workers=len(items), keep_latencies=True)
    cpu, db_cpu = time.process_time() - cpu, database_cpu() - db_cpu
    latencies = result.pop('latencies')
    result['p50 ms'] = percentile(latencies, .5) * 1000 if latencies else 0
    result['p95 ms'] = percentile(latencies, .95) * 1000 if latencies else 0
    result['server cpu per sale ms'] = cpu / max(result['sales'], 1) * 1000
    result['database cpu per sale ms'] = (
        db_cpu / max(result['sales'], 1) * 1000)
    result['cpu per sale ms'] = (
        result['server cpu per sale ms']
        + result['database cpu per sale ms'])
    return result


def close_tills(pool, database, context, point_ids):
    """Post the paid sales of each till's session as its close does, one
    till after the other; return (sales posted, seconds)"""
    from trytond.transaction import Transaction
    Sale = pool.get('sale.point.sale')
    Session = pool.get('sale.point.cash.session')
    posted, started = 0, time.perf_counter()
    for point_id in point_ids:
        with Transaction(new=True).start(database, 0, context=context):
            sales = Sale.search([
                    ('point', '=', point_id), ('state', '=', 'done')],
                order=[('id', 'ASC')])
            Session.post_sales(sales)
            posted += len(sales)
    return posted, time.perf_counter() - started


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


def side(name, modules, how, args):
    "Set up a database and run the rounds of one side, selling by how"
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
        tills = list(zip(distinct, points))
        results = {}
        results['alone'] = thread_round(
            database, context, how, tills[:1], args.seconds)
        results['threads'] = thread_round(
            database, context, how, tills, args.seconds)
        if not args.no_processes:
            results['processes'] = process_round(
                database, context, how, tills, args.seconds)
        results['hot'] = thread_round(
            database, context, how, [(hot, p) for p in points],
            args.seconds)
        if how == 'submit':
            results['close'] = close_tills(pool, database, context, points)
        with Transaction(new=True).start(database, 0, context=context):
            results['hot']['left'] = stock_left(pool, hot)
        print(f"{name}: {results}", flush=True)
        return results


def report(stock, suite, args):
    cores = os.cpu_count()
    alone = {n: s['alone'] for n, s in [('stock', stock), ('suite', suite)]}
    print("one till alone, CPU per sale (this process + PostgreSQL): "
        + " | ".join(f"{n} {a['server cpu per sale ms']:.0f} + "
            f"{a['database cpu per sale ms']:.0f} = "
            f"{a['cpu per sale ms']:.0f} ms, {a['rate']:.1f} sales/s, "
            f"machine limit {cores} cores / CPU per sale = "
            f"{cores / a['cpu per sale ms'] * 1000:.1f} sales/s"
            for n, a in alone.items()))
    limit = cores / alone['suite']['cpu per sale ms'] * 1000
    posted, closing = suite.get('close', (0, 0))
    for round_ in ['threads', 'processes']:
        if round_ not in suite:
            continue
        a, b = stock[round_], suite[round_]
        print(f"distinct products, 8 tills as {round_}: stock "
            f"{a['rate']:.1f} sales/s, {a['failed']} failed, p50/p95 "
            f"{a['p50 ms']:.0f}/{a['p95 ms']:.0f} ms | suite "
            f"{b['rate']:.1f} sales/s, {b['failed']} failed, "
            f"{b['restarts']} restarts, p50/p95 {b['p50 ms']:.0f}/"
            f"{b['p95 ms']:.0f} ms | {b['rate'] / a['rate']:.2f}x stock, "
            f"{b['rate'] / limit:.0%} of the suite's machine limit")
    if posted:
        sales = sum(suite[r]['sales'] for r in suite
            if isinstance(suite[r], dict))
        rounds = args.seconds * sum(1 for r in suite
            if isinstance(suite[r], dict))
        print(f"the suite's close posted {posted} sales in {closing:.1f} s "
            f"({closing / posted * 1000:.0f} ms a sale, one till after the "
            f"other); with the close counted, the rounds' {sales} sales "
            f"took {rounds + closing:.0f} s of tills and closes "
            f"({sales / (rounds + closing):.1f} sales/s)")
    a, b = stock['hot'], suite['hot']
    print(f"hot product ({args.hot_stock} in stock): stock sold "
        f"{a['sales']}, {a['failed']} failed, left {a['left']} "
        f"(below zero by {max(0, -a['left'])}) | suite sold {b['sales']}, "
        f"{b['failed']} failed, {b['not assigned']} refused once gone, "
        f"left {b['left']}, oversold {max(0, -b['left'])}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--seconds', type=float, default=20,
        help="length of each round (default 20)")
    parser.add_argument('--hot-stock', type=int, default=40,
        help="units of the hot product in stock (default 40)")
    parser.add_argument('--no-processes', action='store_true',
        help="skip the round of tills as processes")
    parser.add_argument('--suite-only', action='store_true',
        help="run the suite alone (to look into it; no comparison)")
    args = parser.parse_args(argv)
    print_header('pos', f"{TILLS} tills, {args.seconds} s rounds")
    suite_modules = ['sale_point_serial', 'sale_point_cash']
    if args.suite_only:
        side('suite', suite_modules, 'submit', args)
        return 0
    stock = side('stock sale_point', ['sale_point'], 'stock', args)
    suite = side('suite (sale_point_serial, sale_point_cash)',
        suite_modules, 'submit', args)
    report(stock, suite, args)
    return 0


if __name__ == '__main__':
    sys.exit(main())
