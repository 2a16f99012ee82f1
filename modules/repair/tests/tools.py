# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.modules.stock_lot_serial.tests.tools import imeis
from trytond.modules.stock_valuation.tests.test_module import create_goods
from trytond.pool import Pool
from trytond.transaction import Transaction


def create_shop(category=None):
    """Create the branch Downtown, a phone model and a screen part costed
    FIFO, of the account category if any; return (branch, phone, screen)"""
    pool = Pool()
    CreateBranch = pool.get('stock.branch.create', type='wizard')
    branch = CreateBranch.create_branch(name="Downtown", code='DT')
    phone, screen = create_goods(
        ("Phone", 'imei', None, category),
        ("Screen", 'none', 'fifo', category))
    return branch, phone, screen


def receive(product, location, quantity, unit_price, lot=None):
    "Receive quantity of product (or its unit lot) from the supplier"
    pool = Pool()
    Company = pool.get('company.company')
    Location = pool.get('stock.location')
    Move = pool.get('stock.move')
    company = Company(Transaction().context['company'])
    supplier, = Location.search([('code', '=', 'SUP')])
    move, = Move.create([{
                'product': product.id, 'unit': product.default_uom.id,
                'quantity': quantity, 'lot': lot.id if lot else None,
                'from_location': supplier.id, 'to_location': location.id,
                'unit_price': Decimal(unit_price),
                'currency': company.currency.id,
                'company': company.id,
                }])
    Move.do([move])
    return move


def create_unit(product, location=None, cost='300', index=0):
    """Create a unit of product with a valid IMEI, received at location at
    cost if location is given"""
    Lot = Pool().get('stock.lot')
    lot, = Lot.create([{
                'product': product.id,
                'imei': imeis('35209011', 1, index)[0]}])
    if location:
        receive(product, location, 1, cost, lot=lot)
    return lot
