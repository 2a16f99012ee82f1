# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from dateutil.relativedelta import relativedelta

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.modules.stock_branch.stock import WarehouseBranchMixin
from trytond.pool import Pool
from trytond.pyson import Eval

from .adjustment import BranchLocationMixin


class InventorySchedule(
        BranchLocationMixin, WarehouseBranchMixin, DeactivableMixin,
        ModelSQL, ModelView):
    "Counts of a branch's location, made by cron at a frequency"
    __name__ = 'stock.inventory.schedule'

    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    warehouse = fields.Many2One(
        'stock.location', "Branch", required=True,
        domain=[('type', '=', 'warehouse')])
    location = fields.Many2One(
        'stock.location', "Location", required=True,
        domain=[
            ('type', '=', 'storage'),
            ('parent', 'child_of', [Eval('warehouse', -1)]),
            ])
    category = fields.Many2One(
        'product.category', "Category",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Count only the products of this category and its children.")
    blind = fields.Boolean(
        "Blind", help="The counts are blind: see the count's Blind.")
    interval_number = fields.Integer(
        "Every", required=True,
        domain=[('interval_number', '>', 0)])
    interval_type = fields.Selection([
            ('days', "Days"),
            ('weeks', "Weeks"),
            ('months', "Months"),
            ], "Interval", required=True, sort=False)
    next_date = fields.Date(
        "Next Count", required=True,
        help="The date of the next count the cron creates.")
    inventories = fields.One2Many(
        'stock.inventory', 'schedule', "Counts", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.next_date, Index.Range())))
        cls._order.insert(0, ('next_date', 'ASC'))

    @classmethod
    def default_blind(cls):
        return True

    @classmethod
    def default_interval_number(cls):
        return 1

    @classmethod
    def default_interval_type(cls):
        return 'weeks'

    @classmethod
    def default_next_date(cls):
        return Pool().get('ir.date').today()

    @property
    def interval(self):
        return relativedelta(**{self.interval_type: self.interval_number})

    def get_inventory(self, date):
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        return Inventory(
            company=self.company, location=self.location, date=date,
            category=self.category, blind=self.blind,
            empty_quantity='empty', schedule=self)

    @classmethod
    def create_inventories(cls, date=None):
        """Create the counts that are due; a missed period makes one count

        The next date moves forward in the same transaction, so a cron run
        retried after a failure creates no second count."""
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        schedules = cls.search([('next_date', '<=', date)])
        cls.lock(schedules)
        schedules = cls.browse([s.id for s in schedules])
        inventories = []
        for schedule in schedules:
            if schedule.next_date > date:
                continue
            inventories.append(schedule.get_inventory(date))
            next_date = schedule.next_date
            while next_date <= date:
                next_date += schedule.interval
            schedule.next_date = next_date
        Inventory.save(inventories)
        cls.save(schedules)
        return inventories
