# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelView, Unique, fields
from trytond.modules.product import round_price
from trytond.modules.stock_availability import locking
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.modules.stock_branch.transfer import parse_scans
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import POSError, POSScanError, POSSubmitError, POSUnitError


class POSSale(BranchOwnedMixin, metaclass=PoolMeta):
    __name__ = 'sale.point.sale'
    # Its lines and payments follow it through core's __access__
    _branch_paths = ('point.branch',)
    _branch_optional = True

    party = fields.Many2One(
        'party.party', "Customer",
        states={
            'readonly': Eval('state') != 'open',
            },
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Required to sell a serialized unit: its warranty is the "
        "customer's.")
    client_key = fields.Char(
        "Client Key", readonly=True, strip=False,
        help="The till's own key of the sale: a sale submitted again with "
        "the same key is the same sale.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('client_key_unique', Unique(t, t.point, t.client_key),
                'sale_point_serial.msg_sale_client_key_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.client_key, Index.Equality()),
                where=t.client_key != Null))
        cls._buttons.update(
            scan={
                'invisible': Eval('state') != 'open',
                'depends': ['state'],
                },
            )
        cls.__rpc__.update(
            submit=RPC(readonly=False, result=lambda r: list(map(int, r))),
            )

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('client_key', None)
        return super().copy(sales, default=default)

    @classmethod
    def default_point(cls):
        "The till of the user's current branch, when it has only one"
        pool = Pool()
        Point = pool.get('sale.point')
        warehouse = Transaction().context.get('warehouse')
        if warehouse:
            points = Point.search([
                    ('storage_location', 'child_of', [warehouse], 'parent'),
                    ], limit=2)
            if len(points) == 1:
                return points[0].id

    @classmethod
    def default_party(cls):
        "The walk-in customer of the default till"
        pool = Pool()
        Point = pool.get('sale.point')
        point = cls.default_point()
        if point is not None:
            customer = Point(point).walk_in_customer
            return customer.id if customer else None

    @fields.depends('point', 'party')
    def on_change_point(self):
        if self.point and not self.party:
            self.party = self.point.walk_in_customer

    def get_rec_name(self, name):
        # Core names a sale without number "(id)": titles read "Scan ((3))"
        if self.number:
            return self.number
        return gettext('sale_point_serial.msg_sale_rec_name_new',
            point=self.point.rec_name if self.point else '-', id=self.id)

    @classmethod
    @ModelView.button_action('sale_point_serial.wizard_sale_scan')
    def scan(cls, sales):
        pass

    @classmethod
    def add_scans(cls, sale, entries):
        """Add a line for each scan to the open sale

        entries is [(code, quantity)].  A unit comes at its own price
        and must be available at the point's storage; a batch number
        sells from that batch, a product code by first expiry at posting.
        All refusals are reported at once and nothing is added."""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Line = pool.get('sale.point.sale.line')
        Scan = pool.get('stock.lot.scan')
        sale = cls(sale.id)
        if sale.state != 'open':
            raise POSScanError(gettext(
                    'sale_point_serial.msg_sale_scan_state',
                    sale=sale.rec_name))
        resolved, unknown = Lot.resolve_scans(entries)
        errors = [gettext('sale_point_serial.msg_scan_unknown', code=c)
            for c in unknown]
        on_sale = {l.lot for l in sale.lines if l.lot}
        lines = []
        for code, quantity, lot, product in resolved:
            if not product.salable:
                errors.append(gettext(
                        'sale_point_serial.msg_scan_not_salable',
                        code=code, product=product.rec_name))
                continue
            if lot and product.serialized:
                if lot in on_sale:
                    errors.append(gettext(
                            'sale_point_serial.msg_scan_twice', code=code))
                    continue
                on_sale.add(lot)
                error = sale.unit_unavailable(lot)
                if error:
                    errors.append(error)
                    continue
                quantity = 1
            line = Line(sale=sale, product=product, quantity=quantity)
            line.on_change_product()
            if lot:
                line.lot = lot
                line.on_change_lot()
            lines.append(line)
        if errors:
            Scan.record(cls.__name__ + '.scan', [
                    (c, 'rejected', None, None) for c in unknown])
            raise POSScanError(gettext(
                    'sale_point_serial.msg_sale_scan_refused',
                    sale=sale.rec_name, errors='\n'.join(errors)))
        Line.save(lines)
        Scan.record(cls.__name__ + '.scan', [
                (c, 'matched', l.id if l else None, None)
                for c, _, l, _ in resolved], own_transaction=False)
        return lines

    def unit_unavailable(self, lot):
        "The message why the point cannot sell the unit lot, or None"
        pool = Pool()
        Location = pool.get('stock.location')
        storage = self.point.storage_location
        location = lot.current_location
        if (lot.state != 'available' or not location
                or location not in Location.search([
                        ('parent', 'child_of', [storage.id]),
                        ])):
            Lot = pool.get('stock.lot')
            other = self.pending_sales([lot]).get(lot)
            if other and other != self:
                # Named though it may be at another branch
                with without_check_access():
                    return gettext(
                        'sale_point_serial.msg_unit_on_other_sale',
                        unit=lot.rec_name, sale=other.rec_name,
                        point=other.point.rec_name)
            states = dict(Lot.fields_get(['state'])['state']['selection'])
            return gettext(
                'sale_point_serial.msg_unit_unavailable',
                unit=lot.rec_name, point=self.point.rec_name,
                storage=storage.rec_name,
                state=states.get(lot.state, '-'),
                location=location.rec_name if location else '-')

    def unit_not_returnable(self, lot):
        """The message why the point cannot take back the unit lot from
        the sale's customer, or None"""
        location = lot.current_location
        other = self.pending_sales([lot]).get(lot)
        with without_check_access():
            sold_to_other = (other and other != self and other.party
                and other.party != self.party
                and any(l.lot == lot and l.quantity > 0
                    for l in other.lines))
            if sold_to_other:
                return gettext(
                    'sale_point_serial.msg_unit_sold_to_other',
                    unit=lot.rec_name, point=self.point.rec_name,
                    customer=self.party.rec_name if self.party else '-',
                    buyer=other.party.rec_name, sale=other.rec_name)
        if other and other != self:
            with without_check_access():
                return gettext(
                    'sale_point_serial.msg_unit_on_other_sale',
                    unit=lot.rec_name, sale=other.rec_name,
                    point=other.point.rec_name)
        if (not location or location.type != 'customer'
                or (lot.owner and self.party and lot.owner != self.party)):
            return gettext(
                'sale_point_serial.msg_unit_not_returnable',
                unit=lot.rec_name, point=self.point.rec_name,
                customer=self.party.rec_name if self.party else '-',
                location=location.rec_name if location else '-',
                owner=lot.owner.rec_name if lot.owner else '-')

    @classmethod
    def pending_sales(cls, lots):
        """{lot: till sale} of the paid sales whose stock moves of the lots
        are not done yet"""
        pool = Pool()
        Move = pool.get('stock.move')
        if not lots:
            return {}
        # Naming the other sale is part of refusing: no access needed
        with without_check_access():
            moves = Move.search([
                    ('lot', 'in', [l.id for l in lots]),
                    ('state', 'in', ['staging', 'draft', 'assigned']),
                    ('origin', 'like', 'sale.point.sale.line,%'),
                    ], order=[('id', 'ASC')])
            return {m.lot: cls(m.origin.sale.id) for m in moves}

    @classmethod
    def check_units(cls, sales):
        """Refuse sales of units without a customer, of units not available
        at the point, and refunds of units not with the customer; the units
        are locked first

        A line whose stock is reserved already was checked when its sale
        was paid."""
        pool = Pool()
        Lot = pool.get('stock.lot')
        to_check = {l for s in sales for l in s.lines
            if l.product.serialized and not l.stock_moves}
        units = [l.lot for l in to_check if l.lot]
        if units:
            Lot.lock(units)
        errors = []
        for sale in sales:
            seen = set()
            for line in sale.lines:
                if line not in to_check:
                    continue
                if not line.lot:
                    errors.append(gettext(
                            'sale_point_serial.msg_line_unit_required',
                            line=line.rec_name))
                    continue
                if not sale.party:
                    errors.append(gettext(
                            'sale_point_serial.msg_sale_customer_required',
                            sale=sale.rec_name, unit=line.lot.rec_name))
                elif sale.party == sale.point.walk_in_customer:
                    errors.append(gettext(
                            'sale_point_serial.msg_sale_walk_in_unit',
                            sale=sale.rec_name, unit=line.lot.rec_name,
                            customer=sale.party.rec_name))
                if line.lot in seen:
                    errors.append(gettext(
                            'sale_point_serial.msg_sale_unit_twice',
                            sale=sale.rec_name, unit=line.lot.rec_name))
                seen.add(line.lot)
                if line.quantity > 0:
                    error = sale.unit_unavailable(Lot(line.lot.id))
                else:
                    error = sale.unit_not_returnable(Lot(line.lot.id))
                if error:
                    errors.append(error)
        if errors:
            raise POSUnitError(gettext(
                    'sale_point_serial.msg_sale_refused',
                    errors='\n'.join(errors)))

    @classmethod
    def hold_locks(cls, sales, posting=False):
        """Lock at once the rows that doing (and posting) the sales lock

        The sales and their units are locked now if free; the tills'
        number sequences and, when posting, the journal-entry sequence of
        each sale's period, shared by all tills, are queued on.  Otherwise
        the transaction restarts once for all of them, instead of once per
        lock."""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Period = pool.get('account.period')
        Sequence = pool.get('ir.sequence.strict')
        new_ids = set(Transaction().create_records[cls.__name__])
        records = {
            cls._table: {s.id for s in sales if s.id not in new_ids},
            Lot._table: {l.lot.id for s in sales for l in s.lines
                if l.lot and l.product.serialized},
            }
        # A till numbers its sales from its own sequence: its sales queue
        sequences = {s.point.sequence.id for s in sales
            if not s.number and s.point.sequence}
        if posting:
            sequences |= {
                Period.find(s.company, date=s.date).move_sequence_used.id
                for s in sales}
        locking.hold(queued={Sequence._table: sequences}, records=records)

    @classmethod
    def hold_submits(cls, points):
        """Wait in line on the points before any work: a till's submits
        then find each other's keys, and a till that has to wait restarts
        once, with nothing built"""
        Point = Pool().get('sale.point')
        locking.hold(queued={Point._table: {p.id for p in points}})

    @classmethod
    def check_postable(cls, sales):
        """Refuse at payment what would refuse the sale's post at the
        close: a date in no open period, a product without a revenue
        account"""
        pool = Pool()
        Period = pool.get('account.period')
        for sale in sales:
            Period.find(sale.company, date=sale.date)
            with Transaction().set_context(company=sale.company.id):
                for line in sale.lines:
                    line.product.account_revenue_used

    @classmethod
    def post_sold_before_refund(cls, sales):
        """Post the paid sales of the units that the refunds take back
        from the same customer: the unit reaches the customer before it
        comes back"""
        refunded = {l.lot: s for s in sales for l in s.lines
            if l.lot and l.product.serialized and l.quantity < 0
            and not l.stock_moves}
        if not refunded:
            return
        to_post = set()
        with without_check_access():
            for lot, other in cls.pending_sales(list(refunded)).items():
                refund = refunded[lot]
                if (other != refund and other.state == 'done'
                        and other.party and other.party == refund.party
                        and any(l.lot == lot and l.quantity > 0
                            for l in other.lines)):
                    to_post.add(other)
            if to_post:
                cls.post(list(to_post))

    @classmethod
    def do(cls, sales):
        cls.hold_locks(sales)
        cls.check_postable(sales)
        cls.post_sold_before_refund(sales)
        cls.check_units(sales)
        # Refused before the sale is done when the stock is not there
        cls.reserve_stock(sales)
        super().do(sales)

    @classmethod
    def open(cls, sales):
        # A paid sale reopened gives its stock back
        cls.release_stock([s for s in sales if s.state == 'done'])
        super().open(sales)

    @classmethod
    @ModelView.button
    def post(cls, sales):
        """Post each sale once: the first post wins, a repeated one is a no-op

        The stock reserved when the sale was paid is moved; core's post
        then makes no move for these lines and posts the journal entry."""
        cls.hold_locks(sales, posting=True)
        # Locked before anything is read: a concurrent post waits, then
        # finds the sale posted
        cls.lock(sales)
        sales = [s for s in cls.browse(sales) if s.state == 'done']
        if not sales:
            return
        # Sales paid before their stock was reserved at payment
        cls.check_units(sales)
        cls.reserve_stock(sales)
        cls.complete_stock(sales)
        super().post(sales)

    @classmethod
    def reserve_stock(cls, sales):
        """Reserve the stock of the sales' lines that have none yet

        A sale's moves out of the point's storage are reserved through
        stock_availability: the product is locked at the branch and
        re-read, a unit becomes reserved, batches are picked by first
        expiry, and what is not there is refused.  A refund's move back
        from the customer waits in draft."""
        pool = Pool()
        Move = pool.get('stock.move')
        moves = [m for m in (l.get_stock_move()
                for s in sales for l in s.lines) if m]
        if not moves:
            return
        out_of_stock, returned = [], []
        for move in moves:
            if move.from_location.type in {'storage', 'view'}:
                out_of_stock.append(move)
            else:
                returned.append(move)
        with without_check_access():
            # A plain product's sale is inserted reserved at once
            Move.create_reserved([m._save_values() for m in out_of_stock])
            Move.save(returned)

    @classmethod
    def complete_stock(cls, sales):
        "Do the stock moves the sales reserved when they were paid"
        Move = Pool().get('stock.move')
        moves = cls.pending_moves(sales)
        if moves:
            with without_check_access():
                Move.do(moves)

    @classmethod
    def release_stock(cls, sales):
        "Give back the stock the sales reserved when they were paid"
        Move = Pool().get('stock.move')
        moves = cls.pending_moves(sales)
        if moves:
            with without_check_access():
                Move.cancel(moves)

    @classmethod
    def pending_moves(cls, sales):
        "The stock moves of the sales' lines neither done nor cancelled"
        pool = Pool()
        Move = pool.get('stock.move')
        origins = [str(l) for s in sales for l in s.lines]
        if not origins:
            return []
        with without_check_access():
            return Move.search([
                    ('origin', 'in', origins),
                    ('state', 'not in', ['done', 'cancelled']),
                    ])

    @classmethod
    def submit(cls, vlist):
        """Create and process paid sales from a till, once per client key

        Each values dict needs its point and client_key.  A key already
        submitted returns its sale and changes nothing, so a till may
        send again what it is not sure was received.  Return the sales,
        done: numbered, their stock reserved and their warranties given.
        The close of the till's session posts them."""
        pool = Pool()
        Point = pool.get('sale.point')
        check_submitted(cls, vlist)
        points = Point.browse(list({v['point'] for v in vlist}))
        cls.hold_submits(points)
        Point.lock(points)
        sales = {}
        for values in vlist:
            key = (values['point'], values['client_key'])
            found = cls.search([
                    ('point', '=', key[0]),
                    ('client_key', '=', key[1]),
                    ], limit=1)
            sales[key] = found[0] if found else None
        new = [v for v in vlist
            if not sales[(v['point'], v['client_key'])]]
        if new:
            for sale, values in zip(cls.create(new), new):
                sales[(values['point'], values['client_key'])] = sale
        result = [sales[(v['point'], v['client_key'])] for v in vlist]
        cls.process([s for s in cls.browse(result) if s.state == 'open'])
        return cls.browse(result)


class POSCashSession(BranchOwnedMixin, metaclass=PoolMeta):
    __name__ = 'sale.point.cash.session'
    _branch_paths = ('point.branch',)
    _branch_optional = True

    @classmethod
    def get_current(cls, point):
        """The open session of point; the first sales of a till without
        one wait in line on its point to open it, as submits do"""
        pool = Pool()
        Point = pool.get('sale.point')
        if not cls.search([
                    ('point', '=', point.id),
                    ('state', '=', 'open'),
                    ], limit=1):
            locking.hold(queued={Point._table: {point.id}})
        return super().get_current(point)


class POSCashTransfer(BranchOwnedMixin, metaclass=PoolMeta):
    __name__ = 'sale.point.cash.transfer'
    _branch_paths = ('point.branch',)
    _branch_optional = True


class POSSaleLine(metaclass=PoolMeta):
    __name__ = 'sale.point.sale.line'

    lot = fields.Many2One(
        'stock.lot', "Unit or Batch",
        domain=[
            If(Bool(Eval('product')),
                ('product', '=', Eval('product', -1)),
                ()),
            ],
        states={
            'readonly': Eval('sale_state') != 'open',
            'required': (Bool(Eval('serialized'))
                & (Eval('sale_state') != 'open')),
            },
        help="The unit sold, found by its IMEI or serial number, or the "
        "batch it is taken from.")
    serialized = fields.Function(
        fields.Boolean("Serialized"), 'on_change_with_serialized')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.lot, Index.Range())))
        cls.quantity.domain = [
            cls.quantity.domain or [],
            If(Bool(Eval('serialized')),
                ['OR',
                    ('quantity', '=', 1),
                    ('quantity', '=', -1),
                    ],
                []),
            ]

    @fields.depends('product')
    def on_change_with_serialized(self, name=None):
        return bool(self.product and self.product.serialized)

    @fields.depends('lot', 'product', 'quantity',
        methods=['on_change_product'])
    def on_change_lot(self):
        pool = Pool()
        Tax = pool.get('account.tax')
        if not self.lot:
            return
        if self.product != self.lot.product:
            self.product = self.lot.product
            self.on_change_product()
        if self.lot.product.serialized:
            self.quantity = (
                -1 if self.quantity and self.quantity < 0 else 1)
        price = self.lot.unit_list_price
        if price is not None and self.sale and self.sale.point:
            self.unit_list_price = round_price(price)
            taxes = Tax.compute(
                self.taxes, self.unit_list_price, 1, date=self.sale.date)
            gross = self.unit_list_price + sum(
                t['amount'] for t in taxes)
            self.unit_gross_price = gross.quantize(
                Decimal(1) / 10 ** self.__class__.unit_gross_price.digits[1])
            self.unit_price = self.on_change_with_unit_price()
            self.amount = self.on_change_with_amount()

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default else {}
        default.setdefault('lot', None)
        return super().copy(lines, default=default)

    @property
    def stock_moves(self):
        "The moves of the line's stock that are not cancelled"
        pool = Pool()
        Move = pool.get('stock.move')
        if self.id is None or self.id < 0:
            return []
        # Read from the database: the moves are made in the transaction
        # that reads them, after the line was read
        with without_check_access():
            return Move.search([
                    ('origin', '=', str(self)),
                    ('state', '!=', 'cancelled'),
                    ])

    def get_stock_move(self):
        # The stock of a paid sale is reserved when it is done: its moves
        # are the line's, and posting does them instead of new ones
        if self.stock_moves:
            return
        move = super().get_stock_move()
        if move and self.lot:
            move.lot = self.lot
            location = self.lot.current_location
            if (self.quantity > 0 and self.product.serialized and location
                    and location != move.from_location):
                # The unit may sit in a child of the point's storage
                move.from_location = location
        return move


class POSSaleScanStart(ModelView):
    __name__ = 'sale.point.sale.scan.start'

    sale = fields.Many2One('sale.point.sale', "Sale", readonly=True)
    scans = fields.Text(
        "Scans", required=True,
        help="One scan per line: an IMEI or serial number, or a batch "
        "number or product code followed by its quantity.")


class POSSaleScan(Wizard):
    "Add the scanned units and products to a sale at the point of sale"
    __name__ = 'sale.point.sale.scan'

    start = StateView('sale.point.sale.scan.start',
        'sale_point_serial.sale_scan_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Add", 'add', 'tryton-ok', default=True),
            ])
    add = StateTransition()

    def default_start(self, fields):
        return {
            'sale': self.record.id if self.record else None,
            }

    def transition_add(self):
        self.model.add_scans(self.record, parse_scans(self.start.scans))
        return 'end'


# The largest number a till may send: any price or quantity of a shop is
# far below it, and beyond it floats lose their cents
MAX_SUBMITTED_NUMBER = 10 ** 9


def check_submitted(Sale, vlist):
    """Refuse what a till submits unless it is a list of sales, each a
    dict of the values of fields of the sale, its lines and payments, of
    the right types, naming records that exist

    Checked before anything is written, so a bad submit changes nothing
    and gets a message instead of a Python error."""
    pool = Pool()
    if not isinstance(vlist, (list, tuple)) or not vlist:
        raise POSSubmitError(gettext(
                'sale_point_serial.msg_submit_not_list',
                value=_shown(vlist)))
    references = defaultdict(set)
    for index, values in enumerate(vlist, 1):
        _check_values(Sale, values, index, references)
        if not values.get('client_key') or not values.get('point'):
            raise POSError(gettext(
                    'sale_point_serial.msg_submit_key_required'))
    for (model, field), ids in references.items():
        Model = pool.get(model)
        with without_check_access(), \
                Transaction().set_context(active_test=False):
            found = {r.id for r in Model.search([('id', 'in', list(ids))])}
        missing = sorted(ids - found)
        if missing:
            raise POSSubmitError(gettext(
                    'sale_point_serial.msg_submit_unknown_record',
                    model=Model.__names__()['model'], id=missing[0],
                    field=field))


def _shown(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + '...'


def _check_values(Model, values, index, references):
    "Check values of Model for the sale at index; collect the ids named"
    model_name = Model.__names__()['model']
    if not isinstance(values, dict):
        raise POSSubmitError(gettext(
                'sale_point_serial.msg_submit_not_dict',
                index=index, model=model_name, value=_shown(values)))
    for name, value in values.items():
        field = Model._fields.get(name) if isinstance(name, str) else None
        if (field is None or isinstance(field, fields.Function)
                or name in {'id', 'create_uid', 'create_date',
                    'write_uid', 'write_date'}):
            raise POSSubmitError(gettext(
                    'sale_point_serial.msg_submit_unknown_field',
                    index=index, model=model_name, field=_shown(name)))
        expected = _value_error(field, value)
        if expected:
            raise POSSubmitError(gettext(
                    'sale_point_serial.msg_submit_bad_value',
                    index=index, model=model_name,
                    field=field.string, value=_shown(value),
                    expected=gettext(
                        'sale_point_serial.msg_submit_expected_%s'
                        % expected)))
        if field._type == 'many2one' and value is not None:
            references[(field.model_name, field.string)].add(value)
        elif field._type == 'one2many':
            Target = Pool().get(field.model_name)
            for _, records in value:
                for record in records:
                    _check_values(Target, record, index, references)


def _value_error(field, value):
    "The kind of value field needs when value is not one, else None"
    type_ = field._type
    if type_ in {'many2one', 'integer'}:
        if value is None and type_ == 'many2one':
            return
        if (isinstance(value, bool) or not isinstance(value, int)
                or abs(value) > MAX_SUBMITTED_NUMBER
                or (type_ == 'many2one' and value <= 0)):
            return 'id' if type_ == 'many2one' else 'integer'
    elif type_ in {'float', 'numeric'}:
        if value is None and not field.required:
            return
        if (isinstance(value, bool)
                or not isinstance(value, (int, float, Decimal))):
            return 'number'
        try:
            finite = math.isfinite(value)
        except (OverflowError, ValueError):
            finite = False
        if not finite or abs(value) > MAX_SUBMITTED_NUMBER:
            return 'number'
    elif type_ in {'char', 'text', 'selection'}:
        if value is not None and not isinstance(value, str):
            return 'text'
    elif type_ == 'date':
        if value is not None and (not isinstance(value, dt.date)
                or isinstance(value, dt.datetime)):
            return 'date'
    elif type_ == 'boolean':
        if not isinstance(value, bool):
            return 'boolean'
    elif type_ == 'one2many':
        if (not isinstance(value, (list, tuple))
                or not all(isinstance(a, (list, tuple)) and len(a) == 2
                    and a[0] == 'create'
                    and isinstance(a[1], (list, tuple))
                    for a in value)):
            return 'create'
    else:
        return 'other'
