#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Receive N IMEI units in one supplier shipment, against stock Tryton.

Both sides run on the same server, one after the other, each in one
transaction and in its own database, so that stock Tryton runs without
the suite's modules but with the same upstream ones (stock, stock_lot,
purchase, sale...; --bare-stock: only stock and stock_lot):

* stock Tryton: create N plain lots and N supplier moves, then do them;
* the suite: ShipmentIn.receive_units_at_once(), the "Receive Now"
  path of the Receive Units wizard: validates every IMEI, creates the
  units and moves them with set-based SQL, updating unit states and the
  availability cache; first from the supplier straight into storage (one
  move per unit, as stock's), then through the warehouse's input location
  (two moves per unit) with other IMEIs;
* with --orm also the suite's ORM path: add_units(), then receive and do
  the shipment.

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

from bench import bench_database, print_header, upstream_modules

TAC = '35209011'


def luhn_digit(body):
    from stdnum import luhn
    return luhn.calc_check_digit(body)


def setup_plain(pool):
    "Stock Tryton's side: a product with lots required, no suite module"
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    plain, = Template.create([{
                'name': "Plain lots",
                'type': 'goods',
                'default_uom': unit.id,
                'lot_required': ['supplier', 'storage'],
                'products': [('create', [{}])],
                }])
    return plain.products[0], locations_of(pool)


def setup_phone(pool):
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Party = pool.get('party.party')
    unit, = Uom.search([('name', '=', 'Unit')])
    phone, = Template.create([{
                'name': "Phone",
                'type': 'goods',
                'default_uom': unit.id,
                'tracking': 'imei',
                'products': [('create', [{}])],
                }])
    supplier, = Party.create([{'name': "Supplier"}])
    return phone.products[0], supplier, locations_of(pool)


def locations_of(pool):
    Location = pool.get('stock.location')
    return {l.code: l for l in Location.search([
                ('code', 'in', ['SUP', 'STO', 'IN', 'WH'])])}


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


def new_shipment(pool, company, supplier, locations, one_step=False):
    """A supplier shipment into the warehouse's input location, or
    straight into storage with one_step, as stock's moves go"""
    Shipment = pool.get('stock.shipment.in')
    warehouse = locations['WH']
    shipment, = Shipment.create([{
                'supplier': supplier.id,
                'warehouse': warehouse.id,
                'warehouse_input': (warehouse.storage_location.id
                    if one_step else warehouse.input_location.id),
                'warehouse_storage': warehouse.storage_location.id,
                'company': company.id,
                }])
    return shipment


def unit_rows(count, tac=TAC):
    rows = []
    for i in range(count):
        body = '%s%06d' % (tac, i)
        imei = body + luhn_digit(body)
        rows.append((i + 2, imei, {'imei': imei, 'grade': 'new'}))
    return rows


def suite_receipt(pool, company, product, supplier, locations, count,
        one_step=False, tac=TAC):
    "The suite's fast path: validated IMEI units received at once"
    shipment = new_shipment(pool, company, supplier, locations, one_step)
    shipment.receive_units_at_once(
        product, unit_rows(count, tac=tac), Decimal('400'))


def suite_orm_receipt(pool, company, product, supplier, locations, count):
    "The suite's ORM path: add the units, receive and do the shipment"
    Shipment = pool.get('stock.shipment.in')
    shipment = new_shipment(pool, company, supplier, locations)
    shipment.add_units(
        product, unit_rows(count, tac='35209012'), Decimal('400'))
    Shipment.receive([shipment])
    Shipment.do([shipment])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--units', type=int, default=10000)
    parser.add_argument('--orm', action='store_true',
        help="also time the suite's ORM path")
    parser.add_argument('--bare-stock', action='store_true',
        help="stock Tryton with only stock and stock_lot")
    parser.add_argument('--keep', action='store_true',
        help="keep the benchmark database")
    args = parser.parse_args(argv)

    print_header("serial receipt", args.units)
    stock_modules = (['stock_lot'] if args.bare_stock
        else upstream_modules(['stock_availability']))
    print(f"stock Tryton modules: {', '.join(stock_modules)}", flush=True)
    with bench_database(stock_modules, keep=args.keep) as (
            pool, transaction, company):
        plain, locations = setup_plain(pool)
        transaction.commit()
        started = time.perf_counter()
        stock_receipt(pool, company, plain, locations, args.units)
        transaction.commit()
        stock_time = time.perf_counter() - started
        print(f"stock Tryton: {args.units} plain lot moves received in "
            f"{stock_time:.1f} s ({args.units / stock_time:.0f}/s)",
            flush=True)

    with bench_database(['stock_availability'], keep=args.keep) as (
            pool, transaction, company):
        product, supplier, locations = setup_phone(pool)
        transaction.commit()
        started = time.perf_counter()
        suite_receipt(pool, company, product, supplier, locations,
            args.units, one_step=True)
        transaction.commit()
        suite_time = time.perf_counter() - started
        print(f"suite: {args.units} IMEI units validated, created and "
            f"received at once, supplier to storage as stock's moves, in "
            f"{suite_time:.1f} s ({args.units / suite_time:.0f}/s)",
            flush=True)
        started = time.perf_counter()
        suite_receipt(pool, company, product, supplier, locations,
            args.units, tac='35209013')
        transaction.commit()
        two_step_time = time.perf_counter() - started
        print(f"suite, two steps: the same through the input location "
            f"(twice the moves) in {two_step_time:.1f} s "
            f"({args.units / two_step_time:.0f}/s)", flush=True)
        if args.orm:
            started = time.perf_counter()
            suite_orm_receipt(
                pool, company, product, supplier, locations, args.units)
            transaction.commit()
            orm_time = time.perf_counter() - started
            print(f"suite ORM path: {args.units} units added, received and "
                f"done in {orm_time:.1f} s ({args.units / orm_time:.0f}/s)",
                flush=True)

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ratio stock/suite: {stock_time / suite_time:.2f}x "
        f"(target >= 3x); two steps {stock_time / two_step_time:.2f}x")
    print(f"peak RSS: {rss:.0f} MB (target <= 300 MB)")
    print(f"finished {dt.datetime.now():%Y-%m-%d %H:%M:%S}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
