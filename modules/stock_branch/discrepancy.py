# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .model import BranchOwnedMixin

KINDS = [
    ('short', "Short"),
    ('over', "Over"),
    ('damaged', "Damaged"),
    ('unexpected', "Unexpected"),
    ]


class Discrepancy(ModelSQL, ModelView):
    "What a transfer's receiver found different from what was sent"
    __name__ = 'stock.shipment.internal.discrepancy'

    shipment = fields.Many2One(
        'stock.shipment.internal', "Transfer", required=True,
        readonly=True, ondelete='RESTRICT')
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    code = fields.Char("Code", readonly=True)
    product = fields.Many2One(
        'product.product', "Product", readonly=True, ondelete='RESTRICT')
    lot = fields.Many2One(
        'stock.lot', "Unit or Batch", readonly=True, ondelete='RESTRICT')
    quantity = fields.Float("Quantity", readonly=True)
    reason = fields.Char("Reason", required=True, readonly=True)
    case = fields.Many2One(
        'stock.shrinkage.case', "Shrinkage Case", readonly=True,
        ondelete='RESTRICT')
    from_branch = fields.Function(fields.Many2One(
            'stock.location', "From Branch"), 'get_shipment_field')
    to_branch = fields.Function(fields.Many2One(
            'stock.location', "To Branch"), 'get_shipment_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('shipment')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.shipment, Index.Range())))
        cls._order.insert(0, ('shipment', 'DESC'))

    @classmethod
    def kind_string(cls, kind):
        return dict(KINDS)[kind]

    def get_shipment_field(self, name):
        branch = getattr(self.shipment, name)
        return branch.id if branch else None

    @classmethod
    def check_modification(
            cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext(
                    'stock_branch.msg_discrepancy_append_only'))


class ShrinkageCase(BranchOwnedMixin, Workflow, ModelSQL, ModelView):
    "A unit or quantity missing on arrival, for its sending branch"
    __name__ = 'stock.shrinkage.case'
    _branch_paths = ('branch',)

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    branch = fields.Many2One(
        'stock.location', "Branch", required=True, readonly=True,
        domain=[('type', '=', 'warehouse')],
        help="The branch that sent it and resolves the case.")
    shipment = fields.Many2One(
        'stock.shipment.internal', "Transfer", readonly=True,
        ondelete='RESTRICT')
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    lot = fields.Many2One('stock.lot', "Unit or Batch", readonly=True)
    quantity = fields.Float("Quantity", required=True, readonly=True)
    move = fields.Many2One(
        'stock.move', "Pending Move", readonly=True, ondelete='RESTRICT',
        help="The move from transit that waits for the case.")
    reason = fields.Char("Reason", readonly=True)
    resolution_move = fields.Many2One(
        'stock.move', "Write-off Move", readonly=True, ondelete='RESTRICT')
    resolved_by = fields.Many2One('res.user', "Resolved by", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('found', "Found"),
            ('lost', "Lost"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'open'),
                Index(t, (t.branch, Index.Range())),
                })
        cls._order.insert(0, ('id', 'DESC'))
        cls._transitions |= {('open', 'found'), ('open', 'lost')}
        cls._buttons.update({
                'find': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'lose': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    def get_rec_name(self, name):
        what = self.lot.rec_name if self.lot else self.product.rec_name
        return f'{what} ({self.shipment.rec_name if self.shipment else "-"})'

    @classmethod
    def _check_branches(cls, cases):
        pool = Pool()
        User = pool.get('res.user')
        for case in cases:
            User.check_branch(case.branch, case)

    @classmethod
    @ModelView.button
    @Workflow.transition('found')
    def find(cls, cases):
        "The missing stock turned up at the receiving branch"
        pool = Pool()
        Move = pool.get('stock.move')
        cls._check_branches(cases)
        Move.do([c.move for c in cases if c.move])
        cls.write(cases, {'resolved_by': Transaction().user})

    @property
    def write_off_location(self):
        "Where stock lost on this case goes"
        pool = Pool()
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        return self.branch.lost_found_location or Location(
            ModelData.get_id('stock', 'location_lost_found'))

    @classmethod
    @ModelView.button
    @Workflow.transition('lost')
    def lose(cls, cases):
        "The missing stock is lost: it leaves transit as shrinkage"
        pool = Pool()
        Move = pool.get('stock.move')
        cls._check_branches(cases)
        moves = []
        for case in cases:
            move = case.move
            Move.cancel([move])
            moves.append(Move(
                    product=move.product, unit=move.unit,
                    quantity=move.quantity, lot=move.lot,
                    from_location=move.from_location,
                    to_location=case.write_off_location,
                    company=move.company,
                    origin=case, planned_date=move.planned_date))
        Move.save(moves)
        Move.do(moves)
        for case, move in zip(cases, moves):
            case.resolution_move = move
            case.resolved_by = Transaction().user
        cls.save(cases)
