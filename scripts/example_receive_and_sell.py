#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Receive two phones by IMEI into a branch and sell one, with proteus.

Connect over XML-RPC to a running server (what integrators do):

    scripts/example_receive_and_sell.py \\
        --url http://admin:retail-demo@localhost:8000/demo/rpc/

or open the database directly in this process (trytond library mode):

    scripts/example_receive_and_sell.py \\
        --config config/trytond.conf --database demo

Exit codes: 0 done, 1 the demo data it needs is missing, 2 bad usage.
"""
import argparse
import sys
from decimal import Decimal

from proteus import Model
from proteus import config as proteus_config
from trytond.modules.device_retail.tests.tools import (
    imei_with_check_digit, receive)

TAC = '35209011'


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--url',
        help="XML-RPC URL http://user:password@host:port/database/rpc/")
    parser.add_argument('--config', nargs='+',
        help="trytond configuration files")
    parser.add_argument('--database', help="database name (with --config)")
    parser.add_argument('--branch', default='DT',
        help="code of the branch that receives and sells (default DT)")
    parser.add_argument('--product', default="Nova X1",
        help="name of the phone model (default Nova X1)")
    parser.add_argument('--customer', default="Alice Walker")
    parser.add_argument('--supplier', default="PhoneDistri Wholesale")
    args = parser.parse_args(argv)
    if bool(args.url) == bool(args.database):
        parser.error("give either --url or --config with --database")
    return args


def connect(args):
    if args.url:
        return proteus_config.set_xmlrpc(args.url)
    return proteus_config.set_trytond(
        database=args.database, config_file=args.config)


def unused_imeis(count):
    "The next IMEIs of the demo TAC that no unit carries yet"
    Lot = Model.get('stock.lot')
    imeis, serial = [], 900000
    while len(imeis) < count:
        serial += 1
        imei = imei_with_check_digit(f'{TAC}{serial:06d}')
        if not Lot.find([('rec_name', '=', imei)]):
            imeis.append(imei)
    return imeis


def sell(warehouse, customer, product, lot):
    "Sell one unit by a sale order and ship that very unit"
    Sale = Model.get('sale.sale')
    sale = Sale(party=customer, warehouse=warehouse)
    line = sale.lines.new()
    line.product = product
    line.quantity = 1
    sale.click('quote')
    sale.click('confirm')
    shipment, = sale.shipments
    move, = shipment.inventory_moves
    move.lot = lot
    shipment.save()
    shipment.click('assign_try')
    shipment.click('pick')
    shipment.click('pack')
    shipment.click('do')
    return sale, shipment


def main(argv=None):
    args = parse_args(argv)
    connect(args)
    Location = Model.get('stock.location')
    Lot = Model.get('stock.lot')
    Party = Model.get('party.party')
    Product = Model.get('product.product')

    warehouses = Location.find([
            ('type', '=', 'warehouse'), ('code', '=', args.branch)])
    products = Product.find([('template.name', '=', args.product)], limit=1)
    customers = Party.find([('name', '=', args.customer)])
    suppliers = Party.find([('name', '=', args.supplier)])
    if not (warehouses and products and customers and suppliers):
        print("example: the demo branch, phone, customer or supplier is "
            "missing: load the demo shop with scripts/demo first",
            file=sys.stderr)
        return 1
    warehouse, = warehouses
    product, = products
    customer, = customers
    supplier, = suppliers

    imeis = unused_imeis(2)
    receive(warehouse, supplier, [
            (product, 2, Decimal('560'), [{'imei': i} for i in imeis])])
    print(f"received {product.rec_name} IMEIs {', '.join(imeis)} "
        f"into {warehouse.name}")

    sold, kept = [Lot.find([('imei', '=', i)])[0] for i in imeis]
    sale, shipment = sell(warehouse, customer, product, sold)
    print(f"sold IMEI {sold.number} to {customer.name} "
        f"(sale {sale.number}, shipment {shipment.number}, "
        f"{shipment.state})")

    with proteus_config.get_config().set_context(
            locations=[warehouse.id]):
        for lot in [Lot(sold.id), Lot(kept.id)]:
            print(f"IMEI {lot.number}: {lot.quantity:g} in stock at "
                f"{warehouse.name}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
