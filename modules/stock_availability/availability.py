# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""The availability cache: product × branch × ownership × state."""
import datetime as dt
from collections import defaultdict

from sql import Cast, Literal, Null
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp
from sql.operators import Equal, Exists

from trytond import backend
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Exclude, Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from . import locking
from .exceptions import AvailabilityError
from trytond.model.exceptions import AccessError
from .location import OWNERSHIPS, SELLABLE_OWNERSHIPS, STATES

# Quantities are floats in the product's default unit.
EPSILON = 1e-9


def location_keys():
    "A map of location id to (branch id, ownership, state) of stock places"
    return Pool().get('stock.availability').location_keys()


class Availability(ModelSQL, ModelView):
    "Availability of a Product at a Branch"
    __name__ = 'stock.availability'
    _location_keys_cache = Cache(
        'stock.availability.location_keys', context=False)

    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        ondelete='CASCADE')
    branch = fields.Many2One(
        'stock.location', "Branch", readonly=True, ondelete='CASCADE',
        domain=[('type', '=', 'warehouse')],
        help="Empty for stock outside any branch: in transit or at a "
        "customer on consignment.")
    low_stock_threshold = fields.Float(
        "Low Stock Threshold",
        help="Below this available-to-promise quantity the product is "
        "short at the branch.")
    lines = fields.One2Many(
        'stock.availability.line', 'availability', "Lines", readonly=True)
    on_hand = fields.Function(fields.Float(
            "On Hand", help="Sellable stock on the shelves, reserved "
            "included."), 'get_quantities')
    reserved = fields.Function(fields.Float(
            "Reserved", help="Sellable stock assigned to moves not done "
            "yet."), 'get_quantities')
    expired = fields.Function(fields.Float(
            "Expired", help="Sellable stock of expired batches."),
        'get_quantities')
    atp = fields.Function(fields.Float(
            "Available to Promise",
            help="On hand less reserved and expired."),
        'get_quantities', searcher='search_atp')
    in_stock = fields.Function(fields.Boolean("In Stock"),
        'get_quantities')
    low_stock = fields.Function(fields.Boolean("Low Stock"),
        'get_quantities', searcher='search_low_stock')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_branch_exclude',
                Exclude(t, (t.product, Equal),
                    (Coalesce(t.branch, -1), Equal)),
                'stock_availability.msg_availability_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.branch, Index.Range()), (t.product, Index.Range())))
        cls._order = [('product', 'ASC'), ('branch', 'ASC NULLS LAST'),
            ('id', 'ASC')]
        cls.__rpc__.update({
                'check_cache': RPC(),
                })

    @classmethod
    def __register__(cls, module):
        created = not backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if created:
            cls.create_heads()

    @classmethod
    def default_low_stock_threshold(cls):
        return 10

    @classmethod
    def check_modification(cls, mode, heads, values=None, external=False):
        super().check_modification(
            mode, heads, values=values, external=external)
        if (mode == 'write' and external and heads
                and values.keys() - {'low_stock_threshold'}):
            raise AccessError(gettext(
                    'stock_availability.msg_availability_readonly',
                    availability=heads[0].rec_name))

    def get_rec_name(self, name):
        if self.branch:
            return '%s @ %s' % (self.product.rec_name, self.branch.rec_name)
        return self.product.rec_name

    # -- Heads -------------------------------------------------------------

    @classmethod
    def create_heads(cls, products=None, warehouses=None):
        """Create the missing heads of products × warehouses

        Without warehouses, also the heads outside any branch.
        """
        pool = Pool()
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        existing = cls.__table__()
        product = Product.__table__()
        location = Location.__table__()

        product_where = Literal(True)
        if products is not None:
            product_where = product.id.in_([p.id for p in products])
        branch_where = location.type == 'warehouse'
        if warehouses is not None:
            branch_where &= location.id.in_([w.id for w in warehouses])
        pairs = [product.join(location, condition=branch_where).select(
                product.id.as_('product'), location.id.as_('branch'),
                where=product_where)]
        if warehouses is None:
            pairs.append(product.select(
                    product.id.as_('product'),
                    Cast(Literal(None), 'INTEGER').as_('branch'),
                    where=product_where))
        columns = [table.product, table.branch, table.low_stock_threshold,
            table.create_uid, table.create_date]
        for query in pairs:
            missing = query.select(
                query.product, query.branch,
                Literal(cls.default_low_stock_threshold()),
                Literal(transaction.user), CurrentTimestamp(),
                where=~Exists(existing.select(Literal(1),
                        where=(existing.product == query.product)
                        & (Coalesce(existing.branch, -1)
                            == Coalesce(query.branch, -1)))))
            if backend.name == 'postgresql':
                # Heads of this transaction are invisible to others: they
                # need no lock, and locking them would restart for ever.
                cursor.execute(*table.insert(columns, missing,
                        returning=[table.id]))
                transaction.create_records[cls.__name__].extend(
                    id_ for id_, in cursor)
            else:
                cursor.execute(*table.insert(columns, missing))

    @classmethod
    def get_heads(cls, keys):
        "Return a map (product id, branch id) to head id, creating missing"
        heads = {}
        keys = set(keys)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for sub_keys in grouped_slice(list(keys), 500):
            sub_keys = list(sub_keys)
            products = {p for p, _ in sub_keys}
            cursor.execute(*table.select(
                    table.id, table.product, table.branch,
                    where=table.product.in_(list(products))))
            for id_, product, branch in cursor:
                if (product, branch) in keys:
                    heads[(product, branch)] = id_
        missing = keys - heads.keys()
        if missing:
            # Products made before the module or an odd warehouse; the
            # exclusion constraint settles a race between two creators.
            with without_check_access():
                created = cls.create([{
                                'product': p,
                                'branch': b,
                                } for p, b in sorted(
                                missing, key=lambda k: (k[0], k[1] or 0))])
            for head in created:
                heads[(head.product.id, getattr(head.branch, 'id', None))] = (
                    head.id)
        return heads

    @classmethod
    def lock_heads(cls, head_ids):
        """Lock the heads, waiting in line; restart the transaction first

        Heads created by this transaction are invisible to others and
        need no lock.
        """
        new_ids = set(Transaction().create_records[cls.__name__])
        locking.lock(cls.__table__(), set(head_ids) - new_ids)

    # -- Locations ---------------------------------------------------------

    @classmethod
    def location_keys(cls):
        keys = cls._location_keys_cache.get(None)
        if keys is None:
            keys = cls._compute_location_keys()
            cls._location_keys_cache.set(None, keys)
        return {int(k): tuple(v) for k, v in keys.items()}

    @classmethod
    def _compute_location_keys(cls):
        pool = Pool()
        Location = pool.get('stock.location')
        locations = Location.search([
                ('type', 'in', ['storage', 'supplier']),
                ], order=[])
        keys = {}
        with Transaction().set_context(active_test=False):
            for location in locations:
                if location.holds_stock:
                    keys[str(location.id)] = [
                        getattr(location.warehouse, 'id', None),
                        location.ownership, location.stock_state]
        return keys

    @classmethod
    def clear_location_keys(cls):
        cls._location_keys_cache.clear()

    # -- Updates -----------------------------------------------------------

    @classmethod
    def apply(cls, deltas, head_ids=None):
        """Add deltas {(product, branch, ownership, state): quantity}

        The heads must be locked by the caller.
        """
        pool = Pool()
        Line = pool.get('stock.availability.line')
        deltas = {k: q for k, q in deltas.items() if abs(q) > EPSILON}
        if not deltas:
            return
        if head_ids is None:
            head_ids = cls.get_heads({(p, b) for p, b, _, _ in deltas})
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        existing = {}
        for sub_ids in grouped_slice(
                sorted(set(head_ids.values())), backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.select(
                    line.id, line.availability, line.ownership, line.state,
                    where=line.availability.in_(list(sub_ids))))
            for id_, head, ownership, state in cursor:
                existing[(head, ownership, state)] = id_
        to_create = []
        user = Transaction().user
        for (product, branch, ownership, state), quantity in sorted(
                deltas.items(), key=lambda i: (
                    i[0][0], i[0][1] or 0, i[0][2], i[0][3])):
            head = head_ids[(product, branch)]
            line_id = existing.get((head, ownership, state))
            if line_id is None:
                to_create.append({
                        'availability': head,
                        'product': product,
                        'branch': branch,
                        'ownership': ownership,
                        'state': state,
                        'quantity': quantity,
                        })
            else:
                cursor.execute(*line.update(
                        [line.quantity, line.write_uid, line.write_date],
                        [line.quantity + quantity, user, CurrentTimestamp()],
                        where=line.id == line_id))
        if to_create:
            with without_check_access():
                Line.create(to_create)

    # -- Quantities --------------------------------------------------------

    @classmethod
    def quantities(cls, head_ids):
        "Return {head id: {(ownership, state): quantity}}"
        pool = Pool()
        Line = pool.get('stock.availability.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        result = {i: defaultdict(float) for i in head_ids}
        for sub_ids in grouped_slice(
                list(head_ids), backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.select(
                    line.availability, line.ownership, line.state,
                    line.quantity,
                    where=line.availability.in_(list(sub_ids))))
            for head, ownership, state, quantity in cursor:
                result[head][(ownership, state)] += quantity
        return result

    @classmethod
    def expired_quantities(cls, heads):
        "Return {head id: sellable available quantity of expired batches}"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Product = pool.get('product.product')
        result = defaultdict(float)
        batch_heads = [h for h in heads
            if h.product.template.tracking == 'batch']
        if not batch_heads:
            return result
        keys = location_keys()
        sellable = [l for l, (_, ownership, state) in keys.items()
            if state == 'available' and ownership in SELLABLE_OWNERSHIPS]
        products = list({h.product.id for h in batch_heads})
        lots = Lot.search([
                ('product', 'in', products),
                ('expiry_state', '=', 'expired'),
                ], order=[])
        if not lots or not sellable:
            return result
        with Transaction().set_context(
                stock_date_end=dt.date.max, _check_access=False):
            pbl = Product.products_by_location(
                sellable, with_childs=False,
                grouping=('product', 'lot'),
                grouping_filter=(products, [l.id for l in lots]))
        by_key = {(h.product.id, getattr(h.branch, 'id', None)): h.id
            for h in batch_heads}
        for (location, product, _), quantity in pbl.items():
            head = by_key.get((product, keys[location][0]))
            if head and quantity > 0:
                result[head] += quantity
        return result

    @classmethod
    def get_quantities(cls, heads, names):
        quantities = cls.quantities([h.id for h in heads])
        expired = cls.expired_quantities(heads)
        result = {n: {} for n in names}
        for head in heads:
            lines = quantities[head.id]
            on_hand = sum(q for (o, s), q in lines.items()
                if s == 'available' and o in SELLABLE_OWNERSHIPS)
            reserved = sum(q for (o, s), q in lines.items()
                if s == 'reserved' and o in SELLABLE_OWNERSHIPS)
            atp = on_hand - reserved - expired[head.id]
            values = {
                'on_hand': on_hand,
                'reserved': reserved,
                'expired': expired[head.id],
                'atp': atp,
                'in_stock': atp > EPSILON,
                'low_stock': atp < (head.low_stock_threshold or 0),
                }
            for name in names:
                result[name][head.id] = values[name]
        return result

    @classmethod
    def _atp_query(cls):
        pool = Pool()
        Line = pool.get('stock.availability.line')
        line = Line.__table__()
        return line.select(line.availability,
            Sum(Case((line.state == 'available', line.quantity),
                    else_=-line.quantity)).as_('atp'),
            where=line.state.in_(['available', 'reserved'])
            & line.ownership.in_(list(SELLABLE_OWNERSHIPS)),
            group_by=[line.availability])

    @classmethod
    def search_atp(cls, name, clause):
        _, operator, value = clause
        table = cls.__table__()
        atp = cls._atp_query()
        Operator = fields.SQL_OPERATORS[operator]
        query = table.join(atp, 'LEFT',
            condition=atp.availability == table.id).select(
            table.id,
            where=Operator(Coalesce(atp.atp, 0), value))
        return [('id', 'in', query)]

    @classmethod
    def search_low_stock(cls, name, clause):
        _, operator, value = clause
        table = cls.__table__()
        atp = cls._atp_query()
        low = Coalesce(atp.atp, 0) < Coalesce(table.low_stock_threshold, 0)
        if (operator == '=') != bool(value):
            low = ~low
        query = table.join(atp, 'LEFT',
            condition=atp.availability == table.id).select(
            table.id, where=low)
        return [('id', 'in', query)]

    @classmethod
    def atp_of(cls, product, branch=None):
        """The available-to-promise quantity of product at branch

        Without branch, over all branches.  One indexed query: the hot
        path of a sale screen.
        """
        pool = Pool()
        Line = pool.get('stock.availability.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        where = ((line.product == product.id)
            & line.state.in_(['available', 'reserved'])
            & line.ownership.in_(sorted(SELLABLE_OWNERSHIPS)))
        if branch:
            where &= line.branch == branch.id
        else:
            where &= line.branch != Null
        cursor.execute(*line.select(
                Sum(Case((line.state == 'available', line.quantity),
                        else_=-line.quantity)),
                where=where))
        atp, = cursor.fetchone()
        atp = atp or 0
        if product.template.tracking == 'batch':
            domain = [('product', '=', product.id), ('branch', '!=', None)]
            if branch:
                domain.append(('branch', '=', branch.id))
            atp -= sum(cls.expired_quantities(cls.search(domain)).values())
        return atp

    # -- Checks ------------------------------------------------------------

    @classmethod
    def ledger_quantities(cls, date=None):
        """Recompute {(product, branch, ownership, state): quantity}

        From the done moves (up to date) and, without date, the assigned
        moves for the reserved quantities.
        """
        pool = Pool()
        Move = pool.get('stock.move')
        move = Move.__table__()
        cursor = Transaction().connection.cursor()
        keys = location_keys()
        result = defaultdict(float)
        if not keys:
            return result
        location_ids = list(keys)
        done = move.state == 'done'
        if date:
            done &= move.effective_date <= date
        for column, sign in [(move.to_location, 1), (move.from_location, -1)]:
            cursor.execute(*move.select(
                    move.product, column, Sum(move.internal_quantity),
                    where=done & column.in_(location_ids),
                    group_by=[move.product, column]))
            for product, location, quantity in cursor:
                branch, ownership, state = keys[location]
                result[(product, branch, ownership, state)] += (
                    sign * quantity)
        if not date:
            available = [l for l, k in keys.items() if k[2] == 'available']
            if available:
                cursor.execute(*move.select(
                        move.product, move.from_location,
                        Sum(move.internal_quantity),
                        where=(move.state == 'assigned')
                        & move.from_location.in_(available),
                        group_by=[move.product, move.from_location]))
                for product, location, quantity in cursor:
                    branch, ownership, _ = keys[location]
                    result[(product, branch, ownership, 'reserved')] += (
                        quantity)
        return result

    @classmethod
    def cache_quantities(cls):
        pool = Pool()
        Line = pool.get('stock.availability.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.select(
                line.product, line.branch, line.ownership, line.state,
                line.quantity))
        result = defaultdict(float)
        for product, branch, ownership, state, quantity in cursor:
            result[(product, branch, ownership, state)] += quantity
        return result

    @classmethod
    def check_cache(cls):
        """Compare the cache with the ledger

        Return the drifts as [((product, branch, ownership, state),
        cached, ledger)], empty when they agree.
        """
        ledger = cls.ledger_quantities()
        cache = cls.cache_quantities()
        drifts = []
        for key in sorted(set(ledger) | set(cache),
                key=lambda k: (k[0], k[1] or 0, k[2], k[3])):
            if abs(ledger.get(key, 0) - cache.get(key, 0)) > 1e-6:
                drifts.append((key, cache.get(key, 0), ledger.get(key, 0)))
        return drifts

    @classmethod
    def check_availability(cls):
        "Cron: raise when the cache drifted from the ledger"
        pool = Pool()
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        drifts = cls.check_cache()
        if drifts:
            (product, branch, ownership, state), cached, ledger = drifts[0]
            raise AvailabilityError(gettext(
                    'stock_availability.msg_cache_drift',
                    count=len(drifts),
                    product=Product(product).rec_name,
                    branch=Location(branch).rec_name if branch else '-',
                    ownership=ownership, state=state,
                    cached=cached, ledger=ledger))

    @classmethod
    def rebuild(cls):
        "Replace the cache by the ledger; return the number of drifts fixed"
        pool = Pool()
        Line = pool.get('stock.availability.line')
        drifts = cls.check_cache()
        if not drifts:
            return 0
        heads = cls.get_heads({(p, b) for (p, b, _, _), _, _ in drifts})
        cls.lock_heads(heads.values())
        # Re-read under the lock: the drifts may have moved since.
        drifts = cls.check_cache()
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.delete(where=line.availability.in_(
                    list(heads.values()))))
        ledger = cls.ledger_quantities()
        cls.apply({k: q for k, q in ledger.items()
                if (k[0], k[1]) in heads}, head_ids=heads)
        return len(drifts)


class AvailabilityLine(ModelSQL, ModelView):
    "Availability Quantity"
    __name__ = 'stock.availability.line'

    availability = fields.Many2One(
        'stock.availability', "Availability", required=True, readonly=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        ondelete='CASCADE')
    branch = fields.Many2One(
        'stock.location', "Branch", readonly=True, ondelete='CASCADE')
    ownership = fields.Selection(
        OWNERSHIPS, "Ownership", required=True, readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    quantity = fields.Float("Quantity", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.product, Index.Range()), (t.branch, Index.Range())))
        cls._sql_constraints += [
            ('availability_ownership_state_unique',
                Unique(t, t.availability, t.ownership, t.state),
                'stock_availability.msg_availability_line_unique'),
            ]
        cls._order = [('availability', 'ASC'), ('ownership', 'ASC'),
            ('state', 'ASC'), ('id', 'ASC')]
