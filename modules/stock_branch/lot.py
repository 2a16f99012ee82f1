# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .model import BranchOwnedMixin


class Lot(BranchOwnedMixin, metaclass=PoolMeta):
    __name__ = 'stock.lot'
    # A unit at no branch (sold, at a supplier) is the company's
    _branch_paths = ('current_warehouse',)
    _branch_optional = True


class Scan(BranchOwnedMixin, metaclass=PoolMeta):
    __name__ = 'stock.lot.scan'
    # The codes scanned at a branch, with their users, are that branch's
    _branch_paths = ('warehouse',)


class Identifier(BranchOwnedMixin, metaclass=PoolMeta):
    __name__ = 'stock.lot.identifier'
    # An IMEI is its unit's
    _branch_paths = ('lot.current_warehouse',)
    _branch_optional = True


class Lookup(metaclass=PoolMeta):
    __name__ = 'stock.lot.lookup'

    def default_result(self, fields):
        pool = Pool()
        User = pool.get('res.user')
        result = super().default_result(fields)
        lot = self.result.lot
        warehouse = lot.current_warehouse if lot else None
        # That it exists in the chain is shared; where, whose and at what
        # price stay at its branch
        if (warehouse and not User.works_in_all_branches()
                and warehouse.id not in User.get_branches()):
            result = {
                'code': result['code'],
                'found': False,
                'product': lot.product.id,
                'message': gettext(
                    'stock_branch.msg_lookup_other_branch',
                    code=result['code'], product=lot.product.rec_name),
                }
        return result
