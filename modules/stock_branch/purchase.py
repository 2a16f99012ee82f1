# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import PoolMeta

from .model import BranchOwnedMixin


class Purchase(BranchOwnedMixin, metaclass=PoolMeta):
    __name__ = 'purchase.purchase'
    # Its lines follow it through core's __access__
    _branch_paths = ('warehouse',)
    _branch_optional = True


class PurchaseRequest(BranchOwnedMixin, metaclass=PoolMeta):
    __name__ = 'purchase.request'
    _branch_paths = ('warehouse',)
    _branch_optional = True
