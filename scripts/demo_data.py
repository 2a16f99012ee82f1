#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Load the demo shop chain into a database through proteus.

The database must have device_retail activated (scripts/demo does both).
This file is also the longest example of scripting the suite with proteus.

Exit codes: 0 loaded, 1 the database already holds a company, 2 bad usage.
"""
import argparse
import datetime as dt
import sys
from decimal import Decimal

from proteus import Model, Wizard
from proteus import config as proteus_config
from trytond.modules.account.tests.tools import create_chart
from trytond.modules.company.tests.tools import create_company
from trytond.modules.device_retail.tests.tools import (
    create_branch, create_sale_point, create_staff_user,
    imei_with_check_digit, receive, setup_accounting)

# Type allocation codes of the demo phones; the rest of an IMEI is a serial.
PHONES = [
    # template, TAC, list price, cost, variants (storage, colour, extra)
    ("Nova X1", '35209011', Decimal('799'), Decimal('560'), [
            ('128gb', 'black', Decimal('0')),
            ('256gb', 'black', Decimal('100')),
            ('256gb', 'blue', Decimal('100')),
            ]),
    ("Pixelia 8", '35391510', Decimal('649'), Decimal('450'), [
            ('128gb', 'white', Decimal('0')),
            ('256gb', 'black', Decimal('90')),
            ]),
    ]
ACCESSORIES = [
    # name, list price, cost, shelf life in days, batches (number, qty, age)
    ("Power Bank 10000 mAh", Decimal('39'), Decimal('14'), 730, [
            ('PB-2406', 20, 500), ('PB-2502', 30, 200)]),
    ("Phone Battery Replacement Kit", Decimal('49'), Decimal('18'), 365, [
            ('BK-2501', 15, 300), ('BK-2508', 25, 60)]),
    ]
# What the owners paid in to start the shop
CAPITAL = Decimal('250000')

UNTRACKED = [
    ("USB-C Cable 1 m", Decimal('12'), Decimal('3'), 200),
    ("Universal Phone Case", Decimal('19'), Decimal('5'), 120),
    ]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', required=True, nargs='+',
        help="trytond configuration files")
    parser.add_argument('--database', required=True,
        help="database with device_retail activated")
    parser.add_argument('--password', default='retail-demo',
        help="password of the demo staff users")
    return parser.parse_args(argv)


def log(message):
    print(f'demo data: {message}', flush=True)


def create_attributes():
    Attribute = Model.get('product.attribute')
    AttributeSet = Model.get('product.attribute.set')
    storage = Attribute(name='storage', string="Storage", type_='selection')
    storage.selection = "128gb:128 GB\n256gb:256 GB"
    storage.save()
    colour = Attribute(name='colour', string="Colour", type_='selection')
    colour.selection = "black:Black\nblue:Blue\nwhite:White"
    colour.save()
    phone_set = AttributeSet(name="Phone")
    phone_set.attributes.extend([storage, colour])
    phone_set.save()
    return phone_set


def create_phones(category, phone_set, unit):
    Template = Model.get('product.template')
    phones = []
    for name, tac, price, cost, variants in PHONES:
        template = Template(name=name, type='goods', default_uom=unit)
        template.code = name.upper().replace(' ', '')
        template.account_category = category
        template.attribute_set = phone_set
        template.salable = True
        template.purchasable = True
        template.list_price = price
        # Each unit carries its own cost (specific identification)
        template.tracking = 'imei'
        template.save()
        for index, (storage, colour, extra) in enumerate(variants):
            if index:
                product = template.products.new()
            else:
                product, = template.products
            product.suffix_code = f'-{storage}-{colour}'.upper()
            product.attributes = {'storage': storage, 'colour': colour}
            product.list_price = price + extra
            product.cost_price = cost + extra
        template.save()
        for index, product in enumerate(template.products):
            phones.append((product, tac, cost + variants[index][2]))
    return phones


def create_accessories(category, unit):
    Template = Model.get('product.template')
    accessories = []
    for name, price, cost, shelf_life, batches in ACCESSORIES:
        template = Template(name=name, type='goods', default_uom=unit)
        template.account_category = category
        template.salable = True
        template.purchasable = True
        template.list_price = price
        template.cost_price_method = 'fifo'
        template.tracking = 'batch'
        template.shelf_life_state = 'required'
        template.shelf_life_time = shelf_life
        template.save()
        product, = template.products
        accessories.append((product, cost, shelf_life, batches))
    for name, price, cost, quantity in UNTRACKED:
        template = Template(name=name, type='goods', default_uom=unit)
        template.account_category = category
        template.salable = True
        template.purchasable = True
        template.list_price = price
        template.cost_price_method = 'average'
        template.save()
        product, = template.products
        accessories.append((product, cost, None, quantity))
    return accessories


def stock_branches(branches, supplier, phones, accessories, today):
    serial = 100000
    for index, warehouse in enumerate(branches):
        items = []
        for product, tac, cost in phones:
            lots = []
            for _ in range(3 if index else 6):
                serial += 1
                lots.append({'imei': imei_with_check_digit(
                            f'{tac}{serial:06d}')})
            items.append((product, len(lots), cost, lots))
        for product, cost, shelf_life, batches in accessories:
            if shelf_life is None:
                quantity = batches // (2 if index else 1)
                items.append((product, quantity, cost, None))
                continue
            lots = []
            for number, quantity, age in batches:
                expiry = today + dt.timedelta(days=shelf_life - age)
                quantity //= (2 if index else 1)
                lots.append({
                        'number': f'{number}-{warehouse.code}',
                        'shelf_life_expiration_date': expiry,
                        'quantity': quantity,
                        })
            items.append((product, sum(l['quantity'] for l in lots), cost,
                    lots))
        receive(warehouse, supplier, items)
        log(f"received stock into {warehouse.name}")


def shape_chart(accounting):
    """Purchases, the change in inventories and the cost of goods sold as
    cost of sales: the income statement then shows the gross margin"""
    Account = Model.get('account.account')
    purchases, = Account.find([('code', '=', '5.1.1')])
    for kind in ['stock_in', 'stock_out']:
        account = accounting['accounts'][kind]
        account.type = purchases.type
        account.save()
    category = accounting['account_category']
    category.account_expense = purchases
    category.save()


def post_accounts(accounting, supplier, point, products, today):
    """Give the company's ledgers something to show: the owners' capital,
    the suppliers' invoices of the receipts (the first one paid) and a
    few sales at the till"""
    Account = Model.get('account.account')
    AccountMove = Model.get('account.move')
    Invoice = Model.get('account.invoice')
    Journal = Model.get('account.journal')
    Period = Model.get('account.period')
    PaymentMethod = Model.get('account.invoice.payment.method')
    SalePointSale = Model.get('sale.point.sale')
    CashMethod = Model.get('sale.point.payment.method')
    accounts = accounting['accounts']
    cash_journal, = Journal.find([('code', '=', 'CASH')])
    general, = Journal.find([('code', '=', 'MISC')])
    capital, = Account.find([('code', '=', '3.1.1')])
    period, = Period.find([
            ('start_date', '<=', today), ('end_date', '>=', today),
            ('type', '=', 'standard')])

    opening = AccountMove(journal=general, period=period, date=today)
    opening.description = "Owners' capital paid in"
    opening.lines.new(account=accounts['cash'], debit=CAPITAL)
    opening.lines.new(account=capital, credit=CAPITAL)
    opening.click('post')

    invoices = Invoice.find([
            ('type', '=', 'in'), ('state', '=', 'draft'),
            ('party', '=', supplier.id)], order=[('id', 'ASC')])
    for invoice in invoices:
        invoice.invoice_date = today
        invoice.reference = f"PD-{invoice.id:05d}"
    Invoice.save(invoices)
    Invoice.click(invoices, 'post')
    bank = PaymentMethod(name="Bank Transfer", journal=cash_journal)
    bank.credit_account = accounts['cash']
    bank.debit_account = accounts['cash']
    bank.save()
    pay = Wizard('account.invoice.pay', [invoices[0]])
    pay.form.payment_method = bank
    pay.execute('choice')

    cash, = CashMethod.find([('cash', '=', True)])
    for quantities in [(2, 1), (1, 3)]:
        sale = SalePointSale(point=point)
        for product, quantity in zip(products, quantities):
            line = sale.lines.new()
            line.product = product
            line.quantity = quantity
        sale.save()
        payment = sale.click('pay')
        payment.form.method = cash
        payment.execute('pay')
        sale.click('post')
    return len(invoices)


def close_till(point, accounts):
    """Count the till's drawer, as its cashier would, and close and post
    its session: the drawer check then has a session to check"""
    Denomination = Model.get('sale.point.cash.denomination')
    Journal = Model.get('account.journal')
    Reason = Model.get('sale.point.cash.difference.reason')
    Session = Model.get('sale.point.cash.session')
    point.cash_journal, = Journal.find([('code', '=', 'CASH')])
    point.cash_difference_account = accounts['expense']
    point.cash_tolerance = Decimal('2.00')
    point.save()
    for value in ['100', '50', '20', '10', '5', '2', '1', '0.50', '0.20',
            '0.10', '0.05', '0.02', '0.01']:
        kind = "note" if Decimal(value) >= 5 else "coin"
        Denomination(currency=point.company.currency, value=Decimal(value),
            name=f"{value} {kind}").save()
    for code, name in [
            ('CHANGE', "Wrong change given"), ('COUNT', "Counting error"),
            ('THEFT', "Theft or loss")]:
        Reason(code=code, name=name).save()
    session, = Session.find([('point', '=', point.id), ('state', '=', 'open')])
    cash = session.start_amount + sum(p.amount for p in session.payments)
    close = Wizard('sale.point.cash.session.close', [session])
    for count in close.form.counts:
        count.quantity = int(cash // count.denomination.value)
        cash -= count.quantity * count.denomination.value
    close.execute('close_')
    session.reload()
    session.click('post')
    return session


def create_count_schedules(schedules, today):
    Schedule = Model.get('stock.inventory.schedule')
    for branch, interval_type in schedules:
        schedule = Schedule(name=f"{branch.name} shelf")
        schedule.warehouse = branch
        schedule.interval_type = interval_type
        schedule.next_date = today + dt.timedelta(days=1)
        schedule.save()


def create_warranty_policies():
    "The shop's warranties: new phones and refurbished phones"
    Policy = Model.get('warranty.policy')
    policies = []
    for name, condition, days, months, terms in [
            ("New Phones", 'new', 14, 24,
                "A faulty phone is replaced within 14 days of its sale and "
                "repaired free of charge for 24 months."),
            ("Refurbished Phones", 'refurbished', 7, 12,
                "A faulty refurbished phone is replaced within 7 days of its "
                "sale and repaired free of charge for 12 months."),
            ]:
        policy = Policy(name=name, condition=condition)
        policy.replacement_days = days
        policy.service_months = months
        policy.terms = terms
        policy.exclusions = (
            "Liquid damage, a broken screen, damage from unauthorised "
            "repairs.")
        policies.append(policy)
    Policy.save(policies)
    return policies


def main(argv=None):
    args = parse_args(argv)
    config = proteus_config.set_trytond(
        database=args.database, config_file=args.config)
    Company = Model.get('company.company')
    if Company.find([]):
        log("the database already has a company; nothing loaded")
        return 1
    Party = Model.get('party.party')
    Location = Model.get('stock.location')
    Point = Model.get('sale.point')
    Uom = Model.get('product.uom')
    today = dt.date.today()

    party = Party(name="Device Retail Demo Ltd")
    party.save()
    create_company(party, 'EUR')
    create_chart()
    config._context = Model.get('res.user').get_preferences(True, {})
    accounting = setup_accounting(today=today)
    shape_chart(accounting)
    log("company, chart of accounts and continental fiscal year created")

    central, = Location.find([('code', '=', 'WH')])
    central.name = "Central Warehouse"
    central.save()
    # The standard branch locations the default warehouse lacks
    complete = Wizard('stock.branch.create')
    complete.form.warehouse = central
    complete.execute('create_')
    downtown = create_branch("Downtown", 'DT')
    airport = create_branch("Airport", 'AP')
    branches = [central, downtown, airport]
    points = [create_sale_point(
            f"{branch.name} Till 1", branch, accounting['accounts'])
        for branch in [downtown, airport]]
    log("branches and points of sale created")

    suppliers = [Party(name=n) for n in [
            "PhoneDistri Wholesale", "AccessoryHub Ltd"]]
    customers = [Party(name=n) for n in [
            "Alice Walker", "Bob Martin", "Chen Li"]]
    walk_in = Party(name="Walk-in Customer")
    Party.save(suppliers + customers + [walk_in])
    # Accessories sell to the walk-in customer; a phone to its buyer
    for point in points:
        point.walk_in_customer = walk_in
    Point.save(points)

    unit, = Uom.find([('name', '=', 'Unit')])
    phone_set = create_attributes()
    category = accounting['account_category']
    phones = create_phones(category, phone_set, unit)
    accessories = create_accessories(category, unit)
    log(f"{len(phones)} phone variants and {len(accessories)} "
        "accessories created")
    stock_branches(branches, suppliers[0], phones, accessories, today)
    untracked = [p for p, _, shelf_life, _ in accessories
        if shelf_life is None]
    invoices = post_accounts(
        accounting, suppliers[0], points[0], untracked, today)
    log(f"capital, {invoices} supplier invoices (one paid) and till "
        "sales posted")
    session = close_till(points[0], accounting['accounts'])
    log(f"cash session of {points[0].name} counted at "
        f"{session.end_amount}, closed and posted")
    create_count_schedules(
        [(downtown, 'weeks'), (airport, 'months')], today)
    log("count schedules created: Downtown weekly, Airport monthly")
    create_warranty_policies()
    log("warranty policies created: new and refurbished phones")

    User = Model.get('res.user')
    for login, name, role, branch in [
            ('manager', "Max Manager", 'branch_manager', downtown),
            ('cashier', "Casey Cashier", 'cashier', downtown),
            ('clerk', "Cleo Clerk", 'stock_clerk', central),
            ('technician', "Theo Technician", 'technician', downtown),
            ('accountant', "Ada Accountant", 'accountant', None),
            ('auditor', "Aud Itor", 'auditor', None),
            ]:
        user = create_staff_user(login, name, role, branch)
        if role == 'branch_manager':
            user.branches.append(Location(airport.id))
        user.password = args.password
        user.save()
    admin, = User.find([('login', '=', 'admin')])
    admin.warehouse = downtown
    admin.save()
    log("staff users created")

    # The shop is configured: the first login must not open the module
    # configuration wizard.
    Item = Model.get('ir.module.config_wizard.item')
    items = Item.find([('state', '=', 'open')])
    for item in items:
        item.state = 'done'
    Item.save(items)
    return 0


if __name__ == '__main__':
    sys.exit(main())
