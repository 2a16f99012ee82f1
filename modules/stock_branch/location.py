# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import inactive_records

from .exceptions import BranchLocationError

# The standard sub-locations of a branch: (field, stock state, ownership)
BRANCH_ZONES = [
    ('defective_location', 'defective', 'company'),
    ('repair_location', 'under_repair', 'company'),
    ('quarantine_location', 'returned', 'company'),
    ('custody_location', 'under_repair', 'customer'),
    ('custody_bench_location', 'under_repair', 'customer'),
    ]


def _zone_field(string, help):
    return fields.Many2One(
        'stock.location', string,
        states={
            'invisible': Eval('type') != 'warehouse',
            },
        domain=[
            ('type', '=', 'storage'),
            ['OR',
                ('parent', 'child_of', [Eval('id', -1)]),
                ('parent', '=', None),
                ],
            ],
        help=help)


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    defective_location = _zone_field(
        "Defective", "Where defective stock of the branch waits.")
    repair_location = _zone_field(
        "Repair Bench", "Where stock of the branch is repaired.")
    quarantine_location = _zone_field(
        "Returns Quarantine",
        "Where returned stock waits for its inspection.")
    custody_location = _zone_field(
        "Customer Devices",
        "Where devices owned by customers are kept: never valued, never "
        "sold.")
    custody_bench_location = _zone_field(
        "Customer Devices on the Bench",
        "Where devices owned by customers are while they are repaired: "
        "never valued, never sold.")
    scrap_location = fields.Many2One(
        'stock.location', "Scrap",
        states={
            'invisible': Eval('type') != 'warehouse',
            },
        domain=[('type', '=', 'lost_found')],
        help="Where the branch's scrapped stock goes.")
    _branch_cache = Cache('stock.location.branch', context=False)

    @classmethod
    def branch_ids(cls, location_ids):
        "Return {location id: id of its warehouse or None}"
        result, missing = {}, []
        for location_id in set(filter(None, location_ids)):
            branch = cls._branch_cache.get(location_id, -1)
            if branch == -1:
                missing.append(location_id)
            else:
                result[location_id] = branch
        if missing:
            with inactive_records():
                for location in cls.browse(missing):
                    warehouse = location.warehouse
                    result[location.id] = cls._branch_cache.set(
                        location.id, warehouse.id if warehouse else None)
        return result

    @classmethod
    def on_modification(cls, mode, locations, field_names=None):
        super().on_modification(mode, locations, field_names=field_names)
        if mode != 'create' or any(l.parent for l in locations):
            cls._branch_cache.clear()

    @classmethod
    def validate_fields(cls, locations, field_names):
        super().validate_fields(locations, field_names)
        if field_names & {
                'parent', 'type', 'stock_state', 'ownership',
                'storage_location'}:
            cls.check_sellable_storage(locations)

    @classmethod
    def check_sellable_storage(cls, locations):
        "Non-sellable stock is never kept under a sellable storage"
        storages = {w.storage_location for w in cls.search([
                    ('type', '=', 'warehouse'),
                    ('storage_location', '!=', None),
                    ])}
        if not storages:
            return
        storage_ids = [s.id for s in storages]
        # Only the subtrees of the locations validated
        for location in cls.search([
                    ('parent', 'child_of', [l.id for l in locations]),
                    ('parent', 'child_of', storage_ids),
                    ('id', 'not in', storage_ids),
                    ('type', '=', 'storage'),
                    ['OR',
                        ('stock_state', '!=', 'available'),
                        ('ownership', '=', 'customer'),
                        ],
                    ], limit=1):
            storage, = cls.search([
                    ('parent', 'parent_of', [location.id]),
                    ('id', 'in', storage_ids),
                    ], limit=1)
            raise BranchLocationError(gettext(
                    'stock_branch.msg_location_under_storage',
                    location=location.rec_name,
                    storage=storage.rec_name))
