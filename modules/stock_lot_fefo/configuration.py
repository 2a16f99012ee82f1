# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'stock.configuration'

    expiry_warning_days = fields.Integer(
        "Expiry Warning", required=True,
        domain=[('expiry_warning_days', '>=', 0)],
        help="How many days before its expiry a batch shows as expiring.")

    @classmethod
    def default_expiry_warning_days(cls):
        return 30
