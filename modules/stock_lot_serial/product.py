# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice


from .exceptions import TrackingChangeError

TRACKING = [
    ('none', "Untracked"),
    ('batch', "Batch"),
    ('imei', "Serialized by IMEI"),
    ('serial', "Serialized by Serial Number"),
    ]
SERIALIZED = {'imei', 'serial'}
# A serialized unit needs its lot wherever it goes.
SERIALIZED_LOT_REQUIRED = [
    'supplier', 'customer', 'lost_found', 'storage', 'production']
BATCH_LOT_REQUIRED = ['supplier', 'customer', 'lost_found', 'storage']


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    tracking = fields.Selection(
        TRACKING, "Tracking", required=True,
        states={
            'invisible': Eval('type') != 'goods',
            },
        help="How each item is followed: untracked, in batches (lots with "
        "a quantity), or one unit at a time by IMEI or serial number.")

    @classmethod
    def default_tracking(cls):
        return 'none'

    @property
    def serialized(self):
        return self.tracking in SERIALIZED

    @fields.depends('tracking', 'default_uom', 'lot_required', 'lot_uom')
    def on_change_tracking(self):
        if self.tracking in SERIALIZED:
            self.lot_required = SERIALIZED_LOT_REQUIRED
            self.lot_uom = self.default_uom
        elif self.tracking == 'batch':
            self.lot_required = BATCH_LOT_REQUIRED
        elif self.tracking == 'none':
            self.lot_required = []

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Uom = pool.get('product.uom')
        values = super().preprocess_values(mode, values)
        tracking = values.get('tracking')
        if tracking in SERIALIZED:
            values['lot_required'] = SERIALIZED_LOT_REQUIRED
            if mode == 'create' and values.get('default_uom'):
                values.setdefault('lot_uom', Uom(values['default_uom']).id)
        elif tracking == 'batch' and not values.get('lot_required'):
            values['lot_required'] = BATCH_LOT_REQUIRED
        elif tracking == 'none':
            values['lot_required'] = []
        return values

    @classmethod
    def check_modification(
            cls, mode, templates, values=None, external=False):
        pool = Pool()
        Move = pool.get('stock.move')
        super().check_modification(
            mode, templates, values=values, external=external)
        if mode != 'write':
            return
        changed = [t for t in templates
            if ('tracking' in values and t.tracking != values['tracking'])
            or (t.serialized and 'lot_required' in values
                and set(values['lot_required'] or [])
                != set(SERIALIZED_LOT_REQUIRED))]
        for sub_templates in grouped_slice(
                changed, backend.MAX_QUERY_PARAMS):
            moves = Move.search([
                    ('product.template', 'in', [t.id for t in sub_templates]),
                    ('state', '!=', 'cancelled'),
                    ], limit=1, order=[])
            if moves:
                move, = moves
                raise TrackingChangeError(gettext(
                        'stock_lot_serial.msg_tracking_change_with_moves',
                        template=move.product.template.rec_name))


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @property
    def serialized(self):
        return self.template.serialized
