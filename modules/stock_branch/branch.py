# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import CreateBranchError
from .location import BRANCH_ZONES

# (warehouse field, name suffix, code suffix)
ZONE_NAMES = {
    'input_location': ("Input", 'IN'),
    'output_location': ("Output", 'OUT'),
    'storage_location': ("Storage", 'STO'),
    'defective_location': ("Defective", 'DEF'),
    'repair_location': ("Repair Bench", 'REP'),
    'quarantine_location': ("Returns Quarantine", 'QUA'),
    'custody_location': ("Customer Devices", 'CUS'),
    'custody_bench_location': ("Customer Devices on the Bench", 'CBE'),
    'scrap_location': ("Scrap", 'SCR'),
    }


class CreateBranchStart(ModelView):
    __name__ = 'stock.branch.create.start'

    warehouse = fields.Many2One(
        'stock.location', "Existing Warehouse",
        domain=[('type', '=', 'warehouse')],
        help="Leave empty to create a new warehouse; "
        "an existing one gets the sub-locations it lacks.")
    name = fields.Char(
        "Name", states={
            'required': ~Bool(Eval('warehouse')),
            'invisible': Bool(Eval('warehouse')),
            })
    code = fields.Char(
        "Code", states={
            'required': ~Bool(Eval('warehouse')),
            'invisible': Bool(Eval('warehouse')),
            },
        help="The short code that prefixes the codes of the "
        "sub-locations.")
    address = fields.Many2One(
        'party.address', "Address",
        states={
            'invisible': Bool(Eval('warehouse')),
            })


class CreateBranch(Wizard):
    "Create a branch: a warehouse with its standard sub-locations"
    __name__ = 'stock.branch.create'

    start = StateView('stock.branch.create.start',
        'stock_branch.branch_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateAction('stock.act_location_form')

    def do_create_(self, action):
        warehouse = self.create_branch(
            warehouse=self.start.warehouse, name=self.start.name,
            code=self.start.code, address=self.start.address)
        action['res_id'] = [warehouse.id]
        action['views'].reverse()
        return action, {}

    @classmethod
    def create_branch(cls, warehouse=None, name=None, code=None,
            address=None):
        """Return the warehouse with all the standard sub-locations

        Missing ones are created; those already set are kept."""
        pool = Pool()
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        if warehouse:
            name, code = warehouse.name, warehouse.code or ''
        else:
            if Location.search([('code', '=', code)], limit=1):
                raise CreateBranchError(gettext(
                        'stock_branch.msg_branch_code_used', code=code))
            warehouse = Location(
                name=name, code=code, type='warehouse', address=address)
        lost_found = Location(ModelData.get_id(
                'stock', 'location_lost_found'))
        states = {f: (s, o) for f, s, o in BRANCH_ZONES}
        zones = {}
        for field, (label, suffix) in ZONE_NAMES.items():
            if getattr(warehouse, field, None):
                continue
            zone = Location(name=f"{name} {label}", type='storage')
            if code:
                zone.code = f'{code}-{suffix}'
            if field == 'scrap_location':
                zone.type = 'lost_found'
                zone.parent = lost_found
                zone.stock_state = 'scrapped'
            elif field in states:
                zone.stock_state, zone.ownership = states[field]
            zones[field] = zone
        Location.save(list(zones.values()))
        for field, zone in zones.items():
            setattr(warehouse, field, zone)
        if not getattr(warehouse, 'lost_found_location', None):
            warehouse.lost_found_location = lost_found
        warehouse.save()
        # A new warehouse did not exist to be the zones' parent
        children = [z for f, z in zones.items() if z.type == 'storage']
        for zone in children:
            zone.parent = warehouse
        Location.save(children)
        scrap = warehouse.scrap_location
        if scrap not in warehouse.waste_locations:
            warehouse.waste_locations += (scrap,)
            warehouse.save()
        return warehouse
