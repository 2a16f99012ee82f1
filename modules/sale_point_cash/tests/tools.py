# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.account.tests.test_module import (
    create_chart, get_fiscalyear)
from trytond.modules.device_retail.tests.roles import (
    acting_as, create_staff_user)
from trytond.pool import Pool

DENOMINATIONS = [
    ('100', "100 note"), ('50', "50 note"), ('20', "20 note"),
    ('10', "10 note"), ('5', "5 note"), ('1', "1 coin"),
    ('0.25', "25 cent"), ('0.10', "10 cent"), ('0.05', "5 cent"),
    ('0.01', "1 cent"),
    ]


def create_pos(company, name="Till 1", chart=True):
    """A till of company with its own drawer account, an over/short
    account, a cash journal, a tolerance of 1.00, a Safe cash transfer type,
    Cash and Card payment methods, denominations, reasons and a product
    sold at 20.00, its cashier and their supervisor (a branch manager); the
    chart and fiscal year are made when chart is set"""
    pool = Pool()
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    Denomination = pool.get('sale.point.cash.denomination')
    FiscalYear = pool.get('account.fiscalyear')
    Journal = pool.get('account.journal')
    Location = pool.get('stock.location')
    Method = pool.get('sale.point.payment.method')
    ModelData = pool.get('ir.model.data')
    Point = pool.get('sale.point')
    Reason = pool.get('sale.point.cash.difference.reason')
    Sequence = pool.get('ir.sequence.strict')
    Template = pool.get('product.template')
    TransferType = pool.get('sale.point.cash.transfer.type')
    Uom = pool.get('product.uom')
    if chart:
        create_chart(company)
        fiscalyear = get_fiscalyear(company)
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])
    cash, = Account.search([('code', '=', '1.1.1')], limit=1)
    revenue, = Account.search([
            ('type.revenue', '=', True), ('closed', '!=', True)], limit=1)
    expense, = Account.search([
            ('type.expense', '=', True), ('closed', '!=', True)], limit=1)
    drawer, = Account.copy([cash], default={'name': f"{name} Drawer"})
    revenue_journal, = Journal.search([('type', '=', 'revenue')], limit=1)
    cash_journal, = Journal.search([('type', '=', 'cash')], limit=1)
    if chart:
        over_short, safe = Account.copy([expense, cash], default={
                'name': lambda d: {
                    expense.id: "Cash Over/Short",
                    cash.id: "Safe"}[d['id']]})
        Method.create([
                {'name': "Cash", 'cash': True, 'account': cash.id},
                {'name': "Card", 'account': safe.id},
                ])
        TransferType.create([{
                    'name': "Safe", 'journal': cash_journal.id,
                    'account': safe.id}])
        Denomination.create([{
                    'currency': company.currency.id, 'value': Decimal(v),
                    'name': n} for v, n in DENOMINATIONS])
        Reason.create([
                {'code': 'CHANGE', 'name': "Wrong change given"},
                {'code': 'THEFT', 'name': "Theft"},
                ])
        category, = Category.create([{
                    'name': "Goods", 'accounting': True,
                    'account_revenue': revenue.id}])
        unit, = Uom.search([('name', '=', "Unit")])
        Template.create([{
                    'name': "Charger", 'default_uom': unit.id,
                    'salable': True, 'sale_uom': unit.id,
                    'account_category': category.id,
                    'gross_price': Decimal('20.0000'),
                    'products': [('create', [{}])]}])
    else:
        over_short, = Account.search([('name', '=', "Cash Over/Short")])
    sequence, = Sequence.create([{
                'name': name,
                'sequence_type': ModelData.get_id(
                    'sale_point', 'sequence_type_sale'),
                'company': company.id,
                }])
    storage, = Location.search([('code', '=', 'STO')])
    customer, = Location.search([('code', '=', 'CUS')])
    point, = Point.create([{
                'name': name,
                'journal': revenue_journal.id,
                'sequence': sequence.id,
                'storage_location': storage.id,
                'customer_location': customer.id,
                'return_location': storage.id,
                'cash_account': drawer.id,
                'cash_journal': cash_journal.id,
                'cash_difference_account': over_short.id,
                'cash_tolerance': Decimal('1.00'),
                }])
    template, = Template.search([('name', '=', "Charger")])
    login = name.lower().replace(' ', '')
    return SimpleNamespace(
        cashier=create_staff_user(company, 'cashier', f'{login}-cashier'),
        supervisor=create_staff_user(
            company, 'branch_manager', f'{login}-supervisor'),
        point=point, product=template.products[0], drawer=drawer,
        over_short=over_short,
        cash=Method.search([('cash', '=', True)])[0],
        card=Method.search([('cash', '=', False)])[0],
        safe=TransferType.search([])[0],
        reason=Reason.search([('code', '=', 'CHANGE')])[0])


def sell(pos, quantity=1, method=None, amount=None, process=True):
    """A sale of quantity chargers by the till's cashier, paid by method
    (cash by default) with amount (the total by default); done when
    process and paid in full"""
    pool = Pool()
    Sale = pool.get('sale.point.sale')
    Line = pool.get('sale.point.sale.line')
    method = method or pos.cash
    with acting_as(pos.cashier):
        sale, = Sale.create([{'point': pos.point.id}])
        line = Line(sale=sale, product=pos.product, quantity=quantity)
        line.on_change_product()
        line.save()
        sale = Sale(sale.id)
        Sale.write([sale], {'payments': [('create', [{
                            'method': method.id,
                            'amount': sale.total if amount is None else amount,
                            }])]})
        # As the pay wizard, a sale paid in part stays open
        if process and not Sale(sale.id).amount_to_pay:
            Sale.process([sale])
    return Sale(sale.id)


def count(session, amount, user=None):
    """Count amount in the drawer of session as user (admin by default): as
    many of each denomination as fit, largest first"""
    if user:
        with acting_as(user):
            return count(session, amount)
    pool = Pool()
    Count = pool.get('sale.point.cash.count')
    Denomination = pool.get('sale.point.cash.denomination')
    Count.delete(Count.search([('session', '=', session.id)]))
    remaining = Decimal(amount)
    lines = []
    for denomination in Denomination.search([
                ('currency', '=', session.currency.id),
                ], order=[('value', 'DESC')]):
        quantity = int(remaining // denomination.value)
        if quantity or not lines and denomination.value <= Decimal('0.01'):
            lines.append({
                    'session': session.id,
                    'denomination': denomination.id,
                    'quantity': quantity,
                    })
            remaining -= quantity * denomination.value
    assert not remaining, remaining
    Count.create(lines)


def close_drawer(pos, amount):
    """The till's cashier counts amount in the drawer of its current
    session and closes it; return the session"""
    Session = Pool().get('sale.point.cash.session')
    with acting_as(pos.cashier):
        session = Session.get_current(pos.point)
        count(session, amount)
        Session.close([session])
    return session
