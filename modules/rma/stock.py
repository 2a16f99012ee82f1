# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.stock_branch.transfer import parse_scans
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ReturnScanError


def in_quarantine(location):
    "Whether stock at location waits for its inspection"
    return (location.type == 'storage'
        and location.stock_state == 'returned')


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    replaces = fields.Many2One(
        'stock.lot', "Replaces", readonly=True, ondelete='RESTRICT',
        domain=[('product', '=', Eval('product', -1))],
        states={
            'invisible': ~Eval('replaces'),
            },
        help="The unit sent back to the supplier that this one replaces.")
    replaced_by = fields.One2Many(
        'stock.lot', 'replaces', "Replaced by", readonly=True,
        states={
            'invisible': ~Eval('replaced_by'),
            })
    inspections = fields.One2Many(
        'rma.inspection', 'lot', "Inspections", readonly=True)

    @classmethod
    def copy(cls, lots, default=None):
        default = default.copy() if default else {}
        default.setdefault('replaces', None)
        default.setdefault('replaced_by', None)
        default.setdefault('inspections', None)
        return super().copy(lots, default=default)

    def last_sale_move(self):
        "The last done move that took the unit to a customer, or None"
        pool = Pool()
        Move = pool.get('stock.move')
        moves = Move.search([
                ('lot', '=', self.id),
                ('state', '=', 'done'),
                ('to_location.type', '=', 'customer'),
                ], order=[('effective_date', 'DESC'), ('id', 'DESC')],
            limit=1)
        return moves[0] if moves else None


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'rma.inspection', 'rma.supplier.line']

    @property
    def arrives_in_quarantine(self):
        "Whether the done move brings stock into a returns quarantine"
        return (self.state == 'done'
            and in_quarantine(self.to_location)
            and not in_quarantine(self.from_location))

    @property
    def leaves_quarantine(self):
        "Whether the done move takes stock out of a returns quarantine"
        return (self.state == 'done'
            and in_quarantine(self.from_location)
            and not in_quarantine(self.to_location))

    @classmethod
    def do(cls, moves):
        pool = Pool()
        Inspection = pool.get('rma.inspection')
        super().do(moves)
        Inspection.close_left([m for m in moves if m.leaves_quarantine])
        Inspection.open([m for m in moves if m.arrives_in_quarantine])


class ShipmentOutReturn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.return'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'scan': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @fields.depends('warehouse')
    def on_change_warehouse(self):
        super().on_change_warehouse()
        quarantine = self.warehouse.quarantine_location \
            if self.warehouse else None
        if quarantine:
            # Received straight into quarantine, where it is inspected
            self.warehouse_input = self.warehouse_storage = quarantine

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Location = pool.get('stock.location')
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('warehouse')
                and not values.get('warehouse_input')):
            warehouse = Location(values['warehouse'])
            quarantine = warehouse.quarantine_location
            if quarantine:
                values['warehouse_input'] = quarantine.id
                values['warehouse_storage'] = quarantine.id
        return values

    @classmethod
    @ModelView.button_action('rma.wizard_return_scan')
    def scan(cls, shipments):
        pass

    @classmethod
    def receive_scanned(cls, shipment, entries):
        """Receive the return from the scans of what the customer brought

        entries is [(code, quantity)].  A scanned unit fills the return's
        move of its product or gets its own; every unit must be with a
        customer and, when the shop knows it, this return's customer.  A
        move of units left without a scan is refused.  All refusals are
        reported at once and nothing is changed."""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Scan = pool.get('stock.lot.scan')
        User = pool.get('res.user')
        shipment = cls(shipment.id)
        User.check_branch(shipment.warehouse, shipment)
        if shipment.state != 'draft':
            raise ReturnScanError(gettext(
                    'rma.msg_return_scan_state', shipment=shipment.rec_name))
        resolved, unknown = Lot.resolve_scans(entries)
        errors = [gettext('rma.msg_return_scan_unknown', code=c)
            for c in unknown]
        open_moves = defaultdict(list)
        for move in shipment.incoming_moves:
            if move.state == 'draft' and not move.lot:
                open_moves[move.product].append(move)
        units = list({l for _, _, l, p in resolved if l and p.serialized})
        if units:
            Lot.lock(units)
        seen, to_save = set(), []
        for code, quantity, lot, product in resolved:
            if lot and product.serialized:
                lot = Lot(lot.id)
                if lot in seen:
                    errors.append(gettext(
                            'rma.msg_return_scan_twice', code=code))
                    continue
                seen.add(lot)
                location = lot.current_location
                if not location or location.type != 'customer':
                    errors.append(gettext(
                            'rma.msg_return_scan_not_sold', code=code,
                            location=location.rec_name if location else '-'))
                    continue
                if ((lot.owner and lot.owner != shipment.customer)
                        or location != shipment.customer_location):
                    holder = lot.owner or location
                    errors.append(gettext(
                            'rma.msg_return_scan_other_customer',
                            code=code, owner=holder.rec_name,
                            customer=shipment.customer.rec_name))
                    continue
                quantity = 1
            if open_moves[product]:
                move = open_moves[product].pop(0)
            else:
                move = shipment._scanned_move(product, lot)
            move.lot = lot
            move.quantity = quantity
            to_save.append(move)
        for product, moves in open_moves.items():
            if product.serialized and moves:
                errors.append(gettext(
                        'rma.msg_return_scan_missing_unit',
                        product=product.rec_name, count=len(moves)))
        if errors:
            Scan.record(cls.__name__ + '.receive', [
                    (c, 'rejected', None, None) for c in unknown])
            raise ReturnScanError(gettext(
                    'rma.msg_return_scan_refused',
                    shipment=shipment.rec_name,
                    errors='\n'.join(errors)))
        Move.save(to_save)
        cls.receive([shipment])
        Scan.record(cls.__name__ + '.receive', [
                (c, 'matched', l.id if l else None, None)
                for c, _, l, _ in resolved], own_transaction=False)
        return cls(shipment.id)

    def _scanned_move(self, product, lot):
        "A move for a scan the return did not expect, at the price sold"
        pool = Pool()
        Move = pool.get('stock.move')
        unit_price, currency = Decimal(0), self.company.currency
        sale_move = lot.last_sale_move() if lot else None
        if sale_move and sale_move.unit_price is not None:
            unit_price = sale_move.unit_price
            currency = sale_move.currency or currency
        elif lot and lot.unit_list_price is not None:
            unit_price = lot.unit_list_price
        return Move(
            product=product, unit=product.default_uom,
            from_location=self.customer_location,
            to_location=self.warehouse_input, shipment=self,
            company=self.company, unit_price=unit_price, currency=currency,
            planned_date=self.planned_date)


class ReturnScanStart(ModelView):
    __name__ = 'stock.shipment.out.return.scan.start'

    shipment = fields.Many2One(
        'stock.shipment.out.return', "Customer Return", readonly=True)
    scans = fields.Text(
        "Scans", required=True,
        help="One scan per line: an IMEI or serial number, or a batch "
        "number or product code followed by its quantity.")


class ReturnScan(Wizard):
    "Receive a customer return by scanning what the customer brings"
    __name__ = 'stock.shipment.out.return.scan'

    start = StateView('stock.shipment.out.return.scan.start',
        'rma.return_scan_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Receive", 'receive', 'tryton-ok', default=True),
            ])
    receive = StateTransition()

    def default_start(self, fields):
        return {
            'shipment': self.record.id if self.record else None,
            }

    def transition_receive(self):
        self.model.receive_scanned(
            self.record, parse_scans(self.start.scans))
        return 'end'
