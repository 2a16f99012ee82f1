# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool


class Reason(DeactivableMixin, ModelSQL, ModelView):
    "Why stock is adjusted"
    __name__ = 'stock.adjustment.reason'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    target = fields.Selection([
            ('lost_found', "Lost and Found"),
            ('scrap', "Scrap"),
            ], "Target", required=True,
        help="Where stock removed for this reason goes, and where stock "
        "found comes from: the branch's lost and found or its scrap "
        "location.")
    approval = fields.Boolean(
        "Approval",
        help="Adjustments for this reason are always confirmed by a "
        "second user.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'stock_adjustment.msg_reason_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_target(cls):
        return 'lost_found'

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    def target_location(self, warehouse):
        "The location of warehouse where this reason's stock goes"
        pool = Pool()
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        location = None
        if self.target == 'scrap':
            location = warehouse.scrap_location
        if not location:
            location = warehouse.lost_found_location
        return location or Location(ModelData.get_id(
                'stock', 'location_lost_found'))
