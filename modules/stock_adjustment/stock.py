# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import PoolMeta


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'stock.adjustment.line', 'stock.lot.defect']

    @property
    def adjustment_reason(self):
        "The reason code of the adjustment, count or case the move is from"
        origin = self.origin
        for name in ['reason', 'reason_code']:
            reason = getattr(origin, name, None)
            if getattr(reason, '__name__', None) == 'stock.adjustment.reason':
                return reason
