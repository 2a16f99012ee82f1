#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Receive N IMEI units in one supplier shipment, against stock Tryton.

Both sides run in the same database on the same server, one after the
other, each in one transaction:

* stock Tryton: create N plain lots and N supplier moves, then do them;
* the suite: ShipmentIn.add_units() (validates every IMEI, creates the
  units and their moves), then receive and do the shipment, which moves
  every unit twice (supplier to input, input to storage) under row locks.

Prints both times, their ratio and the peak RSS.  Needs PostgreSQL:

    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python benchmarks/serial_receipt.py --units 10000

Exit codes: 0 ran, 2 bad usage or no PostgreSQL.
"""
import argparse
import datetime as dt
import resource
import sys
import time
from decimal import Decimal

from bench import bench_database, print_header

TAC = '35209011'


def luhn_digit(body):
    from stdnum import luhn
    return luhn.calc_check_digit(body)


def setup(pool, company):
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Location = pool.get('stock.location')
    Party = pool.get('party.party')
    unit, = Uom.search([('name', '=', 'Unit')])
    phone, plain = Template.create([{
                'name': "Phone",
                'type': 'goods',
                'default_uom': unit.id,
                'tracking': 'imei',
                'products': [('create', [{}])],
                }, {
                'name': "Plain lots",
                'type': 'goods',
                'default_uom': unit.id,
                'lot_required': ['supplier', 'storage'],
                'products': [('create', [{}])],
                }])
    supplier, = Party.create([{'name': "Supplier"}])
    locations = {l.code: l for l in Location.search([
                ('code', 'in', ['SUP', 'STO', 'IN', 'WH'])])}
    return phone.products[0], plain.products[0], supplier, locations


def stock_receipt(pool, company, product, locations, count):
    "What stock Tryton does: plain lots, supplier moves, done"
    Lot = pool.get('stock.lot')
    Move = pool.get('stock.move')
    batch = 1000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        lots = Lot.create([{
                    'number': 'PLAIN%08d' % (start + i),
                    'product': product.id,
                    } for i in range(size)])
        moves = Move.create([{
                    'product': product.id,
                    'unit': product.default_uom.id,
                    'quantity': 1,
                    'from_location': locations['SUP'].id,
                    'to_location': locations['STO'].id,
                    'lot': lot.id,
                    'company': company.id,
                    'unit_price': Decimal('400'),
                    'currency': company.currency.id,
                    } for lot in lots])
        Move.do(moves)


def suite_receipt(pool, company, product, supplier, locations, count):
    "The suite: validated IMEI units through the supplier shipment"
    Shipment = pool.get('stock.shipment.in')
    warehouse = locations['WH']
    shipment, = Shipment.create([{
                'supplier': supplier.id,
                'warehouse': warehouse.id,
                'warehouse_input': warehouse.input_location.id,
                'warehouse_storage': warehouse.storage_location.id,
                'company': company.id,
                }])
    rows = []
    for i in range(count):
        body = '%s%06d' % (TAC, i)
        imei = body + luhn_digit(body)
        rows.append((i + 2, imei, {'imei': imei, 'grade': 'new'}))
    started = time.perf_counter()
    shipment.add_units(product, rows, Decimal('400'))
    added = time.perf_counter() - started
    Shipment.receive([shipment])
    Shipment.do([shipment])
    return added


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--units', type=int, default=10000)
    parser.add_argument('--keep', action='store_true',
        help="keep the benchmark database")
    args = parser.parse_args(argv)

    with bench_database(['stock_lot_serial'], keep=args.keep) as (
            pool, transaction, company):
        print_header("serial receipt", args.units)
        product, plain, supplier, locations = setup(pool, company)
        transaction.commit()

        started = time.perf_counter()
        stock_receipt(pool, company, plain, locations, args.units)
        transaction.commit()
        stock_time = time.perf_counter() - started
        print(f"stock Tryton: {args.units} plain lot moves received in "
            f"{stock_time:.1f} s ({args.units / stock_time:.0f}/s)",
            flush=True)

        started = time.perf_counter()
        added = suite_receipt(
            pool, company, product, supplier, locations, args.units)
        transaction.commit()
        suite_time = time.perf_counter() - started
        print(f"suite: {args.units} IMEI units validated, created and "
            f"received in {suite_time:.1f} s ({args.units / suite_time:.0f}"
            f"/s; add_units {added:.1f} s)", flush=True)

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ratio stock/suite: {stock_time / suite_time:.2f}x "
        "(target >= 3x)")
    print(f"peak RSS: {rss:.0f} MB (target <= 300 MB)")
    print(f"finished {dt.datetime.now():%Y-%m-%d %H:%M:%S}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
