# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from sql import Null
from sql.aggregate import Avg, Count, Max, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.pool import Pool
from trytond.transaction import Transaction

from .job import CLOSED_STATES


class Turnaround(BranchOwnedMixin, ModelSQL, ModelView):
    "Repair Turnaround per Branch"
    __name__ = 'repair.reporting.turnaround'
    _branch_paths = ('warehouse',)

    company = fields.Many2One('company.company', "Company")
    warehouse = fields.Many2One('stock.location', "Branch")
    jobs = fields.Integer("Jobs Delivered")
    average = fields.Float(
        "Average Turnaround (hours)", digits=(16, 1),
        help="From intake to delivery.")
    fastest = fields.Float("Fastest (hours)", digits=(16, 1))
    slowest = fields.Float("Slowest (hours)", digits=(16, 1))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('warehouse', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Job = pool.get('repair.job')
        job = Job.__table__()
        context = Transaction().context
        where = job.state == 'delivered'
        if context.get('from_date'):
            where &= job.delivered_at >= context['from_date']
        if context.get('to_date'):
            where &= job.delivered_at < context['to_date']
        return job.select(
            Min(job.id).as_('id'),
            job.company.as_('company'),
            job.warehouse.as_('warehouse'),
            Count(job.id).as_('jobs'),
            Avg(job.turnaround).as_('average'),
            Min(job.turnaround).as_('fastest'),
            Max(job.turnaround).as_('slowest'),
            where=where,
            group_by=[job.company, job.warehouse])


class TurnaroundContext(ModelView):
    "Repair Turnaround Context"
    __name__ = 'repair.reporting.turnaround.context'

    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")


class Workload(ModelSQL, ModelView):
    "Technician Workload"
    __name__ = 'repair.reporting.workload'

    company = fields.Many2One('company.company', "Company")
    technician = fields.Many2One('res.user', "Technician")
    open_jobs = fields.Integer("Open Jobs")
    waiting = fields.Integer(
        "Before Approval",
        help="Jobs to diagnose or quote, or waiting for the customer.")
    approved = fields.Integer(
        "To Repair", help="Jobs approved or in repair.")
    checking = fields.Integer("In Quality Check")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('open_jobs', 'DESC'), ('technician', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Job = pool.get('repair.job')
        job = Job.__table__()

        def count(states):
            return Sum(Case((job.state.in_(states), 1), else_=0))
        return job.select(
            Min(job.id).as_('id'),
            job.company.as_('company'),
            job.technician.as_('technician'),
            Count(job.id).as_('open_jobs'),
            count(['intake', 'diagnosed', 'quoted']).as_('waiting'),
            count(['approved', 'in_repair']).as_('approved'),
            count(['quality_check']).as_('checking'),
            where=~job.state.in_(list(CLOSED_STATES)) & (
                job.technician != Null),
            group_by=[job.company, job.technician])
