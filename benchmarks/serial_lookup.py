#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Look units up by IMEI through the ORM among N units.

The units are bulk-loaded with COPY (the set-up is not what is measured),
then --lookups random IMEIs are looked up, each as its own ORM call:

* the suite: stock.lot.find_by_code(), which accepts any identifier as it
  was scanned (separators and all) and uses the identifier index;
* stock Tryton: stock.lot search on number, as a plain lot lookup.

Prints p50, p95 and p99 for both.  Needs PostgreSQL:

    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python benchmarks/serial_lookup.py --units 1000000

Exit codes: 0 ran, 2 bad usage or no PostgreSQL.
"""
import argparse
import io
import random
import statistics
import sys
import time

from bench import bench_database, print_header


def imei(serial):
    "The serial-th IMEI of the benchmark (reporting body 35)"
    from stdnum import luhn
    body = '35%012d' % serial
    return body + luhn.calc_check_digit(body)


def bulk_load(transaction, product_id, count):
    "COPY count units and their identifiers"
    cursor = transaction.connection.cursor()
    cursor.execute('SELECT COALESCE(MAX(id), 0) FROM stock_lot')
    first_id = cursor.fetchone()[0] + 1
    batch = 100000
    for start in range(0, count, batch):
        lots = io.StringIO()
        identifiers = io.StringIO()
        for i in range(start, min(count, start + batch)):
            code = imei(i)
            lot_id = first_id + i
            lots.write(f'{lot_id}\t{code}\t{code}\t{product_id}\tt\t0\n')
            identifiers.write(f'{lot_id}\timei\t{code}\t0\n')
        with cursor.copy(
                'COPY stock_lot (id, number, imei, product, active, '
                'create_uid) FROM STDIN') as copy:
            copy.write(lots.getvalue())
        with cursor.copy(
                'COPY stock_lot_identifier (lot, kind, code, create_uid) '
                'FROM STDIN') as copy:
            copy.write(identifiers.getvalue())
        print(f"set-up: {min(count, start + batch)} units loaded",
            flush=True)
    cursor.execute("SELECT setval('stock_lot_id_seq', %s)",
        (first_id + count,))
    cursor.execute('ANALYZE stock_lot')
    cursor.execute('ANALYZE stock_lot_identifier')


def percentiles(durations):
    durations = sorted(durations)
    q = statistics.quantiles(durations, n=100)
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--units', type=int, default=1000000)
    parser.add_argument('--lookups', type=int, default=2000)
    parser.add_argument('--keep', action='store_true')
    args = parser.parse_args(argv)
    with bench_database(['stock_lot_serial'], keep=args.keep) as (
            pool, transaction, company):
        print_header("serial lookup", args.units)
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Lot = pool.get('stock.lot')
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': "Phone", 'type': 'goods', 'tracking': 'imei',
                    'default_uom': unit.id,
                    'products': [('create', [{}])]}])
        started = time.perf_counter()
        bulk_load(transaction, template.products[0].id, args.units)
        transaction.commit()
        print(f"set-up: bulk load took {time.perf_counter() - started:.0f} s",
            flush=True)

        rng = random.Random(8)
        codes = [imei(rng.randrange(args.units)) for _ in range(args.lookups)]
        results = {}
        for name, lookup in [
                ('suite find_by_code (scanned form)',
                    lambda c: Lot.find_by_code(
                        f'{c[:2]} {c[2:8]} {c[8:14]} {c[14]}')),
                ('stock Tryton search on number',
                    lambda c: Lot.search([('number', '=', c)], limit=1)[0]),
                ]:
            durations = []
            for code in codes:
                transaction.cache.clear()
                started = time.perf_counter()
                lot = lookup(code)
                assert lot.number == code
                durations.append(time.perf_counter() - started)
            results[name] = percentiles(durations)
            p50, p95, p99 = results[name]
            print(f"{name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
                f"p99 {p99:.2f} ms over {args.lookups} lookups", flush=True)
    print("target: suite p95 <= 5 ms")
    return 0


if __name__ == '__main__':
    sys.exit(main())
