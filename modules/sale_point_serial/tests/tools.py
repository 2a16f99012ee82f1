# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.modules.stock_valuation.tests.test_module import (
    create_goods, setup_accounting)
from trytond.pool import Pool


def create_till(company, today=None):
    """Accounting, the branch Downtown, its point of sale with a cash
    method, a salable phone and cable; return (point, phone, cable)"""
    pool = Pool()
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    CreateBranch = pool.get('stock.branch.create', type='wizard')
    Journal = pool.get('account.journal')
    Location = pool.get('stock.location')
    ModelData = pool.get('ir.model.data')
    PaymentMethod = pool.get('sale.point.payment.method')
    Point = pool.get('sale.point')
    Sequence = pool.get('ir.sequence.strict')
    Template = pool.get('product.template')
    category, _ = setup_accounting(company, today)
    revenue, = Account.search([
            ('type.revenue', '=', True), ('closed', '!=', True),
            ('company', '=', company.id)], limit=1)
    cash, = Account.search([
            ('code', '=', '1.1.1'), ('company', '=', company.id)])
    Category.write([category], {'account_revenue': revenue.id})
    branch = CreateBranch.create_branch(name="Downtown", code='DT')
    phone, cable = create_goods(
        ("Phone", 'imei', None, category), ("Cable", 'none', None, category))
    Template.write([phone.template, cable.template], {
            'salable': True,
            'sale_uom': phone.default_uom.id,
            })
    Template.write([phone.template], {'list_price': 800, 'code': 'PHONE'})
    Template.write([cable.template], {'list_price': 10, 'code': 'CABLE'})
    journal, = Journal.search([('type', '=', 'revenue')], limit=1)
    sequence, = Sequence.create([{
                'name': "Downtown Till",
                'sequence_type': ModelData.get_id(
                    'sale_point', 'sequence_type_sale'),
                'company': company.id,
                }])
    customer, = Location.search([('type', '=', 'customer')], limit=1)
    point, = Point.create([{
                'name': "Downtown Till",
                'company': company.id,
                'journal': journal.id,
                'sequence': sequence.id,
                'storage_location': branch.storage_location.id,
                'customer_location': customer.id,
                'return_location': branch.quarantine_location.id,
                }])
    PaymentMethod.create([{
                'name': "Cash", 'cash': True, 'account': cash.id,
                'company': company.id,
                }])
    return point, phone, cable


def paid_sale(point, lines, party=None, client_key=None):
    """The values of a sale at point of lines [(product, quantity, lot)],
    paid in cash"""
    pool = Pool()
    Line = pool.get('sale.point.sale.line')
    PaymentMethod = pool.get('sale.point.payment.method')
    Sale = pool.get('sale.point.sale')
    sale = Sale(point=point, company=point.company, party=party)
    sale_lines = []
    for product, quantity, lot in lines:
        line = Line(sale=sale, product=product, quantity=quantity)
        line.on_change_product()
        if lot:
            line.lot = lot
            line.on_change_lot()
        sale_lines.append(line)
    sale.lines = sale_lines
    total = sum(l.gross_amount for l in sale_lines)
    cash, = PaymentMethod.search([('cash', '=', True)])
    values = {
        'point': point.id,
        'company': point.company.id,
        'party': party.id if party else None,
        'client_key': client_key,
        'lines': [('create', [{
                            'product': l.product.id,
                            'quantity': l.quantity,
                            'lot': l.lot.id if getattr(l, 'lot', None)
                            else None,
                            'unit_list_price': l.unit_list_price,
                            'unit_gross_price': l.unit_gross_price,
                            } for l in sale_lines])],
        'payments': [('create', [{
                            'method': cash.id, 'amount': total,
                            }])],
        }
    return values
