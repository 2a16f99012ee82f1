# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Margins per unit or batch, on stock's margin reporting.

Moves carry the cost they left stock at: a unit's own cost under specific
identification, the FIFO or average cost otherwise.  Grouped by lot, the
cost column is the cost of goods sold of each unit (per IMEI) or batch.
"""
from sql import Null

from trytond.model import ModelView, fields
from trytond.modules.stock.stock_reporting_margin import (
    Abstract, ProductMixin)
from trytond.pyson import Eval


class LotMixin(ProductMixin):
    __slots__ = ()

    lot = fields.Many2One(
        'stock.lot', "Unit or Batch",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})

    @classmethod
    def _columns(cls, tables, withs):
        move = tables['move']
        return super()._columns(tables, withs) + [move.lot.as_('lot')]

    @classmethod
    def _group_by(cls, tables, withs):
        move = tables['move']
        return super()._group_by(tables, withs) + [move.lot]

    @classmethod
    def _where(cls, tables, withs):
        move = tables['move']
        return super()._where(tables, withs) & (move.lot != Null)

    def get_rec_name(self, name):
        return self.lot.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('lot.rec_name', *clause[1:])]


class Lot(LotMixin, Abstract, ModelView):
    "Margin per unit or batch"
    __name__ = 'stock.reporting.margin.lot'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('lot', 'ASC'))

    @classmethod
    def _column_id(cls, tables, withs):
        move = tables['move']
        return move.lot
