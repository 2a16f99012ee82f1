# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.product import round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import RepairError
from .job import CLOSED_STATES, company_product


class Configuration(metaclass=PoolMeta):
    __name__ = 'repair.configuration'

    sale_point_billing = fields.Boolean(
        "Charge at the Point of Sale",
        help="New jobs are charged at their branch's point of sale, "
        "paid at the till, instead of by invoice.")

    @classmethod
    def default_sale_point_billing(cls):
        return False


class Job(metaclass=PoolMeta):
    __name__ = 'repair.job'

    sale_point = fields.Many2One(
        'sale.point', "Point of Sale",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state').in_(list(CLOSED_STATES)),
            },
        help="Where the customer pays for the repair; leave empty to "
        "invoice it.")
    sale_point_sale = fields.Many2One(
        'sale.point.sale', "POS Sale", readonly=True,
        domain=[('company', '=', Eval('company', -1))],
        help="The sale at the point of sale that charges the repair, or "
        "the diagnostic fee.")

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('repair.configuration')
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and 'sale_point' not in values
                and Configuration(1).sale_point_billing
                and values.get('warehouse')):
            values['sale_point'] = cls._branch_sale_point(
                values.get('company', cls.default_company()),
                values['warehouse'])
        return values

    @classmethod
    def _branch_sale_point(cls, company_id, warehouse_id):
        "The only point of sale that sells from the branch, if any"
        pool = Pool()
        Location = pool.get('stock.location')
        SalePoint = pool.get('sale.point')
        warehouse = Location(warehouse_id)
        points = SalePoint.search([
                ('company', '=', company_id),
                ('storage_location', 'child_of',
                    [warehouse.storage_location.id], 'parent'),
                ], limit=2)
        if len(points) == 1:
            return points[0].id

    @classmethod
    def copy(cls, jobs, default=None):
        default = default.copy() if default else {}
        default.setdefault('sale_point_sale', None)
        return super().copy(jobs, default=default)

    @property
    def charged(self):
        return super().charged or bool(self.sale_point_sale)

    @classmethod
    def invoice_jobs(cls, jobs, fee=False):
        # A job with a point of sale is paid at its till
        super().invoice_jobs([j for j in jobs if not j.sale_point], fee=fee)
        cls.sell_jobs([j for j in jobs if j.sale_point], fee=fee)

    @classmethod
    def sell_jobs(cls, jobs, fee=False):
        "Open a sale of each job at its point of sale"
        pool = Pool()
        Configuration = pool.get('repair.configuration')
        Date = pool.get('ir.date')
        Sale = pool.get('sale.point.sale')
        configuration = Configuration(1)
        sales = []
        for job in jobs:
            with Transaction().set_context(company=job.company.id):
                today = Date.today()
            if fee:
                lines = [job._get_sale_point_line(
                        configuration.diagnostic_product, 1,
                        configuration.diagnostic_fee, today)]
            else:
                lines = [job._get_sale_point_line(
                        l.product, l.quantity, l.unit_price, today)
                    for l in job.lines]
            sales.append(Sale(
                    company=job.company, point=job.sale_point, date=today,
                    lines=lines))
        Sale.save(sales)
        for job, sale in zip(jobs, sales):
            job.sale_point_sale = sale
        cls.save(jobs)

    def _get_sale_point_line(self, product, quantity, unit_price, date):
        pool = Pool()
        Line = pool.get('sale.point.sale.line')
        Tax = pool.get('account.tax')
        product = company_product(product, self.company)
        if not product.salable:
            raise RepairError(gettext(
                    'repair.msg_job_product_not_salable',
                    job=self.rec_name, product=product.rec_name))
        taxes = Tax.compute(
            product.customer_taxes_used, unit_price, 1, date=date)
        return Line(
            product=product, quantity=quantity, repair_job=self,
            unit_list_price=unit_price,
            unit_gross_price=round_price(
                unit_price + sum(t['amount'] for t in taxes)))


class SalePointSaleLine(metaclass=PoolMeta):
    __name__ = 'sale.point.sale.line'

    repair_job = fields.Many2One(
        'repair.job', "Repair Job", readonly=True, ondelete='RESTRICT',
        help="The repair charged by the line: its parts left the stock "
        "with the repair.")

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default else {}
        default.setdefault('repair_job', None)
        return super().copy(lines, default=default)

    def get_stock_move(self):
        # The repair consumed its parts and the device is the customer's
        if self.repair_job:
            return
        return super().get_stock_move()
