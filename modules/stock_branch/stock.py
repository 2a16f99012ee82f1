# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.modules.stock_lot_serial.bulk import invalidate
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import BranchAccessError
from .model import BranchOwnedMixin


def _branch_field(string):
    return fields.Many2One(
        'stock.location', string, readonly=True, ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse')])


def _record_id(value):
    """The id of a Many2One or Reference value as given to create or write,
    None when it names none (the field's own validation refuses it)"""
    if isinstance(value, str):
        value = value.partition(',')[2]
    elif isinstance(value, (list, tuple)):
        value = value[1] if len(value) == 2 else None
    if isinstance(value, bool):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if value >= 0 else None


def _check_new_branches(location_ids, branch_ids):
    """Refuse to create a record at locations none of whose branches is
    the user's; they are named, the record does not exist yet"""
    pool = Pool()
    User = pool.get('res.user')
    Location = pool.get('stock.location')
    branch_ids = [b for b in branch_ids if b is not None]
    if (not branch_ids or not Transaction().check_access
            or User.works_in_all_branches()
            or set(branch_ids) & set(User.get_branches())):
        return
    location = next(Location(_record_id(l)) for l in location_ids
        if _record_id(l) is not None
        and Location.branch_ids([_record_id(l)]).get(_record_id(l)))
    raise BranchAccessError(gettext(
            'stock_branch.msg_branch_not_allowed',
            record=location.rec_name,
            branch=Location(branch_ids[0]).rec_name))


class BranchMixin(BranchOwnedMixin):
    """Store the branches of a record, which scope it

    _branch_fields maps each stored branch field to the location field
    whose warehouse it holds."""
    __slots__ = ()
    _branch_fields = {}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if not cls._branch_paths:
            cls._branch_paths = tuple(cls._branch_fields)
        t = cls.__table__()
        for field in cls._branch_fields:
            cls._sql_indexes.add(
                Index(t, (getattr(t, field), Index.Range()),
                    where=getattr(t, field) != Null))

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        created = [f for f in cls._branch_fields
            if not table_h.column_exist(f)]
        super().__register__(module)
        # Documents that existed before the module
        if created:
            cls.set_branches(cls.search([]))

    @classmethod
    def _branch_values(cls, values):
        pool = Pool()
        Location = pool.get('stock.location')
        locations = {f: _record_id(values.get(l))
            for f, l in cls._branch_fields.items() if l in values}
        branches = Location.branch_ids(locations.values())
        return {f: branches.get(l) for f, l in locations.items()}

    def _branch_source_values(self):
        "The values the branches of the record are computed from"
        values = {}
        for name in self._branch_fields.values():
            location = getattr(self, name, None)
            values[name] = location.id if location else None
        return values

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.update(cls._branch_values(values))
        return values

    @classmethod
    def create(cls, vlist):
        cls.check_new_branches(vlist)
        return super().create(vlist)

    @classmethod
    def check_new_branches(cls, vlist):
        "Refuse values of new records at none of the user's branches"
        # Before anything is written; preprocess_values runs as root
        if Transaction().check_access:
            for values in vlist:
                _check_new_branches(
                    [values.get(l) for l in cls._branch_fields.values()],
                    cls._branch_values(values).values())

    @classmethod
    def _branch_source_fields(cls):
        "The fields whose change recomputes the branches"
        return set(cls._branch_fields.values())

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if (mode == 'write'
                and set(field_names) & cls._branch_source_fields()):
            cls.set_branches(records)

    @classmethod
    def set_branches(cls, records):
        "Store the branches of records computed from their locations"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        changes = {}
        # Fresh instances: the written values, not the cached ones
        for record in cls.browse([r.id for r in records]):
            branches = cls._branch_values(record._branch_source_values())
            branches = tuple(branches[f] for f in cls._branch_fields)
            current = tuple(
                getattr(getattr(record, f), 'id', None)
                for f in cls._branch_fields)
            if branches != current:
                changes.setdefault(branches, []).append(record.id)
        columns = [getattr(table, f) for f in cls._branch_fields]
        for branches, ids in changes.items():
            cursor.execute(*table.update(
                    columns, list(branches), where=table.id.in_(ids)))
        if changes:
            invalidate(cls, [i for ids in changes.values() for i in ids])
        cls.check_branches(cls.browse([r.id for r in records]))

    @property
    def branches(self):
        return [getattr(self, f) for f in self._branch_fields
            if getattr(self, f, None)]

    @classmethod
    def check_branches(cls, records):
        "Refuse records none of whose branches is the user's"
        pool = Pool()
        User = pool.get('res.user')
        if not Transaction().check_access or User.works_in_all_branches():
            return
        allowed = set(User.get_branches())
        for record in records:
            branches = record.branches
            # One end is enough: a transfer comes from another branch
            if branches and not any(b.id in allowed for b in branches):
                User.check_branch(branches[0], record)


class Move(BranchMixin, metaclass=PoolMeta):
    __name__ = 'stock.move'
    # A move between places of no branch is the company's
    _branch_optional = True

    from_branch = _branch_field("From Branch")
    to_branch = _branch_field("To Branch")
    _branch_fields = {
        'from_branch': 'from_location',
        'to_branch': 'to_location',
        }

    @classmethod
    def _branch_values(cls, values):
        pool = Pool()
        Configuration = pool.get('stock.configuration')
        ShipmentInternal = pool.get('stock.shipment.internal')
        branches = super()._branch_values(values)
        # A move in transit belongs to both ends of its transfer
        shipment = values.get('shipment')
        if isinstance(shipment, (list, tuple)):
            shipment = '%s,%s' % tuple(shipment)
        prefix = ShipmentInternal.__name__ + ','
        if (isinstance(shipment, str) and shipment.startswith(prefix)
                and (_record_id(shipment) or -1) >= 0):
            transit = Configuration(1).get_multivalue(
                'shipment_internal_transit')
            transfer = ShipmentInternal(_record_id(shipment))
            for field, location in cls._branch_fields.items():
                if (transit and branches.get(field) is None
                        and _record_id(values.get(location)) == transit.id):
                    branch = getattr(transfer, field)
                    branches[field] = branch.id if branch else None
        return branches

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['stock.shrinkage.case']

    @classmethod
    def _cost_price_context(cls, moves):
        context = super()._cost_price_context(moves)
        # The average cost is the company's, whoever moves the stock
        context['_stock_company_wide'] = True
        return context

    @classmethod
    def _create_reserved_check(cls, vlist):
        super()._create_reserved_check(vlist)
        cls.check_new_branches(vlist)

    @classmethod
    def _branch_source_fields(cls):
        return super()._branch_source_fields() | {'shipment'}

    def _branch_source_values(self):
        values = super()._branch_source_values()
        if self.shipment:
            values['shipment'] = str(self.shipment)
        return values


class WarehouseBranchMixin(BranchOwnedMixin):
    "A document whose stored warehouse is its branch"
    __slots__ = ()
    _branch_paths = ('warehouse',)

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Location = pool.get('stock.location')
        # Before anything is written; preprocess_values runs as root
        if Transaction().check_access:
            for values in vlist:
                if values.get('warehouse'):
                    _check_new_branches(
                        [values['warehouse']], Location.branch_ids(
                            [values['warehouse']]).values())
        return super().create(vlist)

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'write' and 'warehouse' in field_names:
            for record in cls.browse([r.id for r in records]):
                User.check_branch(record.warehouse, record)


class ShipmentIn(WarehouseBranchMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'


class ShipmentOut(WarehouseBranchMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'


class ShipmentOutReturn(WarehouseBranchMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.return'


class ShipmentInReturn(BranchMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.in.return'

    branch = _branch_field("Branch")
    _branch_fields = {'branch': 'from_location'}


class ShipmentInternal(BranchMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'

    from_branch = _branch_field("From Branch")
    to_branch = _branch_field("To Branch")
    _branch_fields = {
        'from_branch': 'from_location',
        'to_branch': 'to_location',
        }


class Inventory(BranchMixin, metaclass=PoolMeta):
    __name__ = 'stock.inventory'

    branch = _branch_field("Branch")
    _branch_fields = {'branch': 'location'}
