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
from proteus.config import get_config
from trytond.modules.account.tests.tools import create_chart
from trytond.modules.company.tests.tools import create_company
from trytond.modules.device_retail.tests.tools import (
    create_branch, create_sale_point, create_staff_user,
    imei_with_check_digit, receive, setup_accounting)
from trytond.tests.tools import set_user

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
# Adjustments worth more than this, at cost, need a manager's approval
ADJUSTMENT_THRESHOLD = Decimal('100')
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
    """Receive the phones, graded (the last of each model at the central
    warehouse is an open box), and the accessories into every branch"""
    Grade = Model.get('stock.lot.grade')
    new, = Grade.find([('code', '=', 'new')])
    open_box, = Grade.find([('code', '=', 'open_box')])
    serial = 100000
    for index, warehouse in enumerate(branches):
        items = []
        for product, tac, cost in phones:
            lots = []
            count = 3 if index else 6
            for number in range(count):
                serial += 1
                grade = open_box if not index and number == count - 1 else new
                lots.append({
                        'imei': imei_with_check_digit(f'{tac}{serial:06d}'),
                        'grade': grade,
                        })
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


def sell_phones(point, buyers, phone):
    """Sell one phone at the till to each buyer, scanned and paid in cash:
    each goes home with its warranty, which the demo's claim and return
    start from"""
    Lot = Model.get('stock.lot')
    PaymentMethod = Model.get('sale.point.payment.method')
    Sale = Model.get('sale.point.sale')
    cash, = PaymentMethod.find([('cash', '=', True)])
    lots = Lot.find([
            ('product', '=', phone.id),
            ('state', '=', 'available'),
            ('current_location', '=', point.storage_location.id),
            ], order=[('id', 'ASC')], limit=len(buyers))
    for buyer, lot in zip(buyers, lots):
        sale = Sale(point=point, party=buyer)
        sale.save()
        scan = sale.click('scan')
        scan.form.scans = lot.imei
        scan.execute('add')
        payment = sale.click('pay')
        payment.form.method = cash
        payment.execute('pay')
        sale.click('post')
    return lots


def set_up_workshop(accounting, supplier, branch, unit, today):
    """The workshop's services, a spare screen in stock at the branch,
    bought and invoiced, the model customers bring in, and the repair
    configuration"""
    Configuration = Model.get('repair.configuration')
    Invoice = Model.get('account.invoice')
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    hour, = Uom.find([('name', '=', 'Hour')])

    def product(name, type_, uom, price, **values):
        template = Template(name=name, type=type_, default_uom=uom)
        template.account_category = accounting['account_category']
        template.list_price = price
        template.salable = values.pop('salable', True)
        for field, value in values.items():
            setattr(template, field, value)
        template.save()
        return template.products[0]
    labour = product("Repair Labour", 'service', hour, Decimal('45'))
    diagnosis = product("Diagnosis", 'service', unit, Decimal('15'))
    screen = product("Nova X1 Screen", 'goods', unit, Decimal('120'),
        purchasable=True, repair_tier='original', cost_price_method='fifo')
    # Last year's model: the shop repairs it but no longer sells it
    older = product("Nova X0", 'goods', unit, Decimal('0'),
        salable=False, tracking='imei')

    receive(branch, supplier, [(screen, 4, Decimal('40'), None)])
    invoices = Invoice.find([
            ('type', '=', 'in'), ('state', '=', 'draft'),
            ('party', '=', supplier.id)])
    for invoice in invoices:
        invoice.invoice_date = today
        invoice.reference = f"AH-{invoice.id:05d}"
    Invoice.save(invoices)
    Invoice.click(invoices, 'post')

    configuration = Configuration(1)
    configuration.labour_cost = Decimal('20')
    configuration.minimum_margin = Decimal('0.3')
    configuration.diagnostic_product = diagnosis
    configuration.diagnostic_fee = Decimal('15')
    configuration.save()
    return labour, screen, older


def as_staff(login):
    "Work as the staff user login from now on"
    User = Model.get('res.user')
    user, = User.find([('login', '=', login)])
    set_user(user)
    return user


def take_in_repairs(branch, customers, older, labour, screen):
    """Repair jobs at every stage, each step done by the role whose job
    it is: one waiting for its diagnosis, one quoted waiting for the
    customer, one waiting for its quality check by another technician and
    one delivered"""
    Job = Model.get('repair.job')
    alice, bob, chen = customers
    as_staff('cashier')
    jobs = []
    for number, (customer, problem) in enumerate([
                (alice, "Does not charge"),
                (bob, "Battery drains in two hours"),
                (chen, "Screen cracked after a fall"),
                (alice, "Screen flickers"),
                ], 1):
        take_in = Wizard('repair.job.take_in')
        take_in.form.warehouse = branch
        take_in.form.customer = customer
        take_in.form.code = imei_with_check_digit(f'35209010{number:06d}')
        take_in.form.product = older
        take_in.form.problem = problem
        take_in.form.accessories = "Case"
        take_in.execute('take_in')
        jobs.append(take_in.actions[0][0].id)
    _, battery, cracked, flicker = jobs

    def diagnose(job_id, findings, part=None, hours=Decimal('0.5')):
        technician = as_staff(
            'technician' if job_id == battery else 'technician2')
        job = Job(job_id)
        job.findings = findings
        job.click('diagnose')
        if part:
            job.lines.new(type='part', product=part)
        line = job.lines.new(type='labour', product=labour)
        line.technician = technician
        line.billing = 'time'
        line.hours = hours
        job.click('quote')
    diagnose(battery, "Battery worn out: to replace", hours=Decimal('1'))
    diagnose(cracked, "Display and digitizer broken", screen, Decimal('1.5'))
    diagnose(flicker, "Display connector damaged", screen)

    as_staff('cashier')
    for job_id in [cracked, flicker]:
        job = Job(job_id)
        job.consent = "In person, signed the quote"
        job.click('approve')
    as_staff('technician2')
    for job_id in [cracked, flicker]:
        job = Job(job_id)
        job.click('start')
        job.click('complete')
    # The other technician checks the repair; the front desk delivers it
    as_staff('technician')
    Job(cracked).click('pass_check')
    as_staff('cashier')
    Job(cracked).click('deliver')
    return jobs


def give_staff_work(branches, customers, sold, older, labour, screen):
    """Work waiting for each role: repairs at every stage, a warranty
    claim, a return to inspect, a transfer in transit and a count to do"""
    Claim = Model.get('warranty.claim')
    Inventory = Model.get('stock.inventory')
    Location = Model.get('stock.location')
    Lot = Model.get('stock.lot')
    Return = Model.get('stock.shipment.out.return')
    Transfer = Model.get('stock.shipment.internal')
    central, downtown, airport = branches
    alice = customers[0]
    admin = get_config().user

    take_in_repairs(downtown, customers, older, labour, screen)

    # Bob's phone does not charge: the front desk files his claim
    as_staff('cashier')
    claim = Claim(lot=Lot(sold[1].id), problem="Does not charge")
    claim.save()

    # Alice brings her phone back: it waits in quarantine for a technician
    as_staff('manager')
    customer_return = Return(customer=alice, warehouse=Location(downtown.id))
    customer_return.save()
    scan = customer_return.click('scan')
    scan.form.scans = sold[0].imei
    # A till sale has no sale order to be the return's origin: the
    # manager confirms the warning, as the client would ask
    get_config().skip_warning = True
    try:
        scan.execute('receive')
    finally:
        get_config().skip_warning = False

    # The airport sends two phones back to the central warehouse
    phones = Lot.find([
            ('state', '=', 'available'),
            ('imei', '!=', None),
            ('current_location', '=', airport.storage_location.id),
            ], order=[('id', 'ASC')], limit=2)
    transfer = Transfer()
    transfer.from_location = Location(airport.storage_location.id)
    transfer.to_location = Location(central.storage_location.id)
    for lot in phones:
        move = transfer.moves.new(product=lot.product, quantity=1)
        move.from_location = transfer.from_location
        move.to_location = transfer.to_location
    transfer.click('wait')
    dispatch = transfer.click('dispatch_scan')
    dispatch.form.scans = '\n'.join(l.imei for l in phones)
    dispatch.execute('confirm')

    # The central shelf is due for its blind count
    as_staff('clerk')
    count = Inventory(location=Location(central.storage_location.id))
    count.blind = True
    count.save()
    set_user(admin)


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
    create_warranty_policies()
    log("warranty policies created: new and refurbished phones")
    sold = sell_phones(points[0], customers[:2], phones[-1][0])
    log(f"{len(sold)} phones sold at {points[0].name}, with their warranty")
    session = close_till(points[0], accounting['accounts'])
    log(f"cash session of {points[0].name} counted at "
        f"{session.end_amount}, closed and posted")
    create_count_schedules(
        [(downtown, 'weeks'), (airport, 'months')], today)
    log("count schedules created: Downtown weekly, Airport monthly")
    StockConfiguration = Model.get('stock.configuration')
    stock_configuration = StockConfiguration(1)
    stock_configuration.adjustment_approval_threshold = ADJUSTMENT_THRESHOLD
    stock_configuration.save()
    log(f"adjustments worth more than {ADJUSTMENT_THRESHOLD} need a manager")

    User = Model.get('res.user')
    for login, name, role, branch in [
            ('manager', "Max Manager", 'branch_manager', downtown),
            ('cashier', "Casey Cashier", 'cashier', downtown),
            ('clerk', "Cleo Clerk", 'stock_clerk', central),
            ('technician', "Theo Technician", 'technician', downtown),
            ('technician2', "Tess Technician", 'technician', downtown),
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
    labour, screen, older = set_up_workshop(
        accounting, suppliers[1], downtown, unit, today)
    log("workshop set up: labour, diagnosis, spare screens in stock")
    give_staff_work(branches, customers, sold, older, labour, screen)
    log("work waiting for each role: repairs at every stage, a warranty "
        "claim, a return to inspect, a transfer in transit, a count to do")
    Cron = Model.get('ir.cron')
    seal, = Cron.find([('method', '=', 'stock.move|seal_ledger')])
    seal.click('run_once')
    log("stock ledger sealed, as its nightly task does")

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
