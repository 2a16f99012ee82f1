# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from collections import defaultdict

from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from trytond.modules.stock_lot_serial.bulk import invalidate

from .availability import EPSILON, location_keys
from .exceptions import AtpError, IllegalTransitionError, ReserveError
from .location import OWNERSHIPS, SELLABLE_OWNERSHIPS, STATES

# The legal changes of a unit's state; None is a unit not received yet.
TRANSITIONS = {
    None: {'available', 'returned', 'defective', 'under_repair'},
    'available': {
        'available', 'reserved', 'picked', 'in_transit', 'sold',
        'returned', 'defective', 'under_repair', 'scrapped'},
    'reserved': {'available', 'reserved', 'picked', 'in_transit', 'sold'},
    'picked': {'available', 'picked', 'in_transit', 'sold'},
    'in_transit': {
        'available', 'in_transit', 'returned', 'defective', 'scrapped'},
    # A unit sold may come back, or be brought in for repair
    'sold': {'returned', 'under_repair'},
    'returned': {
        'available', 'returned', 'defective', 'under_repair', 'scrapped',
        'sold'},
    'defective': {'defective', 'under_repair', 'returned', 'scrapped'},
    'under_repair': {
        'available', 'under_repair', 'returned', 'defective', 'scrapped',
        'sold'},
    'scrapped': {'returned'},
    }
# Internal context key (RPC strips keys starting with "_")
STATE_CONTEXT = '_stock_availability_state'


def state_string(state):
    return dict(STATES).get(state, '-')


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    state = fields.Selection(
        [(None, "")] + STATES, "State", readonly=True,
        states={
            'invisible': ~Eval('tracking').in_(['imei', 'serial']),
            },
        help="Where the serialized unit stands, set by its moves.")
    ownership = fields.Selection(
        [(None, "")] + OWNERSHIPS, "Ownership", readonly=True,
        states={
            'invisible': ~Eval('tracking').in_(['imei', 'serial']),
            },
        help="Who owns the unit where it is now.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                (t.current_location, Index.Range())))

    @classmethod
    def check_modification(cls, mode, lots, values=None, external=False):
        super().check_modification(
            mode, lots, values=values, external=external)
        if (mode == 'write' and lots
                and values.keys() & {'state', 'ownership'}
                and not Transaction().context.get(STATE_CONTEXT)):
            lot = lots[0]
            raise IllegalTransitionError(gettext(
                    'stock_availability.msg_unit_state_by_moves',
                    unit=lot.rec_name))

    @classmethod
    def copy(cls, lots, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', None)
        default.setdefault('ownership', None)
        return super().copy(lots, default=default)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'reserve': RPC(readonly=False, instantiate=0),
                })

    @classmethod
    def create(cls, vlist):
        cls._lock_heads_of_values(vlist)
        return super().create(vlist)

    @classmethod
    def _lock_heads_of_values(cls, vlist):
        """Lock the heads of the moves to create out of available stock

        Such a move is reserved or done in the transaction that creates it
        more often than not: waiting in line before the work of creating
        it is cheaper than restarting after it."""
        pool = Pool()
        Availability = pool.get('stock.availability')
        if backend.name != 'postgresql':
            return
        keys = location_keys()
        pairs = set()
        for values in vlist:
            source = keys.get(values.get('from_location'))
            if (source and source[2] == 'available'
                    and values.get('product') is not None):
                pairs.add((values['product'], source[0]))
        if pairs:
            Availability.lock_heads(Availability.get_heads(pairs).values())

    # -- Keys --------------------------------------------------------------

    def availability_deltas(self, transition):
        """The cache changes of the move for transition

        transition is 'done', 'assign' or 'unassign'.
        """
        keys = location_keys()
        product = self.product.id
        quantity = self.internal_quantity
        source = keys.get(self.from_location.id)
        deltas = defaultdict(float)
        reserved = (self.state == 'assigned' and source
            and source[2] == 'available')
        if transition == 'assign':
            if source and source[2] == 'available':
                deltas[(product, source[0], source[1], 'reserved')] += (
                    quantity)
            return deltas
        if reserved:
            deltas[(product, source[0], source[1], 'reserved')] -= quantity
        if transition == 'done':
            if source:
                deltas[(product,) + source] -= quantity
            target = keys.get(self.to_location.id)
            if target:
                deltas[(product,) + target] += quantity
        return deltas

    @classmethod
    def _availability_heads(cls, moves):
        pool = Pool()
        Availability = pool.get('stock.availability')
        keys = location_keys()
        pairs = set()
        for move in moves:
            for location in [move.from_location, move.to_location]:
                if location.id in keys:
                    pairs.add((move.product.id, keys[location.id][0]))
        heads = Availability.get_heads(pairs)
        Availability.lock_heads(heads.values())
        return heads

    # -- Unit states -------------------------------------------------------

    @classmethod
    def _unit_moves(cls, moves):
        return [m for m in moves if m.lot and m.product.serialized]

    @classmethod
    def _unit_state_changes(cls, moves, transition):
        "Return {lot: new state} checked against TRANSITIONS"
        Lang = Pool().get('ir.lang')
        changes = {}
        for move in sorted(
                cls._unit_moves(moves), key=cls._serial_sort_key):
            lot = move.lot
            current = changes.get(lot, (lot.state,))[0]
            if (transition == 'done' and current == 'reserved'
                    and move.state == 'assigned'):
                # The reservation is this move's own.
                current = move.from_location.unit_state
            if transition == 'done':
                new = move.to_location.unit_state
            elif transition == 'assign':
                new = ('reserved' if current == 'available'
                    and move.from_location.unit_state == 'available'
                    else current)
            else:
                new = (move.from_location.unit_state
                    if current == 'reserved' else current)
            if new not in TRANSITIONS.get(current, set()):
                raise IllegalTransitionError(gettext(
                        'stock_availability.msg_illegal_transition',
                        unit=lot.rec_name,
                        product=move.product.rec_name,
                        branch=getattr(
                            move.from_location.warehouse, 'rec_name', '-'),
                        quantity=Lang.get().format_number_symbol(
                            move.quantity, move.unit,
                            digits=move.unit.digits),
                        from_state=state_string(current),
                        to_state=state_string(new)))
            ownership = (move.to_location.ownership
                if transition == 'done' else lot.ownership)
            changes[lot] = (new, ownership)
        return changes

    @classmethod
    def _write_unit_states(cls, changes, set_based=False):
        pool = Pool()
        Lot = pool.get('stock.lot')
        groups = defaultdict(list)
        for lot, (state, ownership) in changes.items():
            if (lot.state, lot.ownership) != (state, ownership):
                groups[(state, ownership)].append(lot)
        if set_based:
            lot = Lot.__table__()
            cursor = Transaction().connection.cursor()
            for (state, ownership), lots in groups.items():
                for sub_lots in grouped_slice(
                        lots, backend.MAX_QUERY_PARAMS):
                    cursor.execute(*lot.update(
                            [lot.state, lot.ownership, lot.write_uid,
                                lot.write_date],
                            [state, ownership, Transaction().user,
                                CurrentTimestamp()],
                            where=lot.id.in_([l.id for l in sub_lots])))
                invalidate(Lot, [l.id for l in lots])
            return
        to_write = []
        for (state, ownership), lots in groups.items():
            to_write.extend((lots, {
                        'state': state,
                        'ownership': ownership,
                        }))
        if to_write:
            with Transaction().set_context(**{STATE_CONTEXT: True}), \
                    without_check_access():
                Lot.write(*to_write)

    # -- ATP ---------------------------------------------------------------

    @classmethod
    def check_atp(cls, deltas, heads):
        "Refuse deltas that take sellable stock beyond what is promised"
        pool = Pool()
        Availability = pool.get('stock.availability')
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        Lang = pool.get('ir.lang')
        change = defaultdict(float)
        for (product, branch, ownership, state), quantity in deltas.items():
            if ownership not in SELLABLE_OWNERSHIPS:
                continue
            if state == 'available':
                change[(product, branch)] += quantity
            elif state == 'reserved':
                change[(product, branch)] -= quantity
        short = {k: q for k, q in change.items() if q < -EPSILON}
        if not short:
            return
        records = Availability.browse([heads[k] for k in short])
        atps = Availability.get_quantities(records, ['atp'])['atp']
        for (product, branch), quantity in sorted(
                short.items(), key=lambda i: (i[0][0], i[0][1] or 0)):
            atp = atps[heads[(product, branch)]]
            if atp + quantity < -EPSILON:
                product = Product(product)
                lang = Lang.get()
                uom = product.default_uom

                def format_(value):
                    return lang.format_number_symbol(
                        value, uom, digits=uom.digits)
                raise AtpError(gettext(
                        'stock_availability.msg_beyond_atp',
                        product=product.rec_name,
                        branch=Location(branch).rec_name if branch else '-',
                        quantity=format_(-quantity),
                        atp=format_(max(atp, 0))))

    @classmethod
    def _atp_checked(cls, move):
        "Whether doing the move must stay within ATP"
        # A count or a write-off records what is already true.
        return move.to_location.type != 'lost_found'

    # -- Workflow ----------------------------------------------------------

    @classmethod
    def assign_try(cls, moves, with_childs=True, grouping=('product',),
            pblc=None):
        todo = [m for m in moves if m.state in {'draft', 'staging'}]
        if todo:
            # Serialise with every other change of these products at
            # these branches before core reads the quantities.
            cls._availability_heads(todo)
        return super().assign_try(moves, with_childs=with_childs,
            grouping=grouping, pblc=pblc)

    @classmethod
    def assign(cls, moves):
        pool = Pool()
        Availability = pool.get('stock.availability')
        todo = [m for m in moves if m.state != 'assigned']
        heads = cls._availability_heads(todo) if todo else {}
        changes = cls._unit_state_changes(todo, 'assign')
        deltas = defaultdict(float)
        for move in todo:
            for key, quantity in move.availability_deltas('assign').items():
                deltas[key] += quantity
        super().assign(moves)
        Availability.apply(deltas, heads)
        cls._write_unit_states(changes)

    @classmethod
    def _unassign(cls, moves, super_method):
        pool = Pool()
        Availability = pool.get('stock.availability')
        assigned = [m for m in moves if m.state == 'assigned']
        heads = cls._availability_heads(assigned) if assigned else {}
        changes = cls._unit_state_changes(assigned, 'unassign')
        deltas = defaultdict(float)
        for move in assigned:
            for key, quantity in move.availability_deltas(
                    'unassign').items():
                deltas[key] += quantity
        super_method(moves)
        Availability.apply(deltas, heads)
        cls._write_unit_states(changes)

    @classmethod
    @ModelView.button
    def draft(cls, moves):
        cls._unassign(moves, super().draft)

    @classmethod
    @ModelView.button
    def cancel(cls, moves):
        cls._unassign(moves, super().cancel)

    @classmethod
    @ModelView.button
    def do(cls, moves):
        cls._done(moves, super().do)

    @classmethod
    def do_set_based(cls, moves):
        cls._done(moves, super().do_set_based, set_based=True)

    @classmethod
    def _done(cls, moves, super_method, set_based=False):
        "Lock, check and do moves by super_method, then update the cache"
        pool = Pool()
        Availability = pool.get('stock.availability')
        todo = [m for m in moves if m.state != 'done']
        heads = cls._availability_heads(todo) if todo else {}
        changes = cls._unit_state_changes(todo, 'done')
        deltas = cls._done_deltas(todo, heads)
        super_method(moves)
        Availability.apply(deltas, heads)
        cls._write_unit_states(changes, set_based=set_based)

    @classmethod
    def _done_deltas(cls, moves, heads):
        "Return the cache deltas of doing moves, refused beyond ATP"
        deltas = defaultdict(float)
        checked = defaultdict(float)
        for move in moves:
            for key, quantity in move.availability_deltas('done').items():
                deltas[key] += quantity
                if cls._atp_checked(move):
                    checked[key] += quantity
        cls.check_atp(checked, heads)
        return deltas

    # -- Reservation -------------------------------------------------------

    @classmethod
    def _client_records(cls, records):
        """The records a client names, read again from the database: RPC
        builds them from what the client sends, ids or dictionaries"""
        ids = [getattr(r, 'id', None) for r in records] if isinstance(
            records, (list, tuple)) else None
        if ids is None or not all(
                isinstance(i, int) and not isinstance(i, bool) and i >= 0
                for i in ids):
            raise ReserveError(gettext(
                    'stock_availability.msg_rpc_records',
                    model=cls.__names__()['model'],
                    value=repr(records)[:40]))
        with without_check_access():
            found = {r.id for r in cls.search([('id', 'in', ids)])}
        missing = sorted(set(ids) - found)
        if missing:
            raise ReserveError(gettext(
                    'stock_availability.msg_rpc_records',
                    model=cls.__names__()['model'], value=missing[0]))
        return cls.browse(ids)

    @classmethod
    def reserve(cls, moves):
        """Reserve the draft moves from stock, or refuse

        The heads of the products at their branches are locked first and
        the quantities re-read under the lock, so concurrent reservations
        never promise the same stock twice; available stock is promised
        within ATP only.  Serialized moves without a
        unit get the oldest available units; batches are picked by
        first expiry.
        """
        if Transaction().check_access:
            moves = cls._client_records(moves)
        moves = [m for m in moves if m.state in {'draft', 'staging'}]
        if not moves:
            return
        heads = cls._availability_heads(moves)
        deltas = defaultdict(float)
        for move in moves:
            source = location_keys().get(move.from_location.id)
            if not source:
                raise ReserveError(gettext(
                        'stock_availability.msg_reserve_not_stock',
                        product=move.product.rec_name,
                        location=move.from_location.rec_name))
            if source[2] == 'available':
                deltas[(move.product.id, source[0], source[1],
                        'reserved')] += move.internal_quantity
        cls.check_atp(deltas, heads)
        serial = [m for m in moves if m.product.serialized]
        batch = [m for m in moves if not m.lot
            and m.product.template.tracking == 'batch']
        plain = [m for m in moves if m not in serial and m not in batch]
        if serial:
            serial = cls._pick_units(serial)
        if batch:
            if not super().assign_try(batch):
                move = next(m for m in batch if m.state != 'assigned')
                raise ReserveError(gettext(
                        'stock_availability.msg_reserve_batch_short',
                        product=move.product.rec_name,
                        location=move.from_location.rec_name,
                        quantity=move.quantity))
        if serial or plain:
            cls.assign(serial + plain)

    @classmethod
    def _pick_units(cls, moves):
        "Give each serialized move without unit its oldest available units"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Location = pool.get('stock.location')
        result = []
        taken = {m.lot.id for m in moves if m.lot}
        for move in moves:
            if move.lot:
                result.append(move)
                continue
            quantity = int(round(move.internal_quantity))
            locations = Location.search([
                    ('parent', 'child_of', [move.from_location.id]),
                    ])
            lots = Lot.search([
                    ('product', '=', move.product.id),
                    ('state', '=', 'available'),
                    ('current_location', 'in', [l.id for l in locations]),
                    ('id', 'not in', list(taken)),
                    ], order=[('id', 'ASC')], limit=quantity)
            if len(lots) < quantity:
                raise ReserveError(gettext(
                        'stock_availability.msg_reserve_units_short',
                        product=move.product.rec_name,
                        location=move.from_location.rec_name,
                        quantity=quantity, found=len(lots)))
            taken.update(l.id for l in lots)
            move.lot = lots[0]
            move.quantity = move.unit.round(move.quantity / quantity)
            move.save()
            result.append(move)
            for lot in lots[1:]:
                result.extend(cls.copy([move], default={'lot': lot.id}))
        return result
