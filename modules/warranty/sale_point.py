# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class POSSale(metaclass=PoolMeta):
    __name__ = 'sale.point.sale'

    @classmethod
    def do(cls, sales):
        pool = Pool()
        Move = pool.get('stock.move')
        Warranty = pool.get('stock.lot.warranty')
        super().do(sales)
        # The certificate prints at the counter: the warranty is given
        # from the unit's move reserved at payment, not at the post
        origins = [str(l) for s in sales for l in s.lines]
        if origins:
            with without_check_access():
                Warranty.give(Move.search([
                            ('origin', 'in', origins),
                            ('state', '=', 'assigned'),
                            ]))
