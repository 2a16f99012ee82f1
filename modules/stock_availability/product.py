# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    atp = fields.Function(fields.Float(
            "Available to Promise",
            help="At the branch of the context, or at all branches: "
            "sellable stock less reserved and expired."),
        'get_availability')
    low_stock = fields.Function(fields.Boolean(
            "Low Stock",
            help="Below the threshold at the branch of the context, or "
            "at any branch."),
        'get_availability')

    @classmethod
    def on_modification(cls, mode, products, field_names=None):
        pool = Pool()
        Availability = pool.get('stock.availability')
        super().on_modification(mode, products, field_names=field_names)
        if mode == 'create':
            Availability.create_heads(products=products)

    @classmethod
    def get_availability(cls, products, names):
        pool = Pool()
        Availability = pool.get('stock.availability')
        domain = [
            ('product', 'in', [p.id for p in products]),
            ('branch', '!=', None),
            ]
        branch = Transaction().context.get('warehouse')
        if branch:
            domain.append(('branch', '=', branch))
        heads = Availability.search(domain, order=[])
        values = Availability.get_quantities(heads, ['atp', 'low_stock'])
        result = {
            'atp': {p.id: 0. for p in products},
            'low_stock': {p.id: False for p in products},
            }
        for head in heads:
            product = head.product.id
            result['atp'][product] += values['atp'][head.id]
            result['low_stock'][product] |= values['low_stock'][head.id]
        return {n: result[n] for n in names}
