# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, Id


def default_func(field_name):
    @classmethod
    def default(cls, **pattern):
        return getattr(
            cls.multivalue_model(field_name),
            'default_%s' % field_name, lambda: None)()
    return default


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Repair Configuration"
    __name__ = 'repair.configuration'

    job_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Job Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=', Id('repair', 'sequence_type_job')),
                ]))
    consumption_location = fields.Many2One(
        'stock.location', "Parts Consumption", required=True,
        domain=[('type', '=', 'production')],
        help="Where the parts used by repairs go: their cost leaves the "
        "inventory for the cost of goods sold.")
    minimum_margin = fields.Numeric(
        "Minimum Margin", digits=(16, 4), required=True,
        domain=[
            ('minimum_margin', '>=', 0),
            ('minimum_margin', '<', 1),
            ],
        help="The share of a quote's total that must be left once its "
        "parts and labour are paid for; below it a branch manager "
        "approves the quote.")
    labour_cost = fields.Numeric(
        "Labour Cost per Hour", digits=price_digits, required=True,
        domain=[('labour_cost', '>=', 0)],
        help="What an hour of a technician costs the shop, for the "
        "margin of a quote.")
    diagnostic_product = fields.Many2One(
        'product.product', "Diagnostic Fee Product",
        domain=[('type', '=', 'service')],
        context={
            'company': Eval('context', {}).get('company', -1),
            },
        states={
            'required': Bool(Eval('diagnostic_fee')),
            },
        help="The service invoiced for the diagnostic fee.")
    diagnostic_fee = fields.Numeric(
        "Diagnostic Fee", digits=price_digits,
        domain=['OR',
            ('diagnostic_fee', '=', None),
            ('diagnostic_fee', '>=', 0),
            ],
        help="Charged when a diagnosed job is cancelled or its quote "
        "rejected. Leave empty to charge nothing.")

    default_job_sequence = default_func('job_sequence')

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'job_sequence':
            return pool.get('repair.configuration.sequence')
        return super().multivalue_model(field)

    @classmethod
    def default_consumption_location(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id('repair', 'location_consumption')

    @classmethod
    def default_minimum_margin(cls):
        return 0

    @classmethod
    def default_labour_cost(cls):
        return 0


class ConfigurationSequence(ModelSQL, CompanyValueMixin):
    "Repair Configuration Sequence"
    __name__ = 'repair.configuration.sequence'

    job_sequence = fields.Many2One(
        'ir.sequence', "Job Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=', Id('repair', 'sequence_type_job')),
            ])

    @classmethod
    def default_job_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('repair', 'sequence_job')
        except KeyError:
            return None
