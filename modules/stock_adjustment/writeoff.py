# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Stock written off or found, by reason: the waste and shrinkage report."""
from decimal import Decimal

from sql import Cast, Null, Union
from sql.conditionals import Case, Coalesce
from sql.operators import Concat

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


class WriteOff(BranchOwnedMixin, ModelSQL, ModelView):
    "Stock written off or found, with its reason"
    __name__ = 'stock.adjustment.write_off'
    _branch_paths = ('branch',)

    date = fields.Date("Date", readonly=True)
    company = fields.Many2One('company.company', "Company", readonly=True)
    branch = fields.Many2One('stock.location', "Branch", readonly=True)
    product = fields.Many2One(
        'product.product', "Product", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    lot = fields.Many2One('stock.lot', "Unit or Batch", readonly=True)
    reason = fields.Many2One(
        'stock.adjustment.reason', "Reason", readonly=True)
    quantity = fields.Float(
        "Quantity", digits='unit', readonly=True,
        help="Negative when written off, positive when found.")
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'get_unit')
    cost_price = fields.Numeric("Cost Price", digits=(16, 4), readonly=True)
    value = fields.Function(fields.Numeric(
            "Value", digits=(16, 2),
            help="The quantity at the cost price of the move."),
        'get_value')
    move = fields.Many2One('stock.move', "Move", readonly=True)
    origin = fields.Function(
        fields.Reference("Origin", selection='get_origins'), 'get_origin')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def _reason_moves(cls):
        "Return the queries of (move, reason) of the documents with reasons"
        pool = Pool()
        AdjustmentLine = pool.get('stock.adjustment.line')
        Defect = pool.get('stock.lot.defect')
        ShrinkageCase = pool.get('stock.shrinkage.case')
        InventoryLine = pool.get('stock.inventory.line')
        Move = pool.get('stock.move')
        adjustment_line = AdjustmentLine.__table__()
        defect = Defect.__table__()
        case = ShrinkageCase.__table__()
        inventory_line = InventoryLine.__table__()
        move = Move.__table__()
        counted = move.join(inventory_line, condition=move.origin == Concat(
                'stock.inventory.line,',
                Cast(inventory_line.id, Move.origin.sql_type().base)))
        return [
            adjustment_line.select(
                adjustment_line.move.as_('move'),
                adjustment_line.reason.as_('reason'),
                where=adjustment_line.move != Null),
            defect.select(
                defect.move.as_('move'), defect.reason.as_('reason'),
                where=defect.move != Null),
            case.select(
                case.resolution_move.as_('move'),
                case.reason_code.as_('reason'),
                where=(case.resolution_move != Null)
                & (case.reason_code != Null)),
            counted.select(
                move.id.as_('move'), inventory_line.reason.as_('reason'),
                where=(inventory_line.reason != Null)
                & move.origin.like('stock.inventory.line,%')),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        move = Move.__table__()
        from_location = Location.__table__()
        to_location = Location.__table__()
        context = Transaction().context
        reason_moves = Union(*cls._reason_moves(), all_=True)

        where = ((move.state == 'done')
            & (move.company == context.get('company'))
            & ((from_location.type == 'lost_found')
                | (to_location.type == 'lost_found')))
        if context.get('from_date'):
            where &= move.effective_date >= context['from_date']
        if context.get('to_date'):
            where &= move.effective_date <= context['to_date']
        query = (reason_moves
            .join(move, condition=reason_moves.move == move.id)
            .join(from_location,
                condition=move.from_location == from_location.id)
            .join(to_location, condition=move.to_location == to_location.id))
        return query.select(
            move.id.as_('id'),
            move.effective_date.as_('date'),
            move.company,
            Coalesce(move.from_branch, move.to_branch).as_('branch'),
            move.product, move.lot,
            reason_moves.reason,
            Case(
                (to_location.type == 'lost_found', -move.internal_quantity),
                else_=move.internal_quantity).as_('quantity'),
            move.cost_price,
            move.id.as_('move'),
            where=where)

    def get_unit(self, name):
        return self.product.default_uom.id

    def get_value(self, name):
        if self.quantity is None:
            return None
        cost = self.cost_price or Decimal(0)
        return (Decimal(str(self.quantity)) * cost).quantize(Decimal('0.01'))

    @classmethod
    def get_origins(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        return Move.get_origin()

    def get_origin(self, name):
        origin = self.move.origin
        return str(origin) if origin else None
