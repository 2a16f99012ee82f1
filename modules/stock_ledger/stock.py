# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import math

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction

from .exceptions import CompensationError, LedgerError, MoveAmountError
from .ledger import GENESIS, LEDGER_UNHASHED, LEDGER_VERSION, move_digest

# Beyond this a quantity or a price is a typing error; a float above it
# no longer counts single units
MAX_AMOUNT = 10 ** 12
AMOUNT_FIELDS = ['quantity', 'internal_quantity', 'unit_price', 'cost_price']
# Done moves that a cancelled shipment returned with new moves; they stay
# done (internal context key: RPC strips keys starting with "_").
RETURNED_CONTEXT = '_stock_ledger_returned'
# Set while Tryton recomputes a product's cost: the product's cost changes,
# its done moves keep the cost they were done at.
KEEP_DONE_COST_CONTEXT = '_stock_ledger_keep_done_cost'
# Stored fields that the server may change on a done move, never a client:
# the counter of product_cost_fifo, the flag of the cost recomputation, and
# the links Tryton sets after a move is done (a picked move gets its
# outgoing move as origin)
SERVER_WRITABLE_DONE = {
    'fifo_quantity', 'unit_price_updated', 'origin', 'shipment'}
LEDGER_CHAIN_FIELDS = {'ledger_sequence', 'ledger_hash', 'ledger_version'}
# Values that the ORM drops from any write
ORM_IGNORED = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}
# The invoice lines that bill a move: links kept in their own table
LINKS_WRITABLE_DONE = {'invoice_lines'}


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    compensated_move = fields.Many2One(
        'stock.move', "Compensates", readonly=True, ondelete='RESTRICT',
        help="The done move that this move reverses.")
    compensations = fields.One2Many(
        'stock.move', 'compensated_move', "Compensated By", readonly=True)
    ledger_sequence = fields.Integer(
        "Ledger Sequence", readonly=True,
        help="The position of the move in its company's stock ledger chain.")
    ledger_hash = fields.Char(
        "Ledger Hash", readonly=True,
        help="The hash of the move chained to the previous one.")
    ledger_version = fields.Integer(
        "Ledger Version", readonly=True,
        help="The version of the hash: which fields of the move it covers.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._transitions.discard(('done', 'cancelled'))
        cls._buttons['cancel']['invisible'] = Eval('state').in_(
            ['cancelled', 'done'])
        cls._buttons.update({
                'compensate': {
                    'invisible': (
                        (Eval('state') != 'done')
                        | Eval('compensations', [])),
                    'depends': ['state', 'compensations'],
                    },
                })
        cls._sql_indexes.update({
                Index(t,
                    (t.company, Index.Range()),
                    (t.ledger_sequence, Index.Range()),
                    where=t.ledger_sequence != Null),
                Index(t, (t.compensated_move, Index.Range())),
                })
        # Extended by modules that add a stored field that must stay
        # writable on a done move: {name: why}
        cls._ledger_unhashed = dict(LEDGER_UNHASHED)

    @classmethod
    def check_modification(cls, mode, moves, values=None, external=False):
        super().check_modification(
            mode, moves, values=values, external=external)
        if mode == 'write' and 'state' in values:
            for move in moves:
                if move.state == 'done' and values['state'] != 'done':
                    raise LedgerError(gettext(
                            'stock_ledger.msg_move_done_state',
                            **move._ledger_names()))
        if mode == 'write':
            cls._check_done_frozen(moves, values, external)
        elif mode == 'delete':
            for move in moves:
                if move.state == 'done':
                    raise LedgerError(gettext(
                            'stock_ledger.msg_move_done_delete',
                            **move._ledger_names()))

    @classmethod
    def _check_done_frozen(cls, moves, values, external):
        "Refuse any change to a done move but the listed exceptions"
        done = [m for m in moves if m.state == 'done']
        if not done:
            return
        names = set(values) - {'state'} - ORM_IGNORED - LINKS_WRITABLE_DONE
        if not external:
            names -= SERVER_WRITABLE_DONE
            names -= LEDGER_CHAIN_FIELDS
        for move in done:
            frozen = set(names)
            if not external and move.ledger_sequence is None:
                frozen -= LEDGER_CHAIN_FIELDS
            else:
                frozen |= LEDGER_CHAIN_FIELDS & set(values)
            if values.get('state', 'done') == 'done' and frozen:
                raise LedgerError(gettext(
                        'stock_ledger.msg_move_done_frozen',
                        fields=', '.join(sorted(
                                cls.__names__(f)['field']
                                for f in frozen if f in cls._fields)),
                        **move._ledger_names()))

    @classmethod
    def write(cls, *args):
        if Transaction().context.get(KEEP_DONE_COST_CONTEXT):
            args = cls._keep_done_cost(args)
            if not args:
                return
        super().write(*args)

    @classmethod
    def _keep_done_cost(cls, args):
        "Drop the cost that a recomputation writes on done moves"
        cost_fields = {'cost_price', 'product_cost_price'}
        kept = []
        actions = iter(args)
        for moves, values in zip(actions, actions):
            if values.keys() <= cost_fields:
                moves = [m for m in moves if m.state != 'done']
            if moves:
                kept.extend((moves, values))
        return kept

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Product = pool.get('product.product')
        # Before anything is written: a client's values
        product = values.get('product')
        if isinstance(product, int) and product >= 0:
            name = Product(product).rec_name
        else:
            name = cls.__names__()['model']
        cls._check_amounts(values, name)
        return super().preprocess_values(mode, values)

    @classmethod
    def validate_fields(cls, moves, field_names):
        super().validate_fields(moves, field_names)
        # The values computed on the server too
        for move in moves:
            cls._check_amounts({
                    f: getattr(move, f, None) for f in AMOUNT_FIELDS
                    if field_names is None or f in field_names},
                move.product.rec_name)

    @classmethod
    def _check_amounts(cls, values, name):
        "Refuse quantities and prices that are not finite or out of range"
        for field in AMOUNT_FIELDS:
            value = values.get(field)
            if value is None or isinstance(value, bool):
                continue
            try:
                valid = (math.isfinite(value) and abs(value) < MAX_AMOUNT)
            except (TypeError, ValueError):
                valid = False
            if not valid:
                raise MoveAmountError(gettext(
                        'stock_ledger.msg_move_amount_range',
                        field=cls.__names__(field)['field'],
                        value=value, maximum=MAX_AMOUNT, product=name))

    def _ledger_names(self):
        "The names a ledger message gives; rec_name has quantity and lot"
        return {
            'move': self.rec_name,
            'from_location': self.from_location.rec_name,
            'to_location': self.to_location.rec_name,
            }

    @classmethod
    def cancel(cls, moves):
        returned = set(Transaction().context.get(RETURNED_CONTEXT, []))
        for move in moves:
            if move.state == 'done' and move.id not in returned:
                raise LedgerError(gettext(
                        'stock_ledger.msg_move_done_cancel',
                        **move._ledger_names()))
        super().cancel(moves)

    @classmethod
    def copy(cls, moves, default=None):
        default = default.copy() if default is not None else {}
        for field in ['compensated_move', 'compensations',
                'ledger_sequence', 'ledger_hash', 'ledger_version']:
            default.setdefault(field, None)
        return super().copy(moves, default=default)

    @classmethod
    @ModelView.button
    def compensate(cls, moves):
        "Reverse done moves with new done moves that point to them"
        cls.compensating_moves(moves, do=True)

    @classmethod
    def compensating_moves(cls, moves, do=True):
        """Create for each done move the move back from its destination to
        its source, dated today, and do them when do.  Return them."""
        pool = Pool()
        Date = pool.get('ir.date')
        cls.lock(moves)
        for move in moves:
            if move.state != 'done':
                raise CompensationError(gettext(
                        'stock_ledger.msg_compensate_not_done',
                        **move._ledger_names()))
            if cls.search([
                        ('compensated_move', '=', move.id),
                        ('state', '!=', 'cancelled'),
                        ], limit=1):
                raise CompensationError(gettext(
                        'stock_ledger.msg_compensate_twice',
                        **move._ledger_names()))
        to_create = []
        for move in moves:
            with Transaction().set_context(company=move.company.id):
                today = Date.today()
            to_create.append(move._compensating_values(today))
        compensations = cls.create(to_create)
        if do:
            cls.do(compensations)
        return compensations

    def _compensating_values(self, date):
        values = {
            'product': self.product.id,
            'unit': self.unit.id,
            'quantity': self.quantity,
            'from_location': self.to_location.id,
            'to_location': self.from_location.id,
            'company': self.company.id,
            'planned_date': date,
            'effective_date': date,
            'unit_price': self.unit_price,
            'currency': self.currency.id if self.currency else None,
            'origin': str(self),
            'compensated_move': self.id,
            }
        if getattr(self, 'lot', None):
            values['lot'] = self.lot.id
        return values

    @classmethod
    def seal_ledger(cls, companies=None):
        """Append the unsealed done moves to their company's chain, oldest
        id first.  A cron job calls it; the chain head row is locked, so
        two sealers never interleave, and sales never wait for it."""
        pool = Pool()
        Company = pool.get('company.company')
        Chain = pool.get('stock.ledger.chain')
        if companies is None:
            companies = Company.search([])
        sealed = 0
        for company in companies:
            chain = Chain.get(company)
            Chain.lock([chain])
            chain = Chain(chain.id)
            moves = cls.search([
                    ('company', '=', company.id),
                    ('state', '=', 'done'),
                    ('ledger_sequence', '=', None),
                    ], order=[('id', 'ASC')])
            sequence, previous = chain.sequence or 0, chain.hash or GENESIS
            to_write = []
            for move in moves:
                sequence += 1
                previous = move_digest(previous, move, LEDGER_VERSION)
                to_write.extend(([move], {
                            'ledger_sequence': sequence,
                            'ledger_hash': previous,
                            'ledger_version': LEDGER_VERSION,
                            }))
            if to_write:
                cls.write(*to_write)
                Chain.write([chain], {'sequence': sequence, 'hash': previous})
            sealed += len(moves)
        return sealed

    @classmethod
    def verify_ledger(cls, companies=None):
        """Recompute every company's chain from its sealed moves.

        Return a list of (company, sequence, move id or None, reason) for
        the first broken link of each company; empty when intact."""
        pool = Pool()
        Company = pool.get('company.company')
        Chain = pool.get('stock.ledger.chain')
        if companies is None:
            companies = Company.search([])
        broken = []
        for company in companies:
            chains = Chain.search([('company', '=', company.id)], limit=1)
            moves = cls.search([
                    ('company', '=', company.id),
                    ('ledger_sequence', '!=', None),
                    ], order=[('ledger_sequence', 'ASC')])
            previous, expected = GENESIS, 1
            for move in moves:
                if move.ledger_sequence != expected:
                    broken.append((company, expected, None, 'missing'))
                    break
                if move.state != 'done':
                    broken.append(
                        (company, expected, move.id, 'state'))
                    break
                previous = move_digest(
                    previous, move, move.ledger_version or 1)
                if previous != move.ledger_hash:
                    broken.append((company, expected, move.id, 'hash'))
                    break
                expected += 1
            else:
                head = chains[0] if chains else None
                head_sequence = head.sequence if head else 0
                if head and (head_sequence != expected - 1
                        or (head.hash or GENESIS) != previous):
                    broken.append((company, expected, None, 'head'))
        return broken

    @classmethod
    def check_ledger(cls):
        "Cron: seal, then verify; a broken chain fails the job"
        cls.seal_ledger()
        broken = cls.verify_ledger()
        if broken:
            company, sequence, move, reason = broken[0]
            raise LedgerError(gettext(
                    'stock_ledger.msg_ledger_broken',
                    company=company.rec_name, sequence=sequence,
                    move=move or '-', reason=reason))


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @classmethod
    def recompute_cost_price(cls, products, start=None):
        # The product's cost follows the recomputation; done moves are
        # the ledger and keep the cost they were done at
        with Transaction().set_context(**{KEEP_DONE_COST_CONTEXT: True}):
            super().recompute_cost_price(products, start=start)


class MoveInvoice(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    @ModelView.button
    def do(cls, moves):
        # The invoiced price is taken while the moves can still change
        cls.update_unit_price([m for m in moves if m.state != 'done'])
        super().do(moves)

    @classmethod
    def update_unit_price(cls, moves):
        # A done move keeps its price: the difference with its invoice is
        # the accountant's, never a rewrite of the ledger
        super().update_unit_price([m for m in moves if m.state != 'done'])


class ShipmentInternal(metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions.discard(('done', 'cancelled'))
        cls._transitions.add(('shipped', 'cancelled'))
        cls._buttons['cancel']['invisible'] = (
            Eval('state').in_(['cancelled', 'done'])
            | ((Eval('state') == 'shipped')
                & ~Id('stock', 'group_stock_cancellation').in_(
                    Eval('context', {}).get('groups', []))))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, shipments):
        "A shipped transfer is cancelled by bringing its goods back"
        pool = Pool()
        Move = pool.get('stock.move')
        shipped = [m for s in shipments if s.state == 'shipped'
            for m in s.outgoing_moves if m.state == 'done']
        if shipped:
            Move.compensating_moves(shipped, do=True)
        with Transaction().set_context(
                **{RETURNED_CONTEXT: [m.id for m in shipped]}):
            super().cancel(shipments)
