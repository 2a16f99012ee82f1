# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""stock.move.create_reserved: a sale's create-and-reserve in one insert

The ORM path, reserve(create(vlist)), inserts a draft move, validates it,
then writes its state and validates it again.  For the commonest move, a
sale of plain company stock from a branch to a customer, the fast path
inserts the assigned move and runs once each check the ORM path runs:
access, field access, record rules, button access, preprocessing, field
validation (in the assigned state), check_modification and
on_modification of both modes, the origin check, ATP under the head's
lock, the cache and the logs.  Anything else takes the ORM path.

The overrides of stock.move that the fast path replaces or calls with an
assigned move are listed in AUDITED; a module that overrides one of them
without being listed turns the fast path off, until it is reviewed.
"""
from collections import defaultdict

from sql import Column
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from trytond.modules.stock_lot_serial.bulk import check_buttons_access
from trytond.modules.stock_lot_serial.product import SERIALIZED

from .availability import location_keys
from .exceptions import ReserveError

# What a sale move may be given for the fast path
FAST_FIELDS = frozenset({
        'product', 'unit', 'quantity', 'from_location', 'to_location',
        'company', 'unit_price', 'currency', 'planned_date', 'effective_date',
        'origin',
        # Derived from the quantity and unit: both paths compute it again
        'internal_quantity',
        })
# The modules whose overrides of these stock.move methods the fast path
# was checked against: it calls them, or does what they do for a sale.
AUDITED = {
    'create': {'stock_availability', 'stock_branch'},
    '_before_create': set(),
    '_after_create': set(),
    # stock_ledger's only drops the cost a recomputation writes on done
    # moves
    'write': {'account_invoice_stock', 'stock_ledger'},
    '_before_write': set(),
    '_after_write': set(),
    'on_write': set(),
    'preprocess_values': {'stock', 'stock_branch', 'stock_ledger'},
    'default_get': set(),
    '_validate': set(),
    'pre_validate': set(),
    'validate': set(),
    'validate_fields': {'stock_ledger'},
    # stock_branch's checks only the records a client's write or delete
    # names
    'check_modification': {
        'stock', 'stock_ledger', 'product_cost_fifo', 'stock_branch'},
    'on_modification': {'stock_branch'},
    'compute_fields': {'stock'},
    '_compute_fields': set(),
    'assign': {
        'stock', 'stock_availability', 'stock_consignment',
        'stock_lot_fefo'},
    'reserve': {'stock_availability'},
    'check_origin': {'stock'},
    'log': set(),
    '_insert_history': set(),
    }
# The model's own class in trytond, always part of the ORM path
FRAMEWORK = 'trytond.model.'


def _module(klass):
    "The Tryton module of a class of the pool, None for the framework"
    name = klass.__module__
    if name.startswith(FRAMEWORK) or name == 'trytond.model':
        return None
    parts = name.split('.')
    if parts[:2] == ['trytond', 'modules'] and len(parts) > 2:
        return parts[2]
    return name


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'create_reserved': RPC(
                    readonly=False, result=lambda r: list(map(int, r))),
                })

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        cls._create_reserved_unaudited = cls._unaudited_overrides()

    @classmethod
    def _unaudited_overrides(cls):
        "Return the (module, method) overrides the fast path was not checked"
        own = _module(Move)
        unaudited = set()
        for klass in cls.__mro__:
            module = _module(klass)
            if module in {None, own} or module == 'builtins':
                continue
            for name, allowed in AUDITED.items():
                if name in vars(klass) and module not in allowed:
                    unaudited.add((module, name))
        return unaudited

    @classmethod
    def create_reserved(cls, vlist):
        """Create moves out of a branch's available stock and reserve them

        The same as reserve(create(vlist)): the moves are assigned within
        ATP or nothing is written.  A sale of plain company stock to a
        customer is inserted assigned at once.
        """
        if (not isinstance(vlist, (list, tuple))
                or not all(isinstance(v, dict) for v in vlist)):
            raise ReserveError(gettext(
                    'stock_availability.msg_create_reserved_not_list',
                    value=repr(vlist)[:40]))
        if not vlist:
            return []
        plan = cls._create_reserved_plan(vlist)
        if plan is None:
            moves = cls.create(vlist)
            cls.reserve(moves)
            return moves
        return cls._create_reserved_fast(vlist, *plan)

    @classmethod
    def _create_reserved_plan(cls, vlist):
        """Return ({index: (product id, branch id)}, {product id: default
        unit id}) when every move of vlist can take the fast path, or None"""
        pool = Pool()
        Trigger = pool.get('ir.trigger')
        Button = pool.get('ir.model.button')
        transaction = Transaction()
        if (cls._create_reserved_unaudited
                or transaction.context.get('_log')
                or Trigger.get_triggers(cls.__name__, 'create')
                or Trigger.get_triggers(cls.__name__, 'write')
                or Button.get_rules(cls.__name__, 'assign')
                or Button.get_reset(cls.__name__, 'assign')
                or cls._buttons.get('assign', {}).keys() & {
                    'invisible', 'readonly'}):
            return None
        keys = location_keys()
        plan = {}
        for index, values in enumerate(vlist):
            if values.keys() - FAST_FIELDS:
                return None
            ids = [values.get(f) for f in [
                    'product', 'unit', 'from_location', 'to_location']]
            if not all(isinstance(i, int) and i >= 0 for i in ids):
                return None
            quantity = values.get('quantity')
            if not isinstance(quantity, (int, float)) or quantity < 0:
                return None
            product_id, _, from_id, to_id = ids
            source = keys.get(from_id)
            if (not source or source[0] is None
                    or source[1:] != ('company', 'available')):
                return None
            plan[index] = (product_id, source[0])
        facts = cls._create_reserved_facts(vlist)
        if facts is None:
            # Unknown ids are refused by the ORM path, as it refuses them
            return None
        products, units, locations = facts
        for values in vlist:
            tracking, replaced_by, category, _ = products[values['product']]
            if (tracking in SERIALIZED or tracking == 'batch'
                    # Replacing a product is the ORM path's concern
                    or replaced_by is not None
                    or units[values['unit']] != category):
                return None
            source_type, source_party = locations[values['from_location']]
            target_type, target_party = locations[values['to_location']]
            if (source_type != 'storage' or source_party is not None
                    or target_type != 'customer'
                    or target_party is not None):
                return None
        default_uoms = {p: f[3] for p, f in products.items()}
        return plan, default_uoms

    @classmethod
    def _create_reserved_facts(cls, vlist):
        """Read in three queries what the plan needs of the products, units
        and locations of vlist; None when an id is not a record"""
        pool = Pool()
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        cursor = Transaction().connection.cursor()
        product = Product.__table__()
        template = Template.__table__()
        uom = Uom.__table__()
        location = Location.__table__()

        product_ids = sorted({v['product'] for v in vlist})
        cursor.execute(*product
            .join(template, condition=product.template == template.id)
            .join(uom, condition=template.default_uom == uom.id)
            .select(product.id, template.tracking, product.replaced_by,
                uom.category, uom.id,
                where=product.id.in_(product_ids)))
        products = {r[0]: r[1:] for r in cursor}
        unit_ids = sorted({v['unit'] for v in vlist})
        cursor.execute(*uom.select(uom.id, uom.category,
                where=uom.id.in_(unit_ids)))
        units = dict(cursor)
        location_ids = sorted({v[f] for v in vlist
                for f in ['from_location', 'to_location']})
        cursor.execute(*location.select(
                location.id, location.type, location.consignment_party,
                where=location.id.in_(location_ids)))
        locations = {r[0]: r[1:] for r in cursor}
        if (len(products) != len(product_ids)
                or len(units) != len(unit_ids)
                or len(locations) != len(location_ids)):
            return None
        return products, units, locations

    @classmethod
    def _create_reserved_check(cls, vlist):
        """Check the values of moves the fast path inserts itself, before
        anything is written: what create overrides check"""
        pass

    @classmethod
    def _create_reserved_fast(cls, vlist, plan, default_uoms):
        "Insert the assigned moves, checked in the order of the ORM path"
        pool = Pool()
        Availability = pool.get('stock.availability')
        Uom = pool.get('product.uom')
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        check_access = transaction.check_access
        as_user = transaction.user != 0 and check_access

        # create
        heads = Availability.get_heads(set(plan.values()))
        Availability.lock_heads(heads.values())
        cls._create_reserved_check(vlist)
        vlist = cls._before_create(vlist)
        rows = cls._create_reserved_rows(vlist)
        deltas = defaultdict(float)
        for index, values in enumerate(rows):
            product_id, branch = plan[index]
            # What compute_fields writes after the ORM's insert
            values['internal_quantity'] = Uom.compute_qty(
                Uom(values['unit']), values['quantity'],
                Uom(default_uoms[product_id]), round=True)
            deltas[(product_id, branch, 'company', 'reserved')] += (
                values['internal_quantity'])
        ids = cls._insert_rows(rows)
        cls._insert_history(ids)
        cls._ModelSQL__check_domain_rule(ids, 'create')
        moves = cls.browse(ids)
        with without_check_access():
            # In the assigned state: what the state's write validates too
            cls._validate(moves)
            cls.check_modification('create', moves, external=check_access)
            cls._compute_fields(moves)
            cls.on_modification('create', moves)
        transaction.create_records[cls.__name__].extend(ids)

        # reserve, and the assign button
        cls.check_atp(deltas, heads)
        if as_user:
            # What ModelView.button checks before assign
            ModelAccess.check(cls.__name__, 'read')
            cls.read(ids, ['id'])
            check_buttons_access(cls, ['assign'])
        if check_access:
            cls.log(moves, 'button', 'assign')
        with without_check_access():
            cls.check_expired_lots(moves)
            # check_origin, naming the moves only for a warning it shows
            cls._check_origin_set_based(moves)
            cls.check_modification('write', moves, {'state': 'assigned'})
            cls.on_modification('write', moves, {'state'})
        cls.log(moves, 'transition', 'state:assigned')
        Availability.apply(deltas, heads)
        return moves

    @classmethod
    def _create_reserved_rows(cls, vlist):
        "Complete the preprocessed values with the defaults, assigned"
        defaults = {}
        rows = []
        for values in vlist:
            values = values.copy()
            missing = [n for n, f in cls._fields.items()
                if n not in values and n not in defaults
                and n not in {
                    'id', 'create_uid', 'create_date', 'write_uid',
                    'write_date'}
                and not (isinstance(f, fields.Function) and not f.setter)]
            if missing:
                defaults.update(cls._clean_defaults(
                        cls.default_get(missing, with_rec_name=False)))
            for name, value in defaults.items():
                values.setdefault(name, value)
            values['state'] = 'assigned'
            rows.append(values)
        return rows

    @classmethod
    def _insert_rows(cls, rows):
        "Insert the rows as ModelSQL.create does; return their ids"
        transaction = Transaction()
        database = transaction.database
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        ids = []
        for values in rows:
            names = sorted(values)
            for name in names:
                if hasattr(cls._fields[name], 'set'):
                    # A default of a relation field the ORM path writes
                    # through its setter: not for a sale
                    raise ValueError(name)
            columns = [table.create_uid, table.create_date,
                table.write_uid, table.write_date] + [
                Column(table, n) for n in names]
            row = [transaction.user, CurrentTimestamp(),
                transaction.user, CurrentTimestamp()] + [
                cls._fields[n].sql_format(values[n]) for n in names]
            try:
                if database.has_returning():
                    cursor.execute(*table.insert(
                            columns, [row], [table.id]))
                    id_, = cursor.fetchone()
                else:
                    id_ = database.nextid(transaction.connection, cls._table)
                    if id_:
                        cursor.execute(*table.insert(
                                columns + [table.id], [row + [id_]]))
                    else:
                        cursor.execute(*table.insert(columns, [row]))
                        id_ = database.lastid(cursor)
            except backend.DatabaseIntegrityError as exception:
                with transaction.new_transaction():
                    cls._ModelSQL__raise_integrity_error(
                        exception, values, transaction=transaction)
                raise
            ids.append(id_)
        return ids
