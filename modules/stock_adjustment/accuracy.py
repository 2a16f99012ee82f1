# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from sql import Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.pool import Pool
from trytond.transaction import Transaction


class InventoryAccuracy(BranchOwnedMixin, ModelSQL, ModelView):
    "Stock accuracy of the done counts of each branch"
    __name__ = 'stock.inventory.accuracy'
    _branch_paths = ('branch',)

    company = fields.Many2One('company.company', "Company", readonly=True)
    branch = fields.Many2One('stock.location', "Branch", readonly=True)
    counts = fields.Integer("Counts", readonly=True)
    expected = fields.Float("Expected", readonly=True)
    counted = fields.Float("Counted", readonly=True)
    matched = fields.Float("Matched", readonly=True)
    accuracy = fields.Float(
        "Accuracy", digits=(1, 4), readonly=True,
        help="Matched ÷ expected over the counts.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('branch', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        inventory = Inventory.__table__()
        context = Transaction().context
        where = ((inventory.state == 'done')
            & (inventory.company == context.get('company')))
        if context.get('from_date'):
            where &= inventory.date >= context['from_date']
        if context.get('to_date'):
            where &= inventory.date <= context['to_date']
        expected = Sum(inventory.expected_total)
        matched = Sum(inventory.matched_total)
        return inventory.select(
            inventory.branch.as_('id'),
            inventory.company, inventory.branch,
            Count(inventory.id).as_('counts'),
            expected.as_('expected'),
            Sum(inventory.counted_total).as_('counted'),
            matched.as_('matched'),
            Case((expected > 0, matched / expected)).as_('accuracy'),
            where=where & (inventory.branch != Null),
            group_by=[inventory.company, inventory.branch])


class ReportContext(ModelView):
    "Stock adjustment report context"
    __name__ = 'stock.adjustment.report.context'

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today().replace(day=1)
