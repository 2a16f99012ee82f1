# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .job import TIERS


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    repair_tier = fields.Selection(
        TIERS, "Part Quality Tier",
        states={
            'invisible': Eval('type') != 'goods',
            },
        help="For a repair part: original (OEM), refurbished or "
        "aftermarket, shown on quotes and job cards.")
