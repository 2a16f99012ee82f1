# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import Pool, PoolMeta


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['repair.job', 'repair.job.line']

    @classmethod
    def _serial_owner(cls, move):
        "A customer's device in the shop's custody stays the customer's"
        pool = Pool()
        Job = pool.get('repair.job')
        origin = move.origin
        if isinstance(origin, Job) and origin.ownership == 'customer':
            return origin.customer
        return super()._serial_owner(move)
