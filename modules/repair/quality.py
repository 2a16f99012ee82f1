# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import PoolMeta


class Control(metaclass=PoolMeta):
    __name__ = 'quality.control'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.operations.selection += [
            ('repair.job:diagnose', "Repair Job Diagnosed"),
            ('repair.job:pass_check', "Repair Job Quality Checked"),
            ]
        # Categories carry company values (accounts) as products do
        cls.product_category.context = cls.product.context.copy()
        cls.product_category.depends |= {'company'}


class Inspection(metaclass=PoolMeta):
    __name__ = 'quality.inspection'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['repair.job']


class Inspect(metaclass=PoolMeta):
    __name__ = 'quality.inspect'

    @property
    def _operations(self):
        return super()._operations | {
            'repair.wizard_job_inspect_diagnose': 'diagnose',
            'repair.wizard_job_inspect_pass_check': 'pass_check',
            }
