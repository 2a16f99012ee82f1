# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.modules.currency.fields import Monetary


class Denomination(DeactivableMixin, ModelSQL, ModelView):
    "A note or coin the cash drawer is counted in"
    __name__ = 'sale.point.cash.denomination'

    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, ondelete='RESTRICT')
    value = Monetary(
        "Value", currency='currency', digits='currency', required=True,
        domain=[('value', '>', 0)])
    name = fields.Char("Name", translate=True,
        help="How the cashier calls it, such as \"50 note\".")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('currency_value_unique', Unique(t, t.currency, t.value),
                'sale_point_cash.msg_denomination_unique'),
            ]
        cls._order = [
            ('currency', 'ASC'),
            ('value', 'DESC'),
            ('id', 'ASC'),
            ]

    def get_rec_name(self, name):
        if self.name:
            return self.name
        return self.currency.round(self.value).to_eng_string()

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('name',) + tuple(clause[1:])]
