# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import DefectError

ACTIONS = [
    ('scrap', "Scrap"),
    ('rework', "Rework"),
    ]


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    rework_count = fields.Integer(
        "Reworks", readonly=True,
        help="How many times the unit was sent to the repair bench as "
        "defective.")
    defects = fields.One2Many(
        'stock.lot.defect', 'lot', "Defects", readonly=True)

    @classmethod
    def default_rework_count(cls):
        return 0


class Defect(BranchOwnedMixin, ModelSQL, ModelView):
    "A unit marked defective: scrapped or sent to rework"
    __name__ = 'stock.lot.defect'
    # Where it was found; its unit's rules apply too
    _branch_paths = ('warehouse',)

    lot = fields.Many2One(
        'stock.lot', "Unit", required=True, readonly=True,
        ondelete='RESTRICT')
    action = fields.Selection(ACTIONS, "Action", required=True,
        readonly=True)
    reason = fields.Many2One(
        'stock.adjustment.reason', "Reason", required=True, readonly=True)
    note = fields.Text("Note", readonly=True)
    warehouse = fields.Many2One(
        'stock.location', "Branch", required=True, readonly=True)
    move = fields.Many2One(
        'stock.move', "Move", readonly=True, ondelete='RESTRICT')
    user = fields.Many2One('res.user', "User", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('lot')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.lot, Index.Range())))
        cls._order.insert(0, ('id', 'DESC'))

    @classmethod
    def check_modification(cls, mode, defects, values=None, external=False):
        super().check_modification(
            mode, defects, values=values, external=external)
        if mode in {'write', 'delete'} and external:
            raise AccessError(gettext('stock_adjustment.msg_defect_log'))

    @classmethod
    def mark(cls, lots, action, reason, note=None):
        """Move each unit to its branch's scrap or repair bench

        All units are checked before anything moves."""
        pool = Pool()
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        User = pool.get('res.user')
        lots = Lot.browse([l.id for l in lots])
        Lot.lock(lots)
        errors, moves, defects = [], [], []
        for lot in lots:
            warehouse = lot.current_warehouse
            target = None
            if warehouse:
                target = (warehouse.scrap_location if action == 'scrap'
                    else warehouse.repair_location)
            if (not lot.product.serialized or not warehouse
                    or lot.state not in {'available', 'returned',
                        'defective', 'under_repair'}
                    or not target or lot.current_location == target):
                errors.append(gettext(
                        'stock_adjustment.msg_defect_unit',
                        unit=lot.rec_name, state=lot.state or '-',
                        action=dict(ACTIONS)[action]))
                continue
            User.check_branch(warehouse, lot)
            moves.append(Move(
                    product=lot.product, unit=lot.product.default_uom,
                    quantity=1, lot=lot, from_location=lot.current_location,
                    to_location=target, company=Transaction().context.get(
                        'company')))
            defects.append(cls(
                    lot=lot, action=action, reason=reason, note=note,
                    warehouse=warehouse, user=Transaction().user or None))
        if errors:
            raise DefectError('\n'.join(errors))
        cls.save(defects)
        for move, defect in zip(moves, defects):
            move.origin = defect
        Move.save(moves)
        Move.do(moves)
        for move, defect in zip(moves, defects):
            defect.move = move
        cls.save(defects)
        reworked = [l for l in lots if action == 'rework']
        for lot in reworked:
            lot.rework_count = (lot.rework_count or 0) + 1
        Lot.save(reworked)
        return defects


class MarkDefectiveStart(ModelView):
    __name__ = 'stock.lot.mark_defective.start'

    action = fields.Selection(ACTIONS, "Action", required=True,
        help="Scrap: to the branch's scrap location, for good.\n"
        "Rework: to the branch's repair bench.")
    reason = fields.Many2One(
        'stock.adjustment.reason', "Reason", required=True)
    note = fields.Text("Note")

    @classmethod
    def default_action(cls):
        return 'rework'


class MarkDefective(Wizard):
    "Mark units defective: scrap them or send them to rework"
    __name__ = 'stock.lot.mark_defective'

    start = StateView('stock.lot.mark_defective.start',
        'stock_adjustment.lot_mark_defective_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Mark", 'mark', 'tryton-ok', default=True),
            ])
    mark = StateTransition()

    def transition_mark(self):
        pool = Pool()
        Defect = pool.get('stock.lot.defect')
        Defect.mark(
            list(self.records), self.start.action, self.start.reason,
            note=self.start.note)
        return 'end'
