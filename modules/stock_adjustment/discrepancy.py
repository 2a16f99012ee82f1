# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# Internal context key (RPC strips keys starting with "_")
REASON_CONTEXT = '_stock_adjustment_reason'


class ReasonCodeMixin:
    "The reason code of a record, given to its creation by the context"
    __slots__ = ()
    reason_code = fields.Many2One(
        'stock.adjustment.reason', "Reason Code", readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        reason = Transaction().context.get(REASON_CONTEXT)
        if mode == 'create' and reason and not values.get('reason_code'):
            values['reason_code'] = reason
        return values


class Discrepancy(ReasonCodeMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal.discrepancy'


class ShrinkageCase(ReasonCodeMixin, metaclass=PoolMeta):
    __name__ = 'stock.shrinkage.case'

    inventory = fields.Many2One(
        'stock.inventory', "Count", readonly=True, ondelete='RESTRICT',
        help="The count that found the unit missing.")
    inventory_line = fields.Many2One(
        'stock.inventory.line', "Count Line", readonly=True,
        ondelete='RESTRICT')

    @property
    def write_off_location(self):
        if self.reason_code:
            return self.reason_code.target_location(self.branch)
        return super().write_off_location

    def get_rec_name(self, name):
        if self.inventory:
            what = self.lot.rec_name if self.lot else self.product.rec_name
            return f'{what} ({self.inventory.rec_name})'
        return super().get_rec_name(name)

    @classmethod
    @ModelView.button
    @Workflow.transition('found')
    def find(cls, cases):
        """A unit a count missed turned up: it comes back from where the
        count wrote it off, into returns quarantine to be inspected"""
        pool = Pool()
        Move = pool.get('stock.move')
        counted = [c for c in cases if c.inventory_line]
        cls._check_branches(counted)
        moves = []
        for case in counted:
            write_off = case.inventory_line.moves[0]
            moves.append(Move(
                    product=write_off.product, unit=write_off.unit,
                    quantity=write_off.quantity, lot=write_off.lot,
                    from_location=write_off.to_location,
                    to_location=(case.branch.quarantine_location
                        or write_off.from_location),
                    company=write_off.company, origin=case))
        Move.save(moves)
        Move.do(moves)
        for case, move in zip(counted, moves):
            case.resolution_move = move
            case.resolved_by = Transaction().user
        cls.save(counted)
        super().find([c for c in cases if not c.inventory_line])

    @classmethod
    @ModelView.button
    @Workflow.transition('lost')
    def lose(cls, cases):
        "The count already wrote the unit off: the case only closes"
        counted = [c for c in cases if c.inventory_line]
        cls._check_branches(counted)
        cls.write(counted, {'resolved_by': Transaction().user})
        super().lose([c for c in cases if not c.inventory_line])
