# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Stock at a past date, rebuilt from the done moves."""
from sql import Null, Union
from sql.aggregate import Max, Sum
from sql.conditionals import Case
from sql.functions import RowNumber
from sql import Window

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .location import OWNERSHIPS, STATES


class AvailabilityHistory(ModelSQL, ModelView):
    "Stock at a Date"
    __name__ = 'stock.availability.history'

    product = fields.Many2One('product.product', "Product", readonly=True)
    branch = fields.Many2One('stock.location', "Branch", readonly=True)
    ownership = fields.Selection(OWNERSHIPS, "Ownership", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True)
    quantity = fields.Float("Quantity", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('product', 'ASC'), ('branch', 'ASC NULLS LAST'),
            ('ownership', 'ASC'), ('state', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        Date = pool.get('ir.date')
        move = Move.__table__()
        location = Location.__table__()
        warehouse = Location.__table__()
        date = Transaction().context.get('stock_date_end') or Date.today()

        done = (move.state == 'done') & (move.effective_date <= date)
        moves = Union(
            move.select(move.product, move.to_location.as_('location'),
                move.internal_quantity.as_('quantity'), where=done),
            move.select(move.product, move.from_location.as_('location'),
                (-move.internal_quantity).as_('quantity'), where=done),
            all_=True)
        # The branch of a location is the warehouse above it in the tree.
        branch = location.join(warehouse, 'LEFT', condition=(
                (warehouse.type == 'warehouse')
                & (warehouse.left <= location.left)
                & (warehouse.right >= location.right))).select(
            location.id.as_('location'),
            Max(warehouse.id).as_('branch'),
            location.ownership, location.stock_state,
            where=(location.type == 'storage')
            | ((location.type == 'supplier')
                & (location.ownership == 'supplier_consignment')),
            group_by=[location.id, location.ownership, location.stock_state])
        query = moves.join(branch,
            condition=moves.location == branch.location).select(
            moves.product, branch.branch,
            branch.ownership, branch.stock_state.as_('state'),
            Sum(moves.quantity).as_('quantity'),
            group_by=[moves.product, branch.branch, branch.ownership,
                branch.stock_state],
            having=Sum(moves.quantity) != 0)
        window = Window([], order_by=[
                query.product, Case((query.branch == Null, 0),
                    else_=query.branch), query.ownership, query.state])
        return query.select(
            RowNumber(window=window).as_('id'),
            query.product, query.branch, query.ownership, query.state,
            query.quantity)


class AvailabilityHistoryContext(ModelView):
    "Stock at a Date Context"
    __name__ = 'stock.availability.history.context'

    stock_date_end = fields.Date("Date", required=True)

    @classmethod
    def default_stock_date_end(cls):
        return Pool().get('ir.date').today()
