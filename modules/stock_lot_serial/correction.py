# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.product import price_digits
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import IdentifierValidationError
from .identifier import normalize
from .stock import CORRECTION_CONTEXT, IDENTIFIERS

CORRECTABLE = [f for f, _ in IDENTIFIERS] + ['unit_cost']


class Correction(ModelSQL, ModelView):
    "A correction of the frozen identity or cost of a unit"
    __name__ = 'stock.lot.correction'

    lot = fields.Many2One(
        'stock.lot', "Unit", required=True, readonly=True,
        ondelete='RESTRICT')
    field = fields.Char("Field", readonly=True)
    old_value = fields.Char("Old Value", readonly=True)
    new_value = fields.Char("New Value", readonly=True)
    reason = fields.Text("Reason", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('lot')
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.add(Index(t, (t.lot, Index.Range())))

    @classmethod
    def check_modification(
            cls, mode, corrections, values=None, external=False):
        super().check_modification(
            mode, corrections, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext(
                    'stock_lot_serial.msg_correction_append_only'))


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    corrections = fields.One2Many(
        'stock.lot.correction', 'lot', "Corrections", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'correct_identity': {},
                })

    @classmethod
    @ModelView.button_action('stock_lot_serial.wizard_correct_identity')
    def correct_identity(cls, lots):
        pass


class CorrectIdentityStart(ModelView):
    __name__ = 'stock.lot.correct_identity.start'

    imei = fields.Char("IMEI")
    imei2 = fields.Char("IMEI 2")
    meid = fields.Char("MEID")
    serial = fields.Char("Serial Number")
    unit_cost = fields.Numeric("Unit Cost", digits=price_digits)
    reason = fields.Text(
        "Reason", required=True,
        help="Why the recorded value was wrong; kept with the correction.")


class CorrectIdentity(Wizard):
    "Correct the identity or cost of a unit, with a reason that is kept"
    __name__ = 'stock.lot.correct_identity'

    start = StateView(
        'stock.lot.correct_identity.start',
        'stock_lot_serial.lot_correct_identity_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Correct", 'correct', 'tryton-ok', default=True),
            ])
    correct = StateTransition()

    def default_start(self, fields):
        self._check_record()
        return {f: getattr(self.record, f) for f in CORRECTABLE}

    def _check_record(self):
        if not self.record:
            raise IdentifierValidationError(gettext(
                    'stock_lot_serial.msg_correction_no_unit'))

    def transition_correct(self):
        pool = Pool()
        Lot = pool.get('stock.lot')
        Correction = pool.get('stock.lot.correction')
        self._check_record()
        lot = self.record
        Lot.lock([lot])
        values = {}
        for field in CORRECTABLE:
            new = getattr(self.start, field)
            if field != 'unit_cost':
                new = normalize(new)
            if new != getattr(lot, field):
                values[field] = new
        # A unit's cost is corrected, never lost: its sale needs it
        if ('unit_cost' in values and lot.unit_cost is not None
                and (values['unit_cost'] is None
                    or values['unit_cost'] < 0)):
            raise IdentifierValidationError(gettext(
                    'stock_lot_serial.msg_correction_cost_required',
                    unit=lot.rec_name))
        if not values:
            return 'end'
        reason = (self.start.reason or '').strip()
        if not reason:
            raise IdentifierValidationError(gettext(
                    'stock_lot_serial.msg_correction_reason',
                    unit=lot.rec_name))
        Correction.create([{
                    'lot': lot.id,
                    'field': field,
                    'old_value': str(getattr(lot, field) or ''),
                    'new_value': str(new if new is not None else ''),
                    'reason': reason,
                    } for field, new in values.items()])
        if 'imei' in values and lot.product.template.tracking == 'imei':
            values['number'] = values['imei']
        elif 'serial' in values and (
                lot.product.template.tracking == 'serial'):
            values['number'] = values['serial']
        with Transaction().set_context(**{CORRECTION_CONTEXT: True}):
            Lot.write([lot], values)
        return 'end'
