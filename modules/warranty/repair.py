# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Job(metaclass=PoolMeta):
    __name__ = 'repair.job'

    warranty_claim = fields.Many2One(
        'warranty.claim', "Warranty Claim", readonly=True,
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': ~Eval('warranty_claim'),
            },
        help="The claim that opened the repair under warranty.")

    @classmethod
    def copy(cls, jobs, default=None):
        default = default.copy() if default else {}
        default.setdefault('warranty_claim', None)
        return super().copy(jobs, default=default)
