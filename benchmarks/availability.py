#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Availability benchmarks against stock Tryton, on PostgreSQL.

  atp     ATP of one product at one branch from the cache against
          products_by_location, as the ledger grows (--sizes), and the
          cache check over the largest ledger.
  sell    8 concurrent sellers, each sale a create-and-reserve in its own
          transaction: one hot product, then distinct products.  The suite
          sells with stock.move.create_reserved, then with create and
          stock.move.reserve, in a database with stock_availability;
          stock Tryton runs assign_try in a database
          with the same upstream modules (stock, stock_lot, sale,
          purchase...) but none of the suite's, on the same server in the
          same run (--bare-stock: only stock, as before).
          Also the oversell race of reliability.md §10: 40 products of 1
          unit, 2 sellers each at the same instant.

    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python -O benchmarks/availability.py atp
"""
import argparse
import collections
import functools
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench import (  # noqa: E402
    bench_database, print_header, upstream_modules)


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]


def make_product(pool, name):
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    template, = Template.create([{
                'name': name,
                'type': 'goods',
                'default_uom': unit.id,
                'products': [('create', [{}])],
                }])
    return template.products[0]


def locations(pool):
    Location = pool.get('stock.location')
    return {l.code: l for l in Location.search([
                ('code', 'in', ['WH', 'SUP', 'STO', 'CUS'])])}


def new_move(pool, product, from_, to, quantity, company):
    Move = pool.get('stock.move')
    values = {
        'product': product.id,
        'unit': product.default_uom.id,
        'quantity': quantity,
        'from_location': from_.id,
        'to_location': to.id,
        'company': company.id,
        }
    if {from_.type, to.type} & {'supplier', 'customer'}:
        values['unit_price'] = Decimal('10')
        values['currency'] = company.currency.id
    move, = Move.create([values])
    return move


def grow_ledger(transaction, template_id, products, places, count):
    "Copy a done move count times over products, half in, half out"
    cursor = transaction.connection.cursor()
    cursor.execute("SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'stock_move' AND column_name NOT IN "
        "('id', 'product', 'from_location', 'to_location', "
        "'ledger_sequence', 'ledger_hash')")
    columns = [c for c, in cursor]
    names = ', '.join('"%s"' % c for c in columns)
    product_ids = 'ARRAY[%s]' % ','.join(str(p.id) for p in products)
    cursor.execute(
        f'INSERT INTO stock_move ({names}, product, from_location, '
        f'to_location) SELECT {names}, '
        f'({product_ids})[1 + (g %% {len(products)})], '
        f'CASE WHEN g %% 2 = 0 THEN %s ELSE %s END, '
        f'CASE WHEN g %% 2 = 0 THEN %s ELSE %s END '
        f'FROM stock_move, generate_series(1, %s) AS g WHERE id = %s',
        (places['SUP'].id, places['STO'].id, places['STO'].id,
            places['CUS'].id, count, template_id))


def bench_atp(args):
    print_header('availability atp', max(args.sizes))
    with bench_database(['stock_availability']) as (
            pool, transaction, company):
        Availability = pool.get('stock.availability')
        Product = pool.get('product.product')
        Move = pool.get('stock.move')
        places = locations(pool)
        products = [make_product(pool, 'P%s' % i) for i in range(200)]
        hot = products[0]
        with transaction.set_context(_skip_warnings=True):
            move = new_move(
                pool, hot, places['SUP'], places['STO'], 1, company)
            Move.do([move])
        transaction.commit()
        ledger = 1
        print("size | suite ATP p50/p95 ms | stock products_by_location "
            "p50/p95 ms | speed-up (p95)")
        for size in args.sizes:
            grow_ledger(transaction, move.id, products, places,
                size - ledger)
            ledger = size
            transaction.commit()
            started = time.perf_counter()
            drifts = Availability.rebuild()
            transaction.commit()
            rebuild = time.perf_counter() - started
            cursor = transaction.connection.cursor()
            cursor.execute('ANALYZE')
            suite, stock = [], []
            # Untimed first calls on both sides: plans and caches warm
            for _ in range(20):
                Availability.atp_of(hot, places['WH'])
            with transaction.set_context(stock_date_end=None):
                Product.products_by_location(
                    [places['WH'].storage_location.id],
                    grouping_filter=([hot.id],))
            for _ in range(args.repeat):
                started = time.perf_counter()
                atp = Availability.atp_of(hot, places['WH'])
                suite.append(time.perf_counter() - started)
            with transaction.set_context(stock_date_end=None):
                for _ in range(max(5, args.repeat // 20)):
                    started = time.perf_counter()
                    quantities = Product.products_by_location(
                        [places['WH'].storage_location.id],
                        grouping_filter=([hot.id],))
                    stock.append(time.perf_counter() - started)
            quantity = sum(quantities.values())
            assert abs(quantity - atp) < 1e-6, (quantity, atp)
            s95, t95 = percentile(suite, .95), percentile(stock, .95)
            print(f"{size} | {statistics.median(suite) * 1000:.2f} / "
                f"{s95 * 1000:.2f} | {statistics.median(stock) * 1000:.1f} / "
                f"{t95 * 1000:.1f} | {t95 / s95:.0f}x "
                f"(ATP {atp:.0f}; cache rebuilt from the ledger in "
                f"{rebuild:.1f} s, {drifts} rows)", flush=True)
        started = time.perf_counter()
        drifts = Availability.check_cache()
        print(f"cache check over {ledger} moves: {len(drifts)} drifts in "
            f"{time.perf_counter() - started:.1f} s (target <= 60 s)")


class Seller:
    "Runs sales in transactions the way trytond's dispatcher does"

    def __init__(self, database, context):
        self.database = database
        self.context = context
        self.retries = 0
        self.restarts = 0
        self.failed = 0
        self.refused = 0
        self.latencies = []
        # The first line of each lock or serialization error, counted
        self.errors = collections.Counter()

    def run(self, func, *args):
        from trytond import backend
        from trytond.exceptions import UserError
        from trytond.transaction import Transaction, TransactionError
        extras = {}
        count = 0
        started = time.perf_counter()
        while True:
            try:
                with Transaction().start(
                        self.database, 0, context=self.context, **extras):
                    result = func(*args)
                break
            except TransactionError as error:
                self.restarts += 1
                self.errors['restart: %s' % type(error).__name__] += 1
                error.fix(extras)
            except backend.DatabaseOperationalError as error:
                self.errors[str(error).splitlines()[0][:80]] += 1
                if count < 5:  # the dispatcher's [database] retry
                    count += 1
                    self.retries += 1
                    time.sleep(0.02 * count)
                    continue
                self.failed += 1
                return None
            except UserError:
                self.refused += 1
                return None
        self.latencies.append(time.perf_counter() - started)
        return result


def sell_round(database, context, sale, products, seconds, workers=8,
        keep_latencies=False):
    """workers sellers for seconds; products[i % len] for seller i; with
    keep_latencies, the latency of each sale in 'latencies'"""
    sellers = [Seller(database, context) for _ in range(workers)]
    sold = [0] * workers
    barrier = threading.Barrier(workers)
    deadline = [0]

    def work(index):
        barrier.wait()
        if index == 0:
            deadline[0] = time.perf_counter() + seconds
        while not deadline[0]:
            time.sleep(0.001)
        product = products[index % len(products)]
        while time.perf_counter() < deadline[0]:
            if sellers[index].run(sale, product):
                sold[index] += 1

    threads = [threading.Thread(target=work, args=(i,))
        for i in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = [l for s in sellers for l in s.latencies]
    result = {
        'sales': sum(sold),
        'rate': sum(sold) / elapsed,
        'failed': sum(s.failed for s in sellers),
        'not assigned': sum(s.refused for s in sellers),
        'retries': sum(s.retries for s in sellers),
        'restarts': sum(s.restarts for s in sellers),
        'errors': dict(sum((s.errors for s in sellers),
                collections.Counter())),
        'median ms': (statistics.median(latencies) * 1000
            if latencies else 0),
        }
    if keep_latencies:
        result['latencies'] = latencies
    return result


def race_round(database, context, sale, products):
    "2 sellers per 1-unit product at the same instant; return oversold"
    oversold = 0
    for product in products:
        barrier = threading.Barrier(2)
        results = [None, None]

        def work(index, product=product):
            seller = Seller(database, context)
            barrier.wait()
            results[index] = seller.run(sale, product)

        threads = [threading.Thread(target=work, args=(i,))
            for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if all(results):
            oversold += 1
    return oversold


def side(name, modules, hows, args):
    """Set up a database and run the selling rounds of one side, once per
    way of selling in hows: 'assign_try', 'reserve' (create, then
    stock.move.reserve) or 'create_reserved'"""
    from trytond.pool import Pool
    with bench_database(modules) as (pool, transaction, company):
        Move = pool.get('stock.move')
        places = locations(pool)
        context = {'company': company.id, '_skip_warnings': True}
        hot = make_product(pool, 'Hot')
        distinct = [make_product(pool, 'D%s' % i) for i in range(8)]
        singles = {how: [make_product(pool, 'S%s %s' % (how, i))
                for i in range(40)] for how in hows}
        products = [hot] + distinct + sum(singles.values(), [])
        with transaction.set_context(_skip_warnings=True):
            receipts = [new_move(pool, p, places['SUP'], places['STO'],
                    100000 if p in [hot] + distinct else 1, company)
                for p in products]
            Move.do(receipts)
        transaction.commit()
        database = transaction.database.name
        # Records belong to their transaction: the sellers get ids.
        place_ids = {k: l.id for k, l in places.items()}
        company_id = company.id
        currency_id = company.currency.id
        unit_id = hot.default_uom.id

        def sale(how, product_id):
            pool = Pool()
            Move = pool.get('stock.move')
            Product = pool.get('product.product')
            Company = pool.get('company.company')
            Location = pool.get('stock.location')
            if how == 'create_reserved':
                # What a client sends: ids
                Move.create_reserved([{
                            'product': product_id,
                            'unit': unit_id,
                            'quantity': 1,
                            'from_location': place_ids['STO'],
                            'to_location': place_ids['CUS'],
                            'company': company_id,
                            'unit_price': Decimal('10'),
                            'currency': currency_id,
                            }])
                return True
            move = new_move(pool, Product(product_id),
                Location(place_ids['STO']), Location(place_ids['CUS']), 1,
                Company(company_id))
            if how == 'reserve':
                Move.reserve([move])
                return True
            Move.assign_try([move])
            return Move(move.id).state == 'assigned'

        results = {}
        for how in hows:
            sell = functools.partial(sale, how)
            results[how] = {
                'hot': sell_round(
                    database, context, sell, [hot.id], args.seconds),
                'distinct': sell_round(database, context, sell,
                    [p.id for p in distinct], args.seconds),
                'race': race_round(database, context, sell,
                    [p.id for p in singles[how]]),
                }
            print(f"{name} ({how}): {results[how]}", flush=True)
        return results


def bench_sell(args):
    print_header('availability sell', args.seconds)
    stock_modules = (['stock'] if args.bare_stock
        else upstream_modules(['stock_availability']))
    print(f"stock Tryton modules: {', '.join(stock_modules)}", flush=True)
    stock = side('stock Tryton', stock_modules, ['assign_try'], args)[
        'assign_try']
    suite = side('suite', ['stock_availability'],
        ['create_reserved', 'reserve'], args)
    for how, label in [
            ('create_reserved', 'stock.move.create_reserved'),
            ('reserve', 'create + stock.move.reserve')]:
        print(f"suite by {label}:")
        for round_ in ['hot', 'distinct']:
            a, b = stock[round_], suite[how][round_]
            print(f"  {round_}: stock {a['rate']:.1f} sales/s, "
                f"{a['failed']} failed, {a['not assigned']} not assigned, "
                f"{a['retries']} retries, median {a['median ms']:.0f} ms | "
                f"suite {b['rate']:.1f} sales/s, {b['failed']} failed, "
                f"{b['not assigned']} refused, {b['retries']} retries, "
                f"{b['restarts']} restarts, median {b['median ms']:.0f} ms "
                f"| {b['rate'] / a['rate']:.1f}x")
        print(f"  oversell race (40 products of 1 unit, 2 sellers each): "
            f"stock {stock['race']} of 40 oversold, suite "
            f"{suite[how]['race']} of 40")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', required=True)
    atp = commands.add_parser('atp')
    atp.add_argument('--sizes', type=int, nargs='+',
        default=[10000, 100000, 1000000])
    atp.add_argument('--repeat', type=int, default=200)
    sell = commands.add_parser('sell')
    sell.add_argument('--seconds', type=float, default=20)
    sell.add_argument('--bare-stock', action='store_true',
        help="stock Tryton with only the stock module")
    args = parser.parse_args(argv)
    {'atp': bench_atp, 'sell': bench_sell}[args.command](args)
    return 0


if __name__ == '__main__':
    sys.exit(main())
