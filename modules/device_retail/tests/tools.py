# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Proteus helpers that set up a shop.

Scenarios, the demo loader (scripts/demo_data.py) and integrators' scripts
share them, so a shop is configured the same way everywhere.
"""

from stdnum import luhn

from proteus import Model, Wizard
from proteus.config import get_config
from trytond.modules.company.tests.tools import get_company
from trytond.modules.device_retail.tests.roles import STAFF_ROLE_GROUPS
from trytond.modules.stock_valuation.tests.tools import (  # noqa: F401
    setup_accounting)


def create_branch(name, code, config=None):
    """Create a branch with the New Branch wizard: a warehouse with its
    input, output, storage, defective, repair bench, returns quarantine,
    customer devices and scrap locations"""
    Location = Model.get('stock.location', config=config)
    wizard = Wizard('stock.branch.create', config=config)
    wizard.form.name = name
    wizard.form.code = code
    wizard.execute('create_')
    warehouse, = Location.find([('code', '=', code)])
    return warehouse


def create_sale_point(name, warehouse, accounts, config=None):
    "Create a point of sale selling from the storage of the warehouse"
    Journal = Model.get('account.journal', config=config)
    Location = Model.get('stock.location', config=config)
    SalePoint = Model.get('sale.point', config=config)
    PaymentMethod = Model.get('sale.point.payment.method', config=config)
    SequenceStrict = Model.get('ir.sequence.strict', config=config)
    SequenceType = Model.get('ir.sequence.type', config=config)

    journal, = Journal.find([('type', '=', 'revenue')], limit=1)
    customer, = Location.find([('type', '=', 'customer')], limit=1)
    point = SalePoint(name=name)
    point.journal = journal
    point.sequence = SequenceStrict(name=name, company=point.company)
    point.sequence.sequence_type, = SequenceType.find(
        [('name', '=', "POS")], limit=1)
    point.sequence.save()
    point.storage_location = warehouse.storage_location
    point.customer_location = customer
    point.save()
    if not PaymentMethod.find([('cash', '=', True)]):
        cash = PaymentMethod(name="Cash", cash=True)
        cash.account = accounts['cash']
        cash.save()
    return point


def create_staff_user(login, name, role, warehouse=None, config=None):
    """Create a user holding one of the staff roles of device_retail, or,
    where device_retail is not activated, the role's groups that are"""
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    company = get_company(config=config)
    user = User(name=name, login=login)
    user.companies.append(company)
    user.company = company
    if warehouse:
        user.branches.append(Model.get('stock.location', config=config)(
                warehouse.id))
        user.warehouse = warehouse
    context = (config or get_config()).context
    activated = {m.name for m in Model.get('ir.module', config=config).find(
            [('state', '=', 'activated')])}
    if 'device_retail' in activated:
        user_role = user.roles.new()
        user_role.role = Model.get('res.role', config=config)(
            ModelData.get_id('device_retail', 'role_%s' % role, context))
    else:
        for xml_id in STAFF_ROLE_GROUPS[role]:
            module, fs_id = xml_id.split('.')
            if module in activated:
                user.groups.append(
                    Group(ModelData.get_id(module, fs_id, context)))
    user.save()
    return user


def imei_with_check_digit(body):
    "Return the 15-digit IMEI of a 14-digit body (TAC and serial number)"
    body = str(body)
    assert len(body) == 14 and body.isdigit(), body
    return body + luhn.calc_check_digit(body)


def receive(warehouse, supplier, items, config=None):
    """Buy goods from a supplier and receive them into the warehouse.

    items is a list of (product, quantity, unit price, lots) where lots is
    None for untracked goods, or a list of dicts of stock.lot values (one
    per unit of a serialized product, e.g. {'imei': …}, or one per batch
    with its quantity under 'quantity').  A confirmed purchase gives every
    receipt move its origin; each unit or batch is one purchase line.
    Return the done supplier shipment.
    """
    Lot = Model.get('stock.lot', config=config)
    Move = Model.get('stock.move', config=config)
    Purchase = Model.get('purchase.purchase', config=config)
    Shipment = Model.get('stock.shipment.in', config=config)
    purchase = Purchase(party=supplier, warehouse=warehouse)
    lots = []
    for product, quantity, unit_price, lot_values in items:
        if lot_values is None:
            chunks = [(quantity, None)]
        else:
            chunks = []
            for values in lot_values:
                values = dict(values)
                lot_quantity = values.pop('quantity', 1)
                lot = Lot(product=product, **values)
                lot.save()
                chunks.append((lot_quantity, lot))
            if sum(q for q, _ in chunks) != quantity:
                raise ValueError(
                    "the lots of %s do not add up to %s"
                    % (product.rec_name, quantity))
        for chunk_quantity, lot in chunks:
            line = purchase.lines.new()
            line.product = product
            line.quantity = chunk_quantity
            line.unit_price = unit_price
            lots.append(lot)
    purchase.click('quote')
    purchase.click('confirm')

    shipment = Shipment(supplier=supplier, warehouse=warehouse)
    for line, lot in zip(purchase.lines, lots):
        purchase_move, = line.moves
        move = Move(purchase_move.id)
        move.lot = lot
        shipment.incoming_moves.append(move)
    shipment.click('receive')
    shipment.click('do')
    return shipment
