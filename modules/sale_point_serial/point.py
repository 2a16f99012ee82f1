# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import fields
from trytond.modules.stock_branch.stock import BranchMixin, _branch_field
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class POS(BranchMixin, metaclass=PoolMeta):
    __name__ = 'sale.point'

    branch = _branch_field("Branch")
    _branch_fields = {'branch': 'storage_location'}
    # A till whose storage is at no branch is the company's
    _branch_optional = True
    walk_in_customer = fields.Many2One(
        'party.party', "Walk-in Customer", ondelete='RESTRICT',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The customer a new sale at the till starts with, for "
        "sales that need none: a unit is always sold to its own "
        "customer.")
