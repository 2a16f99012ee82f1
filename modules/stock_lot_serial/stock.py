# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from collections import defaultdict
from decimal import Decimal
from itertools import groupby

from sql import Null

from trytond import backend
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.model import Check, Index, ModelView, fields
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from trytond.modules.stock.exceptions import (
    MoveFutureWarning, MoveOriginWarning)
from trytond.modules.stock.move import Move as StockMove

from .bulk import bulk_update
from .exceptions import (
    IdentifierDuplicateError, IdentifierValidationError, IdentityFrozenError,
    SerialMoveError)
from .identifier import (
    imei_error, meid_error, normalize, search_normalized)

IDENTIFIERS = [
    # field, kind in stock.lot.identifier
    ('imei', 'imei'),
    ('imei2', 'imei'),
    ('meid', 'meid'),
    ('serial', 'serial'),
    ]
# Frozen once the unit has a done move, but for an audited correction.
FROZEN = ['number', 'product', 'imei', 'imei2', 'meid', 'serial',
    'unit_cost']
# Internal context keys (RPC strips keys starting with "_").
UPDATE_CONTEXT = '_stock_lot_serial_update'
CORRECTION_CONTEXT = '_stock_lot_serial_correction'


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'
    _history = True

    tracking = fields.Function(fields.Selection(
            'get_tracking_selection', "Tracking"),
        'on_change_with_tracking')
    imei = fields.Char(
        "IMEI", strip=False,
        states={
            'invisible': Eval('tracking') != 'imei',
            },
        help="The 15-digit IMEI of the (first) SIM slot; required for "
        "products tracked by IMEI.")
    imei2 = fields.Char(
        "IMEI 2", strip=False,
        states={
            'invisible': Eval('tracking') != 'imei',
            },
        help="The IMEI of the second SIM slot of a dual-SIM device.")
    meid = fields.Char(
        "MEID", strip=False,
        states={
            'invisible': Eval('tracking') != 'imei',
            })
    serial = fields.Char(
        "Serial Number", strip=False,
        states={
            'invisible': ~Eval('tracking').in_(['imei', 'serial']),
            },
        help="Required for products tracked by serial number.")
    grade = fields.Many2One(
        'stock.lot.grade', "Grade", ondelete='RESTRICT',
        states={
            'invisible': ~Eval('tracking').in_(['imei', 'serial']),
            })
    specs = fields.Dict(
        'product.attribute', "Specs",
        help="Storage, colour, RAM… of this very unit.")
    battery_health = fields.Integer(
        "Battery Health",
        domain=['OR',
            ('battery_health', '=', None),
            [('battery_health', '>=', 0), ('battery_health', '<=', 100)],
            ],
        help="In percent of the design capacity.")
    unit_cost = fields.Numeric(
        "Unit Cost", digits=price_digits, readonly=True,
        help="The purchase cost of this unit, set by its receipt.")
    unit_list_price = fields.Numeric(
        "Unit List Price", digits=price_digits,
        help="The selling price of this unit.")
    supplier = fields.Many2One(
        'party.party', "Supplier", readonly=True, ondelete='RESTRICT')
    supplier_move = fields.Many2One(
        'stock.move', "Receipt", readonly=True, ondelete='RESTRICT',
        help="The move that brought the unit from its supplier.")
    current_location = fields.Many2One(
        'stock.location', "Current Location", readonly=True,
        ondelete='RESTRICT')
    current_warehouse = fields.Many2One(
        'stock.location', "Current Branch", readonly=True,
        ondelete='RESTRICT')
    owner = fields.Many2One(
        'party.party', "Owner", readonly=True, ondelete='RESTRICT')
    history = fields.Function(fields.Many2Many(
            'stock.move', None, None, "History",
            help="The done moves of the unit, oldest first."),
        'get_history')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('battery_health_range',
                Check(t, (t.battery_health == Null)
                    | ((t.battery_health >= 0) & (t.battery_health <= 100))),
                'stock_lot_serial.msg_battery_health_range'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.imei, Index.Equality())),
                Index(t, (t.imei2, Index.Equality())),
                Index(t, (t.serial, Index.Equality())),
                Index(t, (t.current_location, Index.Range())),
                Index(t, (t.current_warehouse, Index.Range())),
                })

    @classmethod
    def get_tracking_selection(cls):
        pool = Pool()
        Template = pool.get('product.template')
        return Template.fields_get(['tracking'])['tracking']['selection']

    @fields.depends('product')
    def on_change_with_tracking(self, name=None):
        if self.product:
            return self.product.template.tracking

    @property
    def serialized(self):
        return self.product.serialized

    @fields.depends('product', 'unit_list_price')
    def on_change_product(self):
        try:
            super().on_change_product()
        except AttributeError:
            pass
        if self.product and self.unit_list_price is None:
            price = self.product.list_price_used
            self.unit_list_price = (
                round_price(price) if price is not None else None)

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        _, operator, value, *_ = clause
        if operator in {'=', 'ilike', 'like'} and isinstance(value, str):
            code = normalize(value.strip('%'))
            if code:
                domain = ['OR', domain] + [
                    (field, '=', code) for field, _ in IDENTIFIERS]
        return domain

    def get_history(self, name):
        pool = Pool()
        Move = pool.get('stock.move')
        return [m.id for m in Move.search([
                    ('lot', '=', self.id),
                    ('state', '=', 'done'),
                    ], order=[
                    ('effective_date', 'ASC NULLS LAST'),
                    ('id', 'ASC')])]

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Product = pool.get('product.product')
        values = super().preprocess_values(mode, values)
        for field, _ in IDENTIFIERS:
            if field in values:
                values[field] = normalize(values[field])
        if mode == 'create' and values.get('product') is not None:
            product = Product(values['product'])
            if not values.get('number'):
                if product.template.tracking == 'imei':
                    values['number'] = values.get('imei')
                elif product.template.tracking == 'serial':
                    values['number'] = values.get('serial')
            if 'unit_list_price' not in values:
                price = product.list_price_used
                if price is not None:
                    values['unit_list_price'] = round_price(price)
        return values

    @classmethod
    def check_modification(cls, mode, lots, values=None, external=False):
        pool = Pool()
        Move = pool.get('stock.move')
        super().check_modification(
            mode, lots, values=values, external=external)
        context = Transaction().context
        if mode == 'write' and not context.get(CORRECTION_CONTEXT):
            frozen = [f for f in FROZEN if f in values]
            if frozen and not context.get(UPDATE_CONTEXT):
                for sub_lots in grouped_slice(
                        lots, backend.MAX_QUERY_PARAMS):
                    moves = Move.search([
                            ('lot', 'in', [l.id for l in sub_lots]),
                            ('state', '=', 'done'),
                            ], limit=1, order=[])
                    if moves:
                        move, = moves
                        raise IdentityFrozenError(gettext(
                                'stock_lot_serial.msg_identity_frozen',
                                unit=move.lot.rec_name,
                                fields=', '.join(frozen)))

    @classmethod
    def validate_fields(cls, lots, field_names):
        super().validate_fields(lots, field_names)
        cls.check_identifiers(lots, field_names)

    @classmethod
    def check_identifiers(cls, lots, field_names=None):
        pool = Pool()
        Identifier = pool.get('stock.lot.identifier')
        fields_ = {f for f, _ in IDENTIFIERS} | {'product'}
        if field_names is not None and not (field_names & fields_):
            return
        wanted = defaultdict(list)
        for lot in lots:
            tracking = lot.product.template.tracking
            if tracking == 'imei' and not lot.imei:
                raise IdentifierValidationError(gettext(
                        'stock_lot_serial.msg_imei_required',
                        unit=lot.rec_name))
            if tracking == 'serial' and not lot.serial:
                raise IdentifierValidationError(gettext(
                        'stock_lot_serial.msg_serial_required',
                        unit=lot.rec_name))
            for field in ['imei', 'imei2']:
                code = getattr(lot, field)
                if code and (reason := imei_error(code)):
                    raise IdentifierValidationError(gettext(
                            'stock_lot_serial.msg_imei_invalid_%s' % reason,
                            imei=code, unit=lot.rec_name))
            if lot.imei and lot.imei == lot.imei2:
                raise IdentifierValidationError(gettext(
                        'stock_lot_serial.msg_imei2_same',
                        imei=lot.imei, unit=lot.rec_name))
            if lot.meid and meid_error(lot.meid):
                raise IdentifierValidationError(gettext(
                        'stock_lot_serial.msg_meid_invalid',
                        meid=lot.meid, unit=lot.rec_name))
            for field, kind in IDENTIFIERS:
                if code := getattr(lot, field):
                    wanted[(kind, code)].append(lot)
        for (kind, code), owners in wanted.items():
            if len(owners) > 1:
                raise IdentifierDuplicateError(gettext(
                        'stock_lot_serial.msg_identifier_duplicate',
                        code=code, unit=owners[0].rec_name,
                        other=owners[1].rec_name))
        lot_ids = {l.id for l in lots}
        keys = list(wanted)
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            domain = ['OR'] + [
                [('kind', '=', kind), ('code', '=', code)]
                for kind, code in chunk]
            for identifier in Identifier.search([
                        domain, ('lot', 'not in', list(lot_ids))]):
                raise IdentifierDuplicateError(gettext(
                        'stock_lot_serial.msg_identifier_duplicate',
                        code=identifier.code,
                        unit=wanted[(identifier.kind, identifier.code)][0]
                        .rec_name,
                        other=identifier.lot.rec_name))

    @classmethod
    def on_modification(cls, mode, lots, field_names=None):
        super().on_modification(mode, lots, field_names=field_names)
        fields_ = {f for f, _ in IDENTIFIERS}
        if mode == 'create' or (
                mode == 'write' and field_names & fields_):
            cls.sync_identifiers(lots)

    @classmethod
    def sync_identifiers(cls, lots):
        "Mirror the identifiers in stock.lot.identifier, whose index is unique"
        pool = Pool()
        Identifier = pool.get('stock.lot.identifier')
        identifiers = Identifier.search([('lot', 'in', [l.id for l in lots])])
        Identifier.delete(identifiers)
        Identifier.create([{
                    'lot': lot.id,
                    'kind': kind,
                    'code': code,
                    } for lot in lots for field, kind in IDENTIFIERS
                if (code := getattr(lot, field))])

    @classmethod
    def find_by_code(cls, code):
        """Return the unit or batch carrying code as any identifier or
        number, or None

        A number is matched as printed first, then without separators
        and case (a label's "PB-2406-AP" scanned as "pb 2406 ap")."""
        pool = Pool()
        Identifier = pool.get('stock.lot.identifier')
        normalized = normalize(code)
        if not normalized:
            return None
        identifiers = Identifier.search([('code', '=', normalized)], limit=1)
        if identifiers:
            return identifiers[0].lot
        printed = str(code).strip()
        lots = (cls.search([('number', '=', printed)], limit=2)
            or search_normalized(cls, 'number', printed))
        if len(lots) == 1:
            return lots[0]

    @classmethod
    def resolve_scans(cls, entries):
        """Return ([(code, quantity, lot, product)], unknown codes)

        entries is [(code, quantity)]; a code is a unit's identifier, a
        batch number or a product code, matched as printed first, then
        without separators and case."""
        pool = Pool()
        Product = pool.get('product.product')
        resolved, unknown = [], []
        for code, quantity in entries:
            printed = str(code).strip()
            lot = cls.find_by_code(code)
            product = lot.product if lot else None
            if not lot and printed:
                products = (
                    Product.search([('code', '=', printed)], limit=2)
                    or search_normalized(Product, 'code', printed))
                product = products[0] if len(products) == 1 else None
            if not product:
                # Normalized: a code scanned twice differently is one code
                unknown.append(normalize(code) or code)
                continue
            resolved.append((normalize(code), quantity, lot, product))
        return resolved, unknown


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    @ModelView.button
    def do(cls, moves):
        pool = Pool()
        Lot = pool.get('stock.lot')
        serial_moves = [m for m in moves
            if m.state != 'done' and m.lot and m.product.serialized]
        if serial_moves:
            # Lock first: the transaction restarts with the rows locked
            # before its snapshot, so the checks below read the truth.
            Lot.lock(list({m.lot for m in serial_moves}))
            cls.check_serial_moves(serial_moves)
        super().do(moves)
        if serial_moves:
            cls.update_serial_lots(serial_moves)

    @classmethod
    def check_serial_moves(cls, moves):
        "Each unit moves once, by exactly 1, from where it is"
        seen = {}
        for move in sorted(moves, key=cls._serial_sort_key):
            lot = move.lot
            if move.internal_quantity != 1:
                raise SerialMoveError(gettext(
                        'stock_lot_serial.msg_serial_quantity',
                        unit=lot.rec_name, quantity=move.quantity,
                        move=move.rec_name))
            source = seen.get(lot.id, lot.current_location)
            if source is None:
                if move.from_location.type in {'storage', 'view'}:
                    raise SerialMoveError(gettext(
                            'stock_lot_serial.msg_serial_not_in_stock',
                            unit=lot.rec_name,
                            from_location=move.from_location.rec_name))
            elif source != move.from_location:
                raise SerialMoveError(gettext(
                        'stock_lot_serial.msg_serial_not_at_source',
                        unit=lot.rec_name, location=source.rec_name,
                        from_location=move.from_location.rec_name))
            seen[lot.id] = move.to_location

    @staticmethod
    def _serial_sort_key(move):
        return (move.effective_date or move.planned_date or move.create_date
            and move.create_date.date(), move.id)

    @classmethod
    def update_serial_lots(cls, moves):
        pool = Pool()
        Lot = pool.get('stock.lot')
        to_write = []
        for lot, values in cls._serial_lot_values(moves):
            to_write.extend(([lot], values))
        if to_write:
            with Transaction().set_context(**{UPDATE_CONTEXT: True}):
                Lot.write(*to_write)

    @classmethod
    def _serial_lot_values(cls, moves, unit_prices=None):
        """Return [(lot, values)] where the done moves leave their units

        unit_prices maps move ids to their unit_price_company when known."""
        # Moves of one document share their warehouse, owner and supplier:
        # compute each once, without reading every document on its own.
        cache = {}

        def once(key, compute):
            if key not in cache:
                cache[key] = compute()
            return cache[key]

        result = []
        for move in sorted(moves, key=cls._serial_sort_key):
            lot = move.lot
            document = (move.to_location.id, str(move.shipment),
                str(move.origin), move.company.id)
            warehouse = once(('warehouse', move.to_location.id),
                lambda: move.to_location.warehouse)
            owner = once(('owner',) + document,
                lambda: cls._serial_owner(move))
            values = {
                'current_location': move.to_location.id,
                'current_warehouse': warehouse.id if warehouse else None,
                'owner': getattr(owner, 'id', None),
                }
            if (move.from_location.type == 'supplier'
                    and not lot.supplier_move):
                supplier = once(('supplier',) + document,
                    lambda: cls._serial_party(move, 'supplier'))
                values.update({
                        'supplier_move': move.id,
                        'supplier': getattr(supplier, 'id', None),
                        })
                if lot.unit_cost is None:
                    values['unit_cost'] = (unit_prices[move.id]
                        if unit_prices is not None
                        else move.unit_price_company)
            result.append((lot, values))
        return result

    @classmethod
    def do_set_based(cls, moves):
        """Do draft moves as do() does, with set-based SQL

        The receipt fast path calls it for thousands of moves at once.
        Modules extend it as they extend do(): check and lock before
        calling super, update what they derive from the moves after."""
        pool = Pool()
        Lot = pool.get('stock.lot')
        moves = [m for m in moves if m.state != 'done']
        if not moves:
            return
        serial_moves = [m for m in moves if m.lot and m.product.serialized]
        if serial_moves:
            Lot.lock(list({m.lot for m in serial_moves}))
            cls.check_serial_moves(serial_moves)
        cls._do_set_based(moves)
        if serial_moves:
            cls._update_serial_lots_set_based(serial_moves)

    @classmethod
    def _update_serial_lots_set_based(cls, moves):
        pool = Pool()
        Lot = pool.get('stock.lot')
        final = {}
        unit_prices = cls._set_based_unit_prices(
            moves, {m: m.effective_date for m in moves})
        for lot, values in cls._serial_lot_values(moves, unit_prices):
            final.setdefault(lot, {}).update(values)
        by_names = defaultdict(list)
        for lot, values in final.items():
            names = tuple(sorted(values))
            by_names[names].append((lot.id, *(values[n] for n in names)))
        for names, rows in by_names.items():
            bulk_update(Lot, names, rows)

    @classmethod
    def _do_set_based(cls, moves):
        "What stock's do() does to moves, set-based"
        pool = Pool()
        Date = pool.get('ir.date')
        Product = pool.get('product.product')
        Warning = pool.get('res.user.warning')
        cls._check_origin_set_based(moves)
        today = {}

        def today_of(company):
            if company not in today:
                with Transaction().set_context(company=company.id):
                    today[company] = Date.today()
            return today[company]

        dates = {}
        shipment_dates = {}
        # Read the origins together rather than one by one.
        origins = {o.id: o for o in cls.browse({
                    m.origin.id for m in moves
                    if isinstance(m.origin, cls)})}
        for move in moves:
            date = move.effective_date
            if not date and move.shipment:
                key = str(move.shipment)
                if key not in shipment_dates:
                    shipment_dates[key] = getattr(
                        move.shipment, 'effective_date', None)
                date = shipment_dates[key]
            date = date or today_of(move.company)
            origin = (origins[move.origin.id]
                if isinstance(move.origin, cls) else None)
            if (origin and origin.state == 'done'
                    and origin.to_location == move.from_location):
                date = max(date, origin.effective_date)
            dates[move] = date
        cls.check_period_closed_dates(dates)
        future = sorted(m for m, d in dates.items()
            if d > today_of(m.company))
        if future:
            names = ', '.join(m.rec_name for m in future[:5])
            if len(future) > 5:
                names += '...'
            warning_name = Warning.format('effective_date_future', future)
            if Warning.check(warning_name):
                raise MoveFutureWarning(warning_name,
                    gettext('stock.msg_move_effective_date_in_the_future',
                        moves=names))

        costs, product_costs = cls._set_based_cost_prices(moves, dates)
        cls.write_done_set_based([
                (m.id, dates[m], costs.get(m.id, m.cost_price), 'done')
                for m in moves])
        if product_costs:
            Value = Product.multivalue_model('cost_price')
            values = []
            for (product, company), cost_price in product_costs.items():
                values.extend(product.set_multivalue(
                        'cost_price', cost_price, save=False,
                        company=company.id))
            Value.save(values)
        # The checks that stock_lot and stock_lot_sled run after do()
        moves = cls.browse(moves)
        for move in moves:
            move.check_lot()
        if hasattr(cls, 'check_expiration_dates'):
            cls.check_expiration_dates(moves)
        replaced = {m.product for m in moves if m.product.replaced_by
            and (m.from_location.type != 'storage'
                or m.to_location.type != 'storage')}
        if replaced:
            Product.__queue__.deactivate_replaced(Product.browse(replaced))

    @classmethod
    def _check_origin_set_based(cls, moves):
        """check_origin of stock, naming only the moves its warning shows

        Stock's names the moves before it knows whether the warning is
        skipped, which reads the names of every move of the receipt."""
        pool = Pool()
        Warning = pool.get('res.user.warning')
        if (getattr(cls.check_origin, '__func__', None)
                is not StockMove.check_origin.__func__):
            # Extended by another module: its own checks
            cls.check_origin(moves)
            return
        types = cls.check_origin_types()
        if not types:
            return
        missing = sorted(m for m in moves
            if ((m.from_location.type in types)
                ^ (m.to_location.type in types))
            and not m.origin)
        if missing:
            warning_name = Warning.format('done', missing)
            if Warning.check(warning_name):
                names = ', '.join(
                    m.rec_name for m in cls.browse(missing[:5]))
                if len(missing) > 5:
                    names += '...'
                raise MoveOriginWarning(warning_name,
                    gettext('stock.msg_move_no_origin', moves=names))

    @classmethod
    def write_done_set_based(cls, rows):
        "Store rows of (id, effective date, cost price, state)"
        bulk_update(cls, ['effective_date', 'cost_price', 'state'], rows)

    @classmethod
    def check_period_closed_dates(cls, dates):
        "check_period_closed for {move: effective date to be}"
        Period = Pool().get('stock.period')
        companies = {m.company for m in dates}
        for company in companies:
            periods = Period.search([
                    ('state', '=', 'closed'),
                    ('company', '=', company.id),
                    ], order=[('date', 'DESC')], limit=1)
            if not periods:
                continue
            period, = periods
            for move, date in dates.items():
                if move.company == company and date <= period.date:
                    raise AccessError(gettext(
                            'stock.msg_move_modify_period_close',
                            move=move.rec_name, period=period.rec_name))

    @classmethod
    def _set_based_cost_prices(cls, moves, dates):
        """Return ({move id: cost price}, {(product, company): cost price})

        The same sequence of averages as do(), which computes and rounds
        them move after move."""
        pool = Pool()
        Uom = pool.get('product.uom')
        costs, product_costs = {}, {}
        unit_prices = cls._set_based_unit_prices(moves, dates)
        moves = sorted(moves, key=lambda m: (m.company.id, m.product.id))
        for (company, product), p_moves in groupby(
                moves, key=lambda m: (m.company, m.product)):
            p_moves = list(p_moves)
            pattern = {'company': company.id}
            method = product.get_multivalue('cost_price_method', **pattern)
            cost_price = product.get_multivalue('cost_price', **pattern)
            quantity = None
            changed = False
            for move in sorted(p_moves, key=lambda m: m.id):
                from_type = move.from_location.type
                to_type = move.to_location.type
                direction = None
                if method in cls._set_based_averaged_methods():
                    if (from_type in {'supplier', 'production'}
                            and to_type == 'storage'):
                        direction = 1
                    elif from_type == 'storage' and to_type == 'supplier':
                        direction = -1
                if direction:
                    if quantity is None:
                        with Transaction().set_context(
                                cls._cost_price_context(p_moves)):
                            quantity = Decimal(str(
                                    product.__class__(product.id).quantity))
                    qty = Decimal(str(Uom.compute_qty(move.unit,
                                direction * move.quantity,
                                product.default_uom)))
                    unit_price = cls._set_based_unit_cost(move, method,
                        unit_prices[move.id]
                        if from_type in {'supplier', 'production'}
                        or to_type == 'supplier' else cost_price)
                    if quantity + qty > 0 and quantity >= 0:
                        cost_price = round_price(
                            (cost_price * quantity + unit_price * qty)
                            / (quantity + qty))
                    elif direction > 0:
                        cost_price = round_price(unit_price)
                    else:
                        cost_price = round_price(cost_price)
                    quantity += qty
                    changed = True
                if move.cost_price_required and move.cost_price is None:
                    costs[move.id] = cls._set_based_move_cost(
                        move, method, cost_price, unit_prices[move.id])
            if changed:
                product_costs[(product, company)] = cost_price
        return costs, product_costs

    @classmethod
    def _set_based_unit_prices(cls, moves, dates):
        """Return {move id: unit_price_company} of moves done at dates

        The field depends on the date in the context: it is read date by
        date, a batch each, for the moves that need a rate or a unit."""
        unit_prices = {}
        by_date = defaultdict(list)
        for move in moves:
            if move.unit_price is None:
                unit_prices[move.id] = None
            elif (move.currency == move.company.currency
                    and move.unit == move.product.default_uom):
                # No rate nor unit to apply: what the field computes
                unit_prices[move.id] = round_price(move.unit_price)
            else:
                by_date[dates[move]].append(move.id)
        for date, ids in by_date.items():
            with Transaction().set_context(date=date):
                for move in cls.browse(ids):
                    unit_prices[move.id] = move.unit_price_company
        return unit_prices

    @classmethod
    def _set_based_averaged_methods(cls):
        "The cost methods whose product cost is a running average"
        return {'average'}

    @classmethod
    def _set_based_unit_cost(cls, move, method, unit_price):
        "The cost of one unit of move in the product's running average"
        return unit_price

    @classmethod
    def _set_based_move_cost(cls, move, method, product_cost, unit_price):
        """The cost price of move, given the product's cost after it and
        the move's unit price in the company currency"""
        return product_cost

    @classmethod
    def _serial_owner(cls, move):
        "The party that owns the unit once the move is done"
        location = move.to_location
        if location.type == 'customer':
            return cls._serial_party(move, 'customer')
        elif location.type == 'supplier':
            return cls._serial_party(move, 'supplier')
        return move.company.party

    @classmethod
    def _serial_party(cls, move, kind):
        "The customer or supplier of the document of the move"
        shipment = move.shipment
        party = getattr(shipment, kind, None)
        if party:
            return party
        origin = move.origin
        for document in ['sale', 'purchase']:
            record = getattr(origin, document, None)
            if record and getattr(record, 'party', None):
                return record.party
        return getattr(origin, 'party', None)
