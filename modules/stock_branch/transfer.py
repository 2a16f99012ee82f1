# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.stock_lot_serial.identifier import normalize
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import TransferScanError


def parse_scans(text):
    """Return [(code, quantity)] of scanner lines "code" or "code quantity"

    A line is one scan; a batch line may end with its quantity."""
    entries = []
    for line in (text or '').splitlines():
        parts = line.split()
        if not parts:
            continue
        quantity = 1.0
        if len(parts) > 1:
            try:
                quantity = float(parts[-1])
                parts = parts[:-1]
            except ValueError:
                pass
        entries.append((' '.join(parts), quantity))
    return entries


class ShipmentInternal(metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'

    discrepancies = fields.One2Many(
        'stock.shipment.internal.discrepancy', 'shipment', "Discrepancies",
        readonly=True,
        help="What the receiver found different from what was sent.")
    shrinkage_cases = fields.One2Many(
        'stock.shrinkage.case', 'shipment', "Shrinkage Cases",
        readonly=True)
    transit_days = fields.Function(fields.Integer(
            "Days in Transit",
            help="Days since the transfer was dispatched, while it is "
            "in transit."),
        'get_transit_days')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'dispatch_scan': {
                    'invisible': ~Eval('state').in_(
                        ['waiting', 'assigned', 'packed']),
                    'depends': ['state'],
                    },
                'receive_scan': {
                    'invisible': Eval('state') != 'shipped',
                    'depends': ['state'],
                    },
                })

    def get_transit_days(self, name):
        pool = Pool()
        Date = pool.get('ir.date')
        if self.state == 'shipped' and self.effective_start_date:
            with Transaction().set_context(company=self.company.id):
                return (Date.today() - self.effective_start_date).days

    @classmethod
    @ModelView.button_action('stock_branch.wizard_transfer_dispatch')
    def dispatch_scan(cls, shipments):
        pass

    @classmethod
    @ModelView.button_action('stock_branch.wizard_transfer_receive')
    def receive_scan(cls, shipments):
        pass

    @property
    def _check_quantity_source_moves(self):
        # Units short on arrival wait on their case, not in the transfer
        return super()._check_quantity_source_moves + tuple(
            c.move for c in self.shrinkage_cases if c.move)

    @classmethod
    def ship(cls, shipments):
        pool = Pool()
        User = pool.get('res.user')
        for shipment in shipments:
            User.check_branch(shipment.from_branch, shipment)
        super().ship(shipments)

    @classmethod
    def do(cls, shipments):
        pool = Pool()
        User = pool.get('res.user')
        for shipment in shipments:
            User.check_branch(shipment.to_branch, shipment)
        super().do(shipments)

    def _resolve_scans(self, entries):
        pool = Pool()
        Lot = pool.get('stock.lot')
        return Lot.resolve_scans(entries)

    @classmethod
    def dispatch_scanned(cls, shipment, entries):
        """Ship exactly the units and batch quantities scanned

        entries is [(code, quantity)].  Every scan must be requested and
        available at the source; all refusals are reported at once and
        nothing is changed.  What was requested and not scanned is left
        out of the transfer."""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        Scan = pool.get('stock.lot.scan')
        User = pool.get('res.user')
        shipment = cls(shipment.id)
        User.check_branch(shipment.from_branch, shipment)
        if shipment.state not in {'waiting', 'assigned', 'packed'}:
            raise TransferScanError(gettext(
                    'stock_branch.msg_transfer_dispatch_state',
                    shipment=shipment.rec_name))
        transit = shipment.transit_location
        outgoing = [m for m in shipment.moves
            if m.state not in {'done', 'cancelled'}
            and (m.to_location == transit if transit
                else m.from_location == shipment.from_location)]
        requested = defaultdict(float)
        for move in outgoing:
            requested[move.product] += move.internal_quantity

        resolved, unknown = shipment._resolve_scans(entries)
        errors = [gettext('stock_branch.msg_scan_unknown', code=c)
            for c in unknown]
        scanned = defaultdict(float)
        quantities = defaultdict(float)
        sources = {l.id for l in Location.search([
                    ('parent', 'child_of', [shipment.from_location.id]),
                    ])}
        for code, quantity, lot, product in resolved:
            scanned[product] += quantity
            if product not in requested:
                errors.append(gettext(
                        'stock_branch.msg_scan_not_requested',
                        code=code, product=product.rec_name,
                        shipment=shipment.rec_name))
                continue
            if lot and product.serialized:
                quantities[(product, lot)] += 1
                if quantities[(product, lot)] > 1:
                    errors.append(gettext(
                            'stock_branch.msg_scan_twice', code=code))
                elif (lot.current_location is None
                        or lot.current_location.id not in sources
                        or lot.state != 'available'):
                    errors.append(gettext(
                            'stock_branch.msg_scan_not_available',
                            code=code,
                            location=shipment.from_location.rec_name,
                            state=lot.state or '-'))
            else:
                quantities[(product, lot)] += quantity
        for product, quantity in scanned.items():
            if product in requested and quantity > requested[product]:
                errors.append(gettext(
                        'stock_branch.msg_scan_over_request',
                        product=product.rec_name, scanned=quantity,
                        requested=requested[product]))
        if errors:
            Scan.record(cls.__name__ + '.dispatch', [
                    (c, 'rejected', None, None) for c in unknown])
            raise TransferScanError(gettext(
                    'stock_branch.msg_transfer_scan_refused',
                    shipment=shipment.rec_name,
                    errors='\n'.join(errors)))

        # Replace the requested moves by the scanned ones
        incoming = [m for m in shipment.incoming_moves
            if m.state not in {'done', 'cancelled'}] if transit else []
        Move.draft([m for m in outgoing + incoming if m.state == 'assigned'])
        to_location = transit or shipment.to_location
        templates = {m.product: {
                'planned_date': m.planned_date,
                'unit_price': m.unit_price,
                'currency': m.currency.id if m.currency else None,
                } for m in outgoing}
        Move.delete(outgoing + incoming)
        Move.create([{
                    'product': product.id,
                    'unit': product.default_uom.id,
                    'quantity': quantity,
                    'lot': lot.id if lot else None,
                    'from_location': shipment.from_location.id,
                    'to_location': to_location.id,
                    'shipment': str(shipment),
                    'company': shipment.company.id,
                    **templates[product],
                    } for (product, lot), quantity in quantities.items()])
        shipment = cls(shipment.id)
        if shipment.state != 'waiting':
            cls.wait([shipment])
        else:
            cls._sync_moves([shipment])
        cls.assign_try([shipment])
        shipment = cls(shipment.id)
        if shipment.state != 'assigned':
            raise TransferScanError(gettext(
                    'stock_branch.msg_transfer_scan_refused',
                    shipment=shipment.rec_name,
                    errors=gettext(
                        'stock_branch.msg_scan_not_assigned')))
        if transit:
            cls.pack([shipment])
            cls.ship([shipment])
        else:
            cls.do([shipment])
        Scan.record(cls.__name__ + '.dispatch', [
                (c, 'matched', l.id if l else None, None)
                for c, _, l, _ in resolved], own_transaction=False)
        return shipment

    @classmethod
    def receive_scanned(cls, shipment, entries, damaged=(), reason=None):
        """Receive a shipped transfer from the receiver's scans

        Units not scanned are short: they stay in transit on a shrinkage
        case of the sending branch.  Scans not on the transfer are
        unexpected: logged, never moved.  damaged codes go to the
        defective location.  Any discrepancy needs a reason."""
        pool = Pool()
        Move = pool.get('stock.move')
        Scan = pool.get('stock.lot.scan')
        User = pool.get('res.user')
        Discrepancy = pool.get('stock.shipment.internal.discrepancy')
        Case = pool.get('stock.shrinkage.case')
        shipment = cls(shipment.id)
        User.check_branch(shipment.to_branch, shipment)
        if shipment.state != 'shipped':
            raise TransferScanError(gettext(
                    'stock_branch.msg_transfer_receive_state',
                    shipment=shipment.rec_name))
        incoming = [m for m in shipment.incoming_moves
            if m.state not in {'done', 'cancelled'}]
        resolved, unknown = shipment._resolve_scans(entries)
        damaged = {normalize(c) for c in damaged if normalize(c)}

        expected = defaultdict(float)
        for move in incoming:
            expected[(move.product, move.lot)] += move.internal_quantity
        received = defaultdict(float)
        lines, unexpected = [], list(unknown)
        for code, quantity, lot, product in resolved:
            key = (product, lot)
            if key not in expected and (product, None) in expected:
                key = (product, None)
            if key not in expected:
                unexpected.append(code)
                lines.append({
                        'kind': 'unexpected', 'code': code,
                        'product': product.id,
                        'lot': lot.id if lot else None,
                        'quantity': quantity,
                        })
                continue
            received[key] += 1 if product.serialized else quantity
        for code in unknown:
            lines.append({
                    'kind': 'unexpected', 'code': code, 'quantity': 1})
        shorts = {}
        for key, quantity in expected.items():
            if received[key] < quantity:
                shorts[key] = quantity - received[key]
            elif received[key] > quantity:
                product, lot = key
                lines.append({
                        'kind': 'over', 'product': product.id,
                        'lot': lot.id if lot else None,
                        'quantity': received[key] - quantity,
                        })
        for key, quantity in shorts.items():
            product, lot = key
            lines.append({
                    'kind': 'short', 'product': product.id,
                    'lot': lot.id if lot else None, 'quantity': quantity,
                    })
        damaged_keys = set()
        for code, _, lot, product in resolved:
            if code in damaged:
                if lot is None or (product, lot) not in expected:
                    continue
                damaged_keys.add((product, lot))
                lines.append({
                        'kind': 'damaged', 'code': code,
                        'product': product.id, 'lot': lot.id,
                        'quantity': 1,
                        })
        if lines and not reason:
            Scan.record(cls.__name__ + '.receive', [
                    (c, 'rejected', None, None) for c in unexpected])
            raise TransferScanError(gettext(
                    'stock_branch.msg_transfer_discrepancy_reason',
                    shipment=shipment.rec_name,
                    discrepancies=', '.join(sorted({
                                Discrepancy.kind_string(l['kind'])
                                for l in lines}))))

        # Take the short quantities out of the transfer onto their cases
        cases = []
        for move in incoming:
            key = (move.product, move.lot)
            short = shorts.get(key, 0)
            if not short:
                continue
            take = min(short, move.quantity)
            shorts[key] -= take
            if take < move.quantity:
                Move.write([move], {'quantity': move.quantity - take})
                short_move, = Move.copy([move], {'quantity': take})
            else:
                short_move = move
            Move.write([short_move], {'shipment': None})
            cases.append({
                    'shipment': shipment.id,
                    'branch': shipment.from_branch.id,
                    'company': shipment.company.id,
                    'product': move.product.id,
                    'lot': move.lot.id if move.lot else None,
                    'quantity': take,
                    'move': short_move.id,
                    'reason': reason,
                    })
        # The sending branch's case, opened by the receiver
        with without_check_access():
            cases = Case.create(cases)
        case_of = {(c.product.id, c.lot.id if c.lot else None): c.id
            for c in cases}
        for line in lines:
            line.update(shipment=shipment.id, reason=reason)
            if line['kind'] == 'short':
                line['case'] = case_of[(line['product'], line['lot'])]
        Discrepancy.create(lines)
        cls.do([cls(shipment.id)])
        # Damaged units arrive, then go to the defective location
        defective = shipment.to_branch.defective_location
        if damaged_keys and defective:
            arrived = [m for m in cls(shipment.id).incoming_moves
                if m.state == 'done' and (m.product, m.lot) in damaged_keys]
            moves = Move.create([{
                        'product': m.product.id,
                        'unit': m.unit.id,
                        'quantity': m.quantity,
                        'lot': m.lot.id,
                        'from_location': m.to_location.id,
                        'to_location': defective.id,
                        'company': m.company.id,
                        } for m in arrived])
            Move.do(moves)
        Scan.record(cls.__name__ + '.receive', [
                (c, 'matched' if c not in unexpected else 'rejected',
                    l.id if l else None, None)
                for c, _, l, _ in resolved] + [
                (c, 'rejected', None, None) for c in unknown],
            own_transaction=False)
        return cls(shipment.id)


class TransferScanStart(ModelView):
    __name__ = 'stock.shipment.internal.scan.start'

    shipment = fields.Many2One(
        'stock.shipment.internal', "Transfer", readonly=True)
    mode = fields.Selection([
            ('dispatch', "Dispatch"),
            ('receive', "Receive"),
            ], "Mode", readonly=True)
    scans = fields.Text(
        "Scans", required=True,
        help="One scan per line: an IMEI or serial number, or a batch "
        "number or product code followed by its quantity.")
    damaged = fields.Text(
        "Damaged", states={
            'invisible': Eval('mode') != 'receive',
            },
        help="The codes of the units that arrived damaged, one per line.")
    reason = fields.Char(
        "Reason", states={
            'invisible': Eval('mode') != 'receive',
            },
        help="Why what arrived differs from what was sent; "
        "required when it does.")


class _TransferScan(Wizard):
    start = StateView('stock.shipment.internal.scan.start',
        'stock_branch.transfer_scan_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("OK", 'confirm', 'tryton-ok', default=True),
            ])
    confirm = StateTransition()
    _mode = None

    def default_start(self, fields):
        return {
            'shipment': self.record.id if self.record else None,
            'mode': self._mode,
            }


class TransferDispatch(_TransferScan):
    "Dispatch a transfer by scanning what leaves"
    __name__ = 'stock.shipment.internal.dispatch'
    _mode = 'dispatch'

    def transition_confirm(self):
        self.model.dispatch_scanned(
            self.record, parse_scans(self.start.scans))
        return 'end'


class TransferReceive(_TransferScan):
    "Receive a transfer by scanning what arrives"
    __name__ = 'stock.shipment.internal.receive'
    _mode = 'receive'

    def transition_confirm(self):
        damaged = [c for c, _ in parse_scans(self.start.damaged)]
        self.model.receive_scanned(
            self.record, parse_scans(self.start.scans), damaged=damaged,
            reason=self.start.reason)
        return 'end'
