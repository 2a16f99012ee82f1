# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import PoolMeta

from .model import BranchOwnedMixin


class _AvailabilityScope(BranchOwnedMixin):
    __slots__ = ()
    # Stock at no branch (in transit, at a customer) is the company's
    _branch_paths = ('branch',)
    _branch_optional = True


class Availability(_AvailabilityScope, metaclass=PoolMeta):
    __name__ = 'stock.availability'


class AvailabilityLine(_AvailabilityScope, metaclass=PoolMeta):
    __name__ = 'stock.availability.line'


class AvailabilityHistory(_AvailabilityScope, metaclass=PoolMeta):
    __name__ = 'stock.availability.history'
