# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""What the stock was worth when each stock period closed."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.product import price_digits
from trytond.modules.stock_availability.location import VALUED_OWNERSHIPS
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

# Internal context key (RPC strips keys starting with "_")
REOPEN_CONTEXT = '_stock_valuation_reopen'


class Snapshot(BranchOwnedMixin, ModelSQL, ModelView):
    "Stock valuation at the close of a stock period"
    __name__ = 'stock.valuation.snapshot'
    _branch_paths = ('branch',)
    _branch_optional = True

    period = fields.Many2One(
        'stock.period', "Period", required=True, readonly=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True, readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    branch = fields.Many2One('stock.location', "Branch", readonly=True)
    location = fields.Many2One(
        'stock.location', "Location", required=True, readonly=True)
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    lot = fields.Many2One('stock.lot', "Unit or Batch", readonly=True)
    cost_method = fields.Char("Cost Method", readonly=True)
    quantity = fields.Float("Quantity", required=True, readonly=True)
    unit_cost = fields.Numeric(
        "Unit Cost", digits=price_digits, required=True, readonly=True)
    value = fields.Numeric(
        "Value", digits=(16, 2), required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'DESC'), ('branch', 'ASC'), ('product', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def check_modification(
            cls, mode, snapshots, values=None, external=False):
        super().check_modification(
            mode, snapshots, values=values, external=external)
        if snapshots and (mode == 'write' or (mode == 'delete'
                    and not Transaction().context.get(REOPEN_CONTEXT))):
            snapshot = snapshots[0]
            raise AccessError(gettext(
                    'stock_valuation.msg_snapshot_immutable',
                    period=snapshot.period.rec_name))

    @classmethod
    def take(cls, periods):
        "Create the snapshot of the valued stock at the date of periods"
        pool = Pool()
        Location = pool.get('stock.location')
        Product = pool.get('product.product')
        Lot = pool.get('stock.lot')
        locations = Location.search([
                ('type', '=', 'storage'),
                ('ownership', 'in', list(VALUED_OWNERSHIPS)),
                ])
        locations = {l.id: l for l in locations}
        to_create = []
        for period in periods:
            company = period.company
            with Transaction().set_context(
                    company=company.id,
                    stock_date_end=period.date,
                    stock_date_start=None,
                    stock_assign=False,
                    forecast=False,
                    stock_destinations=None):
                quantities = Product.products_by_location(
                    list(locations), grouping=('product', 'lot'))
            for (location, product, lot), quantity in sorted(
                    quantities.items(), key=lambda i: i[0]):
                if not quantity:
                    continue
                product = Product(product)
                lot = Lot(lot) if lot else None
                method = product.get_multivalue(
                    'cost_price_method', company=company.id)
                if method == 'specific' and lot:
                    unit_cost = lot.unit_cost or Decimal(0)
                else:
                    unit_cost = product.get_multivalue(
                        'cost_price', company=company.id) or Decimal(0)
                warehouse = locations[location].warehouse
                to_create.append({
                        'period': period.id,
                        'date': period.date,
                        'company': company.id,
                        'branch': warehouse.id if warehouse else None,
                        'location': location,
                        'product': product.id,
                        'lot': lot.id if lot else None,
                        'cost_method': method,
                        'quantity': quantity,
                        'unit_cost': unit_cost,
                        'value': company.currency.round(
                            Decimal(str(quantity)) * unit_cost),
                        })
        return cls.create(to_create)


class Period(metaclass=PoolMeta):
    __name__ = 'stock.period'

    valuation_snapshots = fields.One2Many(
        'stock.valuation.snapshot', 'period', "Valuation", readonly=True,
        help="What the valued stock was worth when the period closed.")
    valuation = fields.Function(fields.Numeric(
            "Stock Value", digits=(16, 2),
            help="The value of the company's stock at the period's date."),
        'get_valuation')

    @classmethod
    def get_valuation(cls, periods, name):
        pool = Pool()
        Snapshot = pool.get('stock.valuation.snapshot')
        values = {p.id: None for p in periods}
        for snapshot in Snapshot.search([
                    ('period', 'in', [p.id for p in periods]),
                    ], order=[]):
            period = snapshot.period.id
            values[period] = (values[period] or Decimal(0)) + snapshot.value
        for period in periods:
            if period.state == 'closed' and values[period.id] is None:
                values[period.id] = Decimal(0)
        return values

    @classmethod
    @ModelView.button
    def close(cls, periods):
        pool = Pool()
        Snapshot = pool.get('stock.valuation.snapshot')
        Reconciliation = pool.get('stock.valuation.reconciliation')
        closing = [p for p in periods if p.state != 'closed']
        for period in closing:
            Reconciliation.check_balanced(period.company, period.date)
        super().close(periods)
        Snapshot.take(closing)

    @classmethod
    @ModelView.button
    def draft(cls, periods):
        pool = Pool()
        Snapshot = pool.get('stock.valuation.snapshot')
        super().draft(periods)
        # A reopened period will be valued again when it closes.
        with Transaction().set_context(**{REOPEN_CONTEXT: True}):
            Snapshot.delete(Snapshot.search([
                        ('period', 'in', [p.id for p in periods]),
                        ], order=[]))
