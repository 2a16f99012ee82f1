# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .identifier import normalize


class LookupStart(ModelView):
    __name__ = 'stock.lot.lookup.start'

    code = fields.Char(
        "IMEI or Serial Number", required=True,
        help="Scan or type any identifier of the unit.")


class LookupResult(ModelView):
    __name__ = 'stock.lot.lookup.result'

    code = fields.Char("Scanned", readonly=True)
    found = fields.Boolean("Found", readonly=True)
    message = fields.Text("Answer", readonly=True)
    lot = fields.Many2One('stock.lot', "Unit", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    current_location = fields.Many2One(
        'stock.location', "Location", readonly=True)
    current_warehouse = fields.Many2One(
        'stock.location', "Branch", readonly=True)
    owner = fields.Many2One('party.party', "Owner", readonly=True)
    grade = fields.Many2One('stock.lot.grade', "Grade", readonly=True)
    last_move_date = fields.Date("Last Moved", readonly=True)


class Lookup(Wizard):
    "Where is the unit with this IMEI or serial number?"
    __name__ = 'stock.lot.lookup'

    start = StateView(
        'stock.lot.lookup.start',
        'stock_lot_serial.lot_lookup_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Find", 'find', 'tryton-search', default=True),
            ])
    find = StateTransition()
    result = StateView(
        'stock.lot.lookup.result',
        'stock_lot_serial.lot_lookup_result_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Open Unit", 'open_', 'tryton-forward',
                states={'invisible': ~Eval('found')}),
            Button("Scan Another", 'start', 'tryton-search', default=True),
            ])
    open_ = StateAction('stock_lot.act_lot_form')

    def transition_find(self):
        pool = Pool()
        Lot = pool.get('stock.lot')
        Scan = pool.get('stock.lot.scan')
        code = self.start.code
        lot = Lot.find_by_code(code)
        if lot:
            Scan.record(self.__name__, [(code, 'matched', lot.id, None)])
        else:
            reason = 'not_found' if normalize(code) else 'invalid'
            Scan.record(self.__name__, [(code, reason, None, None)])
        self.result.lot = lot
        return 'result'

    def default_start(self, fields):
        return {}

    def default_result(self, fields):
        lot = self.result.lot
        code = self.start.code
        if not lot:
            return {
                'code': code,
                'found': False,
                'message': gettext(
                    'stock_lot_serial.msg_lookup_not_found', code=code),
                }
        history = lot.history
        last = history[-1] if history else None
        location = lot.current_location
        return {
            'code': code,
            'found': True,
            'lot': lot.id,
            'product': lot.product.id,
            'current_location': location.id if location else None,
            'current_warehouse': (
                lot.current_warehouse.id if lot.current_warehouse else None),
            'owner': lot.owner.id if lot.owner else None,
            'grade': lot.grade.id if lot.grade else None,
            'last_move_date': last.effective_date if last else None,
            'message': gettext(
                'stock_lot_serial.msg_lookup_found',
                unit=lot.rec_name, product=lot.product.rec_name,
                location=location.rec_name if location else '-'),
            }

    def do_open_(self, action):
        return action, {'res_id': [self.result.lot.id]}

    def transition_open_(self):
        return 'end'
