# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import csv
import io
from decimal import Decimal, InvalidOperation

from sql import Column
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import (
    Transaction, record_cache_size, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .bulk import bulk_create, check_buttons_access, invalidate
from .exceptions import ReceiptImportError
from .identifier import imei_error, normalize
from .stock import IDENTIFIERS

CSV_COLUMNS = {
    'imei', 'imei2', 'meid', 'serial', 'grade', 'battery_health', 'cost',
    'price'}
# Where a unit may come back from: it is not in stock there.
RETURN_LOCATIONS = {'customer', 'supplier', 'lost_found'}


def parse_codes(text):
    """Parse scanned or pasted lines: "IMEI[,IMEI2[,serial]]" for units
    tracked by IMEI, "serial" for the others.  Return a list of
    (line number, raw line, list of fields)."""
    rows = []
    for number, line in enumerate((text or '').splitlines(), 1):
        if not line.strip():
            continue
        fields_ = [f.strip() for f in line.replace(';', ',').split(',')]
        rows.append((number, line, fields_))
    return rows


def parse_csv(data):
    """Parse a CSV with a header line.  Return (header, rows) with rows a
    list of (line number, raw line, dict)."""
    if isinstance(data, bytes):
        try:
            data = data.decode('utf-8-sig')
        except UnicodeDecodeError:
            return None, []
    reader = csv.reader(io.StringIO(data))
    header = None
    rows = []
    for values in reader:
        if header is None:
            header = [h.strip().lower() for h in values]
            continue
        if not any(v.strip() for v in values):
            continue
        rows.append((reader.line_num, ','.join(values), values))
    return header, rows


class ShipmentIn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'receive_units': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button_action('stock_lot_serial.wizard_receive_units')
    def receive_units(cls, shipments):
        pass

    def add_units(self, product, rows, unit_price, grade=None,
            wizard='receive_units'):
        """Create the units of rows and their incoming moves.

        rows is a list of (line number, raw text, dict of values) where the
        values are imei, imei2, meid, serial, grade (code), battery_health,
        cost, price and spec names.  Every line is checked first; if any
        is bad, nothing is created and all bad lines are reported at once.
        Return the moves.
        """
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        units = self._validated_units(product, rows, grade, wizard)
        self._update_returning_units(units)
        to_create = [u['values'] for u in units if not u['lot']]
        created = iter(Lot.create(to_create))
        lots = [u['lot'] or next(created) for u in units]
        return Move.create(
            self._unit_move_values(product, units, lots, unit_price))

    def receive_units_at_once(self, product, rows, unit_price, grade=None,
            wizard='receive_units'):
        """Create the units of rows and receive them into storage at once

        The set-based path for large deliveries: the same checks, units,
        moves, unit states and costs as add_units() then receive and do,
        in a few statements.  The shipment must hold no other moves; it
        ends done.  Return the incoming moves.
        """
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Identifier = pool.get('stock.lot.identifier')
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        Uom = pool.get('product.uom')
        cls = self.__class__
        if self.moves:
            raise ReceiptImportError(gettext(
                    'stock_lot_serial.msg_receipt_at_once_moves',
                    shipment=self.rec_name))
        check_buttons_access(cls, ['receive', 'do'])
        units = self._validated_units(product, rows, grade, wizard)
        self._update_returning_units(units)
        new_units = [u for u in units if not u['lot']]
        created = iter(bulk_create(
                Lot, [u['values'] for u in new_units], history=False))
        lots = [u['lot'] or next(created) for u in units]
        # The identifier mirror is the system's, as in Lot.on_modification
        with without_check_access():
            bulk_create(Identifier, [{
                        'lot': lot.id,
                        'kind': kind,
                        'code': code,
                        } for unit, lot in zip(units, lots) if not unit['lot']
                    for field, kind in IDENTIFIERS
                    if (code := unit['values'].get(field))])

        # What Move.compute_fields gives every move of the receipt
        internal_quantity = Uom.compute_qty(
            product.default_uom, 1, product.default_uom)
        incoming = bulk_create(Move, [
                {**v, 'internal_quantity': internal_quantity}
                for v in self._unit_move_values(
                    product, units, lots, unit_price)],
            compute=False)
        inventory = []
        if self.warehouse_storage != self.warehouse_input:
            inventory = bulk_create(Move, [{
                        **self._get_inventory_move(move)._save_values(),
                        'shipment': str(self),
                        'internal_quantity': internal_quantity,
                        } for move in incoming],
                compute=False)
        # Each unit's two moves in one pass, checked and applied in order;
        # slices browsed on their own fit the record cache, so every
        # pass reads each move once.
        size = max(record_cache_size(Transaction()) // 4, 1)
        for start in range(0, len(incoming), size):
            Move.do_set_based(Move.browse([m.id for m in (
                            incoming[start:start + size]
                            + inventory[start:start + size])]))
        Lot._insert_history([l.id for l in lots])

        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        values = {'state': 'done'}
        if not self.effective_date:
            values['effective_date'] = today
        employee = User(Transaction().user).employee
        if employee and employee.company == self.company:
            for field in ['received_by', 'done_by']:
                if not getattr(self, field):
                    values[field] = employee.id
        # The moves were built from the shipment's own locations, so the
        # domain validation of a write would only re-check what holds.
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [Column(table, n) for n in values]
                + [table.write_uid, table.write_date],
                list(values.values())
                + [Transaction().user, CurrentTimestamp()],
                where=table.id == self.id))
        invalidate(cls, [self.id])
        return incoming

    def _validated_units(self, product, rows, grade, wizard):
        "Check every row and log the scans; raise for all bad rows at once"
        pool = Pool()
        Scan = pool.get('stock.lot.scan')
        if self.state != 'draft':
            raise ReceiptImportError(gettext(
                    'stock_lot_serial.msg_receipt_not_draft',
                    shipment=self.rec_name))
        units, errors = self._check_unit_rows(product, rows, grade)
        Scan.record(wizard, [
                (raw, 'rejected' if number in errors else (
                        'matched' if unit['lot'] else 'created'),
                    unit['lot'].id if unit['lot'] else None,
                    errors.get(number))
                for (number, raw, _), unit in zip(rows, units)])
        if errors:
            raise ReceiptImportError(gettext(
                    'stock_lot_serial.msg_receipt_errors',
                    shipment=self.rec_name, count=len(errors),
                    errors='\n'.join(
                        gettext('stock_lot_serial.msg_receipt_error_line',
                            line=n, error=e)
                        for n, e in sorted(errors.items()))))
        return units

    @staticmethod
    def _update_returning_units(units):
        "A unit that comes back keeps its record; grade and specs follow"
        Lot = Pool().get('stock.lot')
        for unit in units:
            if not unit['lot']:
                continue
            values = {k: v for k, v in unit['values'].items()
                if k in {'grade', 'battery_health', 'specs'}}
            if values:
                Lot.write([unit['lot']], values)

    def _unit_move_values(self, product, units, lots, unit_price):
        return [{
                'product': product.id,
                'unit': product.default_uom.id,
                'quantity': 1,
                'from_location': self.supplier_location.id,
                'to_location': self.warehouse_input.id,
                'shipment': str(self),
                'company': self.company.id,
                'unit_price': unit['cost'] if unit['cost'] is not None
                else unit_price,
                'currency': self.company.currency.id,
                'lot': lot.id,
                'planned_date': self.planned_date,
                } for unit, lot in zip(units, lots)]

    def _check_unit_rows(self, product, rows, grade):
        """Return (units, errors by line number).  A unit is a dict with
        the existing lot or None, the lot values and the cost."""
        pool = Pool()
        Grade = pool.get('stock.lot.grade')
        Identifier = pool.get('stock.lot.identifier')
        template = product.template
        errors = {}
        units = []
        grades = {g.code: g for g in Grade.search([])}
        spec_names = {a.name: a for a in (
                template.attribute_set.attributes
                if getattr(template, 'attribute_set', None) else [])}

        def error(number, message, **kwargs):
            errors.setdefault(number, gettext(
                    'stock_lot_serial.msg_receipt_' + message, **kwargs))

        if not template.serialized:
            raise ReceiptImportError(gettext(
                    'stock_lot_serial.msg_receipt_not_serialized',
                    product=product.rec_name))
        list_price = product.list_price_used
        if list_price is not None:
            list_price = round_price(list_price)
        first_line = {}
        for number, _, values in rows:
            values = dict(values)
            if extra := values.pop('_extra', None):
                error(number, 'extra_fields', fields=extra)
            lot_values = {'product': product.id}
            for field, _ in IDENTIFIERS:
                code = normalize(values.pop(field, None))
                lot_values[field] = code
            if template.tracking == 'imei':
                if not lot_values['imei']:
                    error(number, 'imei_missing')
                for field in ['imei', 'imei2']:
                    code = lot_values[field]
                    if code and (reason := imei_error(code)):
                        error(number, 'imei_' + reason, imei=code)
                if lot_values['imei'] and (
                        lot_values['imei'] == lot_values['imei2']):
                    error(number, 'imei2_same', imei=lot_values['imei'])
            elif not lot_values['serial']:
                error(number, 'serial_missing')
            for field, kind in IDENTIFIERS:
                code = lot_values[field]
                if not code:
                    continue
                if (kind, code) in first_line:
                    error(number, 'duplicate', code=code,
                        line=first_line[(kind, code)])
                else:
                    first_line[(kind, code)] = number

            grade_code = (values.pop('grade', None) or '').strip()
            if grade_code:
                if grade_code.lower() in grades:
                    lot_values['grade'] = grades[grade_code.lower()].id
                else:
                    error(number, 'grade', grade=grade_code)
            elif grade:
                lot_values['grade'] = grade.id
            battery = (values.pop('battery_health', None) or '').strip()
            if battery:
                if battery.isdigit() and 0 <= int(battery) <= 100:
                    lot_values['battery_health'] = int(battery)
                else:
                    error(number, 'battery', battery=battery)
            cost = self._parse_amount(values.pop('cost', None))
            if cost is False:
                error(number, 'amount', field='cost')
                cost = None
            price = self._parse_amount(values.pop('price', None))
            if price is False:
                error(number, 'amount', field='price')
            elif price is not None:
                lot_values['unit_list_price'] = price
            else:
                lot_values['unit_list_price'] = list_price
            # What Lot.preprocess_values would derive, once per product
            lot_values['number'] = (lot_values['imei']
                if template.tracking == 'imei' else lot_values['serial'])
            specs = {}
            for name, value in values.items():
                value = (value or '').strip()
                if not value:
                    continue
                attribute = spec_names.get(name)
                if not attribute:
                    error(number, 'column', column=name,
                        product=product.rec_name)
                    continue
                if attribute.type_ == 'selection':
                    keys = {l.split(':', 1)[0].strip()
                        for l in (attribute.selection or '').splitlines()
                        if l.strip()}
                    if value not in keys:
                        error(number, 'spec', value=value, spec=name)
                        continue
                specs[name] = value
            if specs:
                lot_values['specs'] = specs
            units.append({'lot': None, 'values': lot_values, 'cost': cost})

        codes = {code for kind, code in first_line}
        existing = {}
        for i in range(0, len(codes), 1000):
            chunk = list(codes)[i:i + 1000]
            for identifier in Identifier.search([('code', 'in', chunk)]):
                existing[(identifier.kind, identifier.code)] = identifier.lot
        locations = self._unit_return_locations()
        for (number, _, _), unit in zip(rows, units):
            lot_values = unit['values']
            lots = {existing[(kind, lot_values[field])]
                for field, kind in IDENTIFIERS
                if lot_values[field] and (kind, lot_values[field]) in existing}
            if not lots:
                continue
            if len(lots) > 1:
                error(number, 'several_units', units=', '.join(
                        sorted(l.rec_name for l in lots)))
                continue
            lot, = lots
            if lot.product != product:
                error(number, 'wrong_product', unit=lot.rec_name,
                    product=lot.product.rec_name)
            elif lot.current_location and (
                    lot.current_location.type not in locations):
                error(number, 'in_stock', unit=lot.rec_name,
                    location=lot.current_location.rec_name)
            else:
                for field, _ in IDENTIFIERS:
                    recorded = getattr(lot, field)
                    if (lot_values[field] and recorded
                            and lot_values[field] != recorded):
                        error(number, 'identity_differs', unit=lot.rec_name,
                            field=field, recorded=recorded)
                unit['lot'] = lot
        return units, errors

    @classmethod
    def _unit_return_locations(cls):
        "Location types a known unit may be received again from"
        return RETURN_LOCATIONS

    @staticmethod
    def _parse_amount(text):
        "Return the Decimal of text, None when empty, False when malformed"
        text = (text or '').strip()
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            return False
        if amount < 0 or not amount.is_finite():
            return False
        return amount


class ReceiveUnitsStart(ModelView):
    __name__ = 'stock.shipment.in.receive_units.start'

    product = fields.Many2One(
        'product.product', "Product", required=True,
        domain=[('template.tracking', 'in', ['imei', 'serial'])])
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, required=True,
        help="The cost of each unit, unless the file gives a cost.")
    grade = fields.Many2One('stock.lot.grade', "Grade")
    codes = fields.Text(
        "Scanned Codes",
        help="One unit per line: IMEI, or IMEI,IMEI2 for dual-SIM devices, "
        "or the serial number.")
    file = fields.Binary(
        "CSV File", filename='file_name',
        help="A header line then one unit per line.  Columns: imei, imei2, "
        "meid, serial, grade, battery_health, cost, price and specs by "
        "attribute name.")
    file_name = fields.Char("File Name")
    receive_now = fields.Boolean(
        "Receive Now",
        help="Receive the units into storage at once and finish the "
        "shipment, which must hold no other moves.  Use it for large "
        "deliveries of units.")

    @fields.depends('product', 'unit_price')
    def on_change_product(self):
        if self.product and self.unit_price is None:
            self.unit_price = self.product.cost_price


class ReceiveUnits(Wizard):
    "Create the units of a supplier shipment from scans or a file"
    __name__ = 'stock.shipment.in.receive_units'

    start = StateView(
        'stock.shipment.in.receive_units.start',
        'stock_lot_serial.shipment_in_receive_units_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Add", 'add', 'tryton-ok', default=True),
            ])
    add = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Grade = pool.get('stock.lot.grade')
        grades = Grade.search([('code', '=', 'new')], limit=1)
        return {'grade': grades[0].id if grades else None}

    def transition_add(self):
        start = self.start
        if start.file:
            header, csv_rows = parse_csv(start.file)
            if header is None:
                raise ReceiptImportError(gettext(
                        'stock_lot_serial.msg_receipt_file_unreadable',
                        file=start.file_name or ''))
            rows = [(n, raw, dict(zip(header, values)))
                for n, raw, values in csv_rows]
        elif start.codes:
            if start.product.template.tracking == 'imei':
                keys = ['imei', 'imei2', 'serial']
            else:
                keys = ['serial']
            rows = []
            for number, raw, values in parse_codes(start.codes):
                row = dict(zip(keys, values))
                if len(values) > len(keys):
                    row['_extra'] = ','.join(values[len(keys):])
                rows.append((number, raw, row))
        else:
            rows = []
        if not rows:
            raise ReceiptImportError(gettext(
                    'stock_lot_serial.msg_receipt_empty',
                    shipment=self.record.rec_name))
        if start.receive_now:
            self.record.receive_units_at_once(
                start.product, rows, start.unit_price, start.grade)
        else:
            self.record.add_units(
                start.product, rows, start.unit_price, start.grade)
        return 'end'
