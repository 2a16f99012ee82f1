# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import LocationOwnershipError

# The states of stock; the ones a location can hold are LOCATION_STATES.
STATES = [
    ('available', "Available"),
    ('reserved', "Reserved"),
    ('picked', "Picked"),
    ('in_transit', "In Transit"),
    ('sold', "Sold"),
    ('returned', "Returned"),
    ('defective', "Defective"),
    ('under_repair', "Under Repair"),
    ('scrapped', "Scrapped"),
    ]
LOCATION_STATES = [
    'available', 'picked', 'in_transit', 'returned', 'defective',
    'under_repair', 'scrapped']
OWNERSHIPS = [
    ('company', "Company"),
    ('customer', "Customer"),
    ('supplier_consignment', "Supplier Consignment"),
    ('customer_consignment', "Customer Consignment"),
    ]
# Internal context key (RPC strips keys starting with "_")
ZONE_CONTEXT = '_stock_availability_zone'
# Who may sell it, who carries its value
SELLABLE_OWNERSHIPS = {'company', 'supplier_consignment'}
VALUED_OWNERSHIPS = {'company', 'customer_consignment'}


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    stock_state = fields.Selection([
            ('available', "Available"),
            ('picked', "Picked"),
            ('in_transit', "In Transit"),
            ('returned', "Returned"),
            ('defective', "Defective"),
            ('under_repair', "Under Repair"),
            ('scrapped', "Scrapped"),
            ], "Stock State", required=True,
        states={
            'invisible': Eval('type') != 'storage',
            },
        help="The state of the stock held here: only available stock "
        "is sold.")
    ownership = fields.Selection(
        OWNERSHIPS, "Ownership", required=True,
        states={
            'invisible': ~Eval('type').in_(['storage', 'supplier']),
            },
        help="Who owns the stock held here.\n"
        "Customer: devices in custody for repair or trade-in.\n"
        "Supplier consignment: a supplier location with a consignment "
        "party inside a warehouse.\n"
        "Customer consignment: a storage location with a consignment "
        "party under a customer location.")

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Output zones and the transit location existed before us.
        cls.set_zone_states(cls.search([('type', '=', 'warehouse')]))
        cls.set_transit_state()

    @classmethod
    def default_stock_state(cls):
        return 'available'

    @classmethod
    def default_ownership(cls):
        return 'company'

    @property
    def holds_stock(self):
        "Whether the availability cache follows what is here"
        return (self.type == 'storage'
            or (self.type == 'supplier'
                and self.ownership == 'supplier_consignment'))

    @property
    def unit_state(self):
        "The state of a unit that sits here"
        if self.holds_stock:
            return self.stock_state
        return {
            'customer': 'sold',
            'supplier': 'returned',
            'lost_found': 'scrapped',
            }.get(self.type)

    @property
    def branch(self):
        return self.warehouse

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # Clients send the default ownership; a consignment party says more.
        if (mode == 'create' and values.get('consignment_party')
                and values.get('ownership', 'company') == 'company'):
            if values.get('type') == 'supplier':
                values['ownership'] = 'supplier_consignment'
            elif values.get('type', 'storage') == 'storage':
                values['ownership'] = 'customer_consignment'
        if mode == 'create' and 'stock_state' not in values:
            if values.get('type') == 'lost_found':
                values['stock_state'] = 'scrapped'
        return values

    @classmethod
    def validate_fields(cls, locations, field_names):
        super().validate_fields(locations, field_names)
        if field_names & {'ownership', 'type', 'consignment_party'}:
            cls.check_ownership(locations)

    @classmethod
    def check_ownership(cls, locations):
        for location in locations:
            ownership = location.ownership
            consignment = bool(location.consignment_party)
            if ownership == 'supplier_consignment':
                valid = location.type == 'supplier' and consignment
            elif ownership == 'customer_consignment':
                valid = location.type == 'storage' and consignment
            elif ownership == 'customer':
                valid = location.type == 'storage' and not consignment
            else:
                valid = not consignment
            if not valid:
                raise LocationOwnershipError(gettext(
                        'stock_availability.msg_location_ownership',
                        location=location.rec_name,
                        ownership=dict(OWNERSHIPS)[location.ownership]))

    @classmethod
    def check_modification(
            cls, mode, locations, values=None, external=False):
        pool = Pool()
        Move = pool.get('stock.move')
        super().check_modification(
            mode, locations, values=values, external=external)
        if (mode == 'write'
                and values.keys() & {
                    'stock_state', 'ownership', 'parent', 'type',
                    'consignment_party'}
                and not Transaction().context.get(ZONE_CONTEXT)):
            ids = [l.id for l in locations]
            moves = Move.search(['OR',
                    ('from_location', 'in', ids),
                    ('to_location', 'in', ids),
                    ], limit=1, order=[])
            if moves:
                move, = moves
                location = (move.from_location if move.from_location.id in ids
                    else move.to_location)
                raise LocationOwnershipError(gettext(
                        'stock_availability.msg_location_has_moves',
                        location=location.rec_name))

    @classmethod
    def on_modification(cls, mode, locations, field_names=None):
        pool = Pool()
        Availability = pool.get('stock.availability')
        super().on_modification(mode, locations, field_names=field_names)
        Availability.clear_location_keys()
        warehouses = [l for l in locations if l.type == 'warehouse']
        if warehouses and (mode == 'create'
                or (field_names or set()) & {
                    'type', 'output_location', 'storage_location'}):
            Availability.create_heads(warehouses=warehouses)
            cls.set_zone_states(warehouses)

    @classmethod
    def set_zone_states(cls, warehouses):
        "An output zone apart from storage holds picked stock"
        to_write = []
        for warehouse in warehouses:
            output = warehouse.output_location
            storage = warehouse.storage_location
            if (output and storage and output != storage
                    and output.stock_state == 'available'
                    and not cls.search([
                            ('id', '=', storage.id),
                            ('parent', 'child_of', [output.id]),
                            ])):
                to_write.append(output)
        if to_write:
            with Transaction().set_context(**{ZONE_CONTEXT: True}), \
                    without_check_access():
                cls.write(to_write, {'stock_state': 'picked'})

    @classmethod
    def set_transit_state(cls):
        pool = Pool()
        Configuration = pool.get('stock.configuration')
        transit = Configuration(1).shipment_internal_transit
        if transit and transit.stock_state == 'available':
            with Transaction().set_context(**{ZONE_CONTEXT: True}):
                cls.write([transit], {'stock_state': 'in_transit'})
