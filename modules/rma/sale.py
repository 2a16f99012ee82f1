# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import PoolMeta


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    def get_to_location(self, name):
        # What a customer gives back waits for its inspection
        location = super().get_to_location(name)
        if ((self.quantity or 0) < 0 and self.warehouse
                and self.warehouse.quarantine_location):
            return self.warehouse.quarantine_location
        return location
