# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.modules.stock_availability.location import VALUED_OWNERSHIPS
from trytond.pool import PoolMeta


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    @property
    def valued(self):
        "Whether the stock held here is the company's and carries value"
        return self.type == 'storage' and self.ownership in VALUED_OWNERSHIPS

    @property
    def custody(self):
        "Whether the storage here holds someone else's stock"
        return self.type == 'storage' and not self.valued
