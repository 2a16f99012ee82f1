# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'stock.configuration'

    adjustment_approval_threshold = fields.Numeric(
        "Adjustment Approval Threshold", digits=(16, 2),
        domain=['OR',
            ('adjustment_approval_threshold', '=', None),
            ('adjustment_approval_threshold', '>=', 0),
            ],
        help="Adjustments worth more than this, at cost, are confirmed "
        "by a second user. Leave empty for no threshold.")
