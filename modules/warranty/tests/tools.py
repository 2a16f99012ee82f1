# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.modules.repair.tests.tools import create_shop, create_unit
from trytond.pool import Pool


def sell(lot, customer_location, company):
    "Move the unit lot from where it is to the customer"
    pool = Pool()
    Move = pool.get('stock.move')
    move, = Move.create([{
                'product': lot.product.id, 'unit': lot.product.default_uom.id,
                'quantity': 1, 'lot': lot.id,
                'from_location': lot.current_location.id,
                'to_location': customer_location.id,
                'unit_price': 800, 'currency': company.currency.id,
                'company': company.id,
                }])
    Move.do([move])
    return move


def create_sold_unit(company):
    """Create a branch, a phone policy (14 days, 12 months) and a phone
    sold from the branch; return (branch, policy, unit, the move that sold
    it)"""
    pool = Pool()
    Location = pool.get('stock.location')
    Lot = pool.get('stock.lot')
    Policy = pool.get('warranty.policy')
    branch, phone, _ = create_shop()
    policy, = Policy.create([{
                'name': "Phones", 'replacement_days': 14,
                'service_months': 12, 'terms': "Terms"}])
    lot = create_unit(phone, branch.storage_location)
    customer, = Location.search([('type', '=', 'customer')])
    move = sell(Lot(lot.id), customer, company)
    return branch, policy, Lot(lot.id), move
