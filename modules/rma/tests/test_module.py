# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.repair.tests.tools import (
    create_shop, create_unit, receive)
from trytond.modules.rma.exceptions import (
    InspectionError, ReturnScanError, SupplierRMAError)
from trytond.modules.stock_lot_serial.tests.tools import imeis
from trytond.modules.warranty.tests.tools import create_sold_unit, sell
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

# The moves of the tests have no sale or purchase behind them
NO_ORIGIN = {'_skip_warnings': True}


def external():
    "As a client's call, which check_modification guards"
    return Transaction().set_context(_check_access=True)


def create_return(branch, customer):
    "A draft customer return of customer to branch"
    pool = Pool()
    ShipmentOutReturn = pool.get('stock.shipment.out.return')
    shipment = ShipmentOutReturn(customer=customer, warehouse=branch)
    shipment.on_change_warehouse()
    shipment.save()
    return shipment


def move_unit(lot, from_location, to_location):
    "Move the unit lot from from_location to to_location; return the move"
    pool = Pool()
    Move = pool.get('stock.move')
    move, = Move.create([{
                'product': lot.product.id,
                'unit': lot.product.default_uom.id,
                'quantity': 1, 'lot': lot.id,
                'from_location': from_location.id,
                'to_location': to_location.id,
                'company': Transaction().context['company'],
                }])
    Move.do([move])
    return move


def returned_unit(company):
    """Sell a phone and take it back by scan; return (branch, customer,
    the unit, its inspection)"""
    pool = Pool()
    Inspection = pool.get('rma.inspection')
    Lot = pool.get('stock.lot')
    Party = pool.get('party.party')
    ShipmentOutReturn = pool.get('stock.shipment.out.return')
    branch, _, lot, _ = create_sold_unit(company)
    customer, = Party.create([{'name': "Alice"}])
    shipment = create_return(branch, customer)
    ShipmentOutReturn.receive_scanned(shipment, [(lot.imei, 1)])
    inspection, = Inspection.search([('lot', '=', lot.id)])
    return branch, customer, Lot(lot.id), inspection


class RMATestCase(CompanyTestMixin, ModuleTestCase):
    "Test RMA module"
    module = 'rma'

    @with_transaction(context=NO_ORIGIN)
    def test_return_received_by_scan_into_quarantine(self):
        "A scanned return puts the unit in quarantine with an inspection"
        pool = Pool()
        Inspection = pool.get('rma.inspection')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Party = pool.get('party.party')
        Scan = pool.get('stock.lot.scan')
        ShipmentOutReturn = pool.get('stock.shipment.out.return')
        company = create_company()
        with set_company(company):
            branch, _, lot, sale_move = create_sold_unit(company)
            kept = create_unit(
                lot.product, branch.storage_location, index=1)
            customer, = Party.create([{'name': "Alice"}])
            shipment = create_return(branch, customer)
            self.assertEqual(
                shipment.warehouse_storage, branch.quarantine_location)

            # Each bad scan is reported and nothing changes
            for entries, message in [
                    ([('nothing', 1)], 'no unit'),
                    ([(kept.imei, 1)], 'not with a customer'),
                    ([(lot.imei, 1), (lot.imei, 1)], 'scanned twice'),
                    ]:
                with self.assertRaisesRegex(ReturnScanError, message):
                    ShipmentOutReturn.receive_scanned(shipment, entries)
                self.assertEqual(ShipmentOutReturn(shipment.id).state, 'draft')
                self.assertEqual(
                    Move.search([('shipment', '=', str(shipment))]), [])
                self.assertEqual(Inspection.search([]), [])

            shipment = ShipmentOutReturn.receive_scanned(
                shipment, [(lot.imei[:5] + ' ' + lot.imei[5:], 1)])
            self.assertEqual(shipment.state, 'done')
            move, = shipment.moves
            self.assertEqual(move.unit_price, sale_move.unit_price)
            lot = Lot(lot.id)
            self.assertEqual(
                (lot.current_location, lot.state),
                (branch.quarantine_location, 'returned'))

            inspection, = Inspection.search([])
            self.assertEqual(inspection.state, 'pending')
            self.assertEqual(
                (inspection.lot, inspection.quantity, inspection.origin,
                    inspection.sold_by, inspection.customer,
                    inspection.warehouse),
                (lot, 1, shipment, sale_move, customer, branch))
            self.assertTrue(Scan.search([
                        ('code', '=', lot.imei), ('result', '=', 'matched'),
                        ]))

            # A received return takes no more scans
            with self.assertRaisesRegex(ReturnScanError, 'already'):
                ShipmentOutReturn.receive_scanned(shipment, [(lot.imei, 1)])

    @with_transaction(context=NO_ORIGIN)
    def test_return_of_another_customer_refused(self):
        "A unit shipped to one customer is not returned by another"
        pool = Pool()
        Location = pool.get('stock.location')
        Party = pool.get('party.party')
        ShipmentOutReturn = pool.get('stock.shipment.out.return')
        company = create_company()
        with set_company(company):
            branch, _, lot, _ = create_sold_unit(company)
            bob, = Party.create([{'name': "Bob"}])
            elsewhere, = Location.create([{
                        'name': "Other Customers", 'type': 'customer'}])
            other, = Party.create([{
                        'name': "Carol",
                        'customer_location': elsewhere.id,
                        }])
            shipment = create_return(branch, other)
            with self.assertRaisesRegex(ReturnScanError, 'not to "Carol"'):
                ShipmentOutReturn.receive_scanned(
                    shipment, [(lot.imei, 1)])
            shipment = create_return(branch, bob)
            shipment = ShipmentOutReturn.receive_scanned(
                shipment, [(lot.imei, 1)])
            self.assertEqual(shipment.state, 'done')

    @with_transaction(context=NO_ORIGIN)
    def test_inspection_results(self):
        "Restock regrades, defective and supplier keep their own places"
        pool = Pool()
        Grade = pool.get('stock.lot.grade')
        Inspection = pool.get('rma.inspection')
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        ShipmentOutReturn = pool.get('stock.shipment.out.return')
        SupplierRMA = pool.get('rma.supplier')
        company = create_company()
        with set_company(company):
            branch, customer, lot, inspection = returned_unit(company)
            refurbished, = Grade.search([('code', '=', 'refurb_a')])
            Inspection.write([inspection], {
                    'grade': refurbished.id, 'battery_health': 91,
                    'note': "Box opened, as new"})
            Inspection.restock([inspection])
            inspection = Inspection(inspection.id)
            lot = Lot(lot.id)
            self.assertEqual(
                (inspection.state, inspection.result),
                ('done', 'restock'))
            self.assertEqual(
                (lot.current_location, lot.state, lot.grade,
                    lot.battery_health),
                (branch.storage_location, 'available', refurbished, 91))
            self.assertEqual(inspection.move.to_location,
                branch.storage_location)
            # A retried click changes nothing
            Inspection.restock([inspection])
            self.assertEqual(Lot(lot.id).history[-1], inspection.move)
            with external():
                with self.assertRaises(AccessError):
                    Inspection.write([inspection], {'note': "Other"})
                with self.assertRaises(AccessError):
                    Inspection.delete([inspection])

            # Sold again and back: marked defective this time
            sell(lot, customer.customer_location, company)
            shipment = create_return(branch, customer)
            ShipmentOutReturn.receive_scanned(shipment, [(lot.imei, 1)])
            second, = Inspection.search([('state', '=', 'pending')])
            self.assertEqual(second.arrival_grade, refurbished)
            Inspection.defective([second])
            self.assertEqual(
                (Lot(lot.id).current_location, Lot(lot.id).state),
                (branch.defective_location, 'defective'))

            # A unit that left quarantine is not decided on again
            third_unit = create_unit(lot.product, index=2)
            receive(lot.product, branch.quarantine_location, 1, '250',
                lot=third_unit)
            third, = Inspection.search([('state', '=', 'pending')])
            self.assertIsNone(third.customer)
            with self.assertRaisesRegex(InspectionError, 'supplier'):
                Inspection.to_supplier([third])
            supplier, = Party.create([{'name': "Phones Ltd"}])
            Inspection.write([third], {'supplier': supplier.id})
            Inspection.to_supplier([third])
            third = Inspection(third.id)
            rma, = SupplierRMA.search([])
            line, = rma.lines
            self.assertEqual(
                (rma.state, rma.supplier, rma.warehouse, third.supplier_line,
                    line.lot, line.from_location, line.unit_cost),
                ('draft', supplier, branch, line, third_unit,
                    branch.quarantine_location, Decimal('250')))
            self.assertEqual(Lot(third_unit.id).state, 'returned')

    @with_transaction(context=NO_ORIGIN)
    def test_inspection_of_moved_unit_refused(self):
        "A unit that leaves quarantine closes its inspection"
        pool = Pool()
        Inspection = pool.get('rma.inspection')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            branch, _, lot, inspection = returned_unit(company)
            move = move_unit(
                lot, branch.quarantine_location, branch.repair_location)
            inspection = Inspection(inspection.id)
            self.assertEqual(
                (inspection.state, inspection.result, inspection.move),
                ('done', 'moved', move))
            # Too late to restock it: nothing moves
            Inspection.restock([inspection])
            self.assertEqual(
                Lot(lot.id).current_location, branch.repair_location)

    @with_transaction(context=NO_ORIGIN)
    def test_supplier_rma(self):
        "Send, accept with a replacement, reject and bring back"
        pool = Pool()
        Inspection = pool.get('rma.inspection')
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        SupplierRMA = pool.get('rma.supplier')
        Line = pool.get('rma.supplier.line')
        company = create_company()
        with set_company(company):
            branch, _, lot, inspection = returned_unit(company)
            Inspection.defective([inspection])
            available = create_unit(
                lot.product, branch.storage_location, index=3)
            supplier, = Party.create([{'name': "Phones Ltd"}])

            def create_rma(*units):
                rma, = SupplierRMA.create([{
                            'company': company.id,
                            'warehouse': branch.id,
                            'supplier': supplier.id,
                            'lines': [('create', [{
                                            'product': u.product.id,
                                            'lot': u.id, 'quantity': 1,
                                            'unit': u.product.default_uom.id,
                                            'from_location':
                                            u.current_location.id,
                                            'unit_cost': u.unit_cost,
                                            } for u in units])],
                            }])
                return rma

            # Stock for sale is not sent back
            with self.assertRaises(DomainValidationError):
                create_rma(Lot(available.id))

            rma = create_rma(Lot(lot.id))
            self.assertRegex(rma.number, r'^RMA\d+')
            SupplierRMA.send([rma])
            lot = Lot(lot.id)
            self.assertEqual(
                (lot.current_location, lot.state),
                (supplier.supplier_location, 'returned'))
            with external(), self.assertRaises(AccessError):
                Line.write(list(rma.lines), {'quantity': 2})
            with self.assertRaisesRegex(SupplierRMAError, 'outcome'):
                SupplierRMA.accept([rma])
            line, = rma.lines
            Line.write([line], {'outcome': 'replace'})
            with self.assertRaisesRegex(SupplierRMAError, 'IMEI'):
                SupplierRMA.accept([rma])
            code = imeis('35209011', 1, 7)[0]
            Line.write([line], {'replacement_code': code})
            SupplierRMA.accept([rma])
            line = Line(line.id)
            replacement = line.replacement
            self.assertEqual(
                (replacement.imei, replacement.replaces, replacement.state,
                    replacement.current_location, replacement.unit_cost,
                    replacement.supplier),
                (code, lot, 'available', branch.storage_location,
                    lot.unit_cost, supplier))
            self.assertEqual(Lot(lot.id).replaced_by, (replacement,))
            self.assertIsNone(SupplierRMA(rma.id).credit_note)
            SupplierRMA.close([rma])
            self.assertEqual(SupplierRMA(rma.id).state, 'closed')
            with external(), self.assertRaises(AccessError):
                SupplierRMA.delete([rma])

            # A unit that left its quarantine since the line was made
            unit = create_unit(lot.product, index=4)
            receive(lot.product, branch.quarantine_location, 1, '200',
                lot=unit)
            rma = create_rma(Lot(unit.id))
            move = move_unit(
                unit, branch.quarantine_location, branch.repair_location)
            with self.assertRaisesRegex(SupplierRMAError, 'Under Repair'):
                SupplierRMA.send([rma])
            self.assertEqual(SupplierRMA(rma.id).state, 'draft')
            self.assertEqual(
                Lot(unit.id).current_location, branch.repair_location)

            # Its inspection closed as it left; back, it waits for another
            first, = Inspection.search([('lot', '=', unit.id)])
            self.assertEqual(
                (first.state, first.result, first.move),
                ('done', 'moved', move))
            move_unit(
                unit, branch.repair_location, branch.quarantine_location)
            second, = Inspection.search([
                    ('lot', '=', unit.id), ('state', '=', 'pending')])
            SupplierRMA.send([rma])
            second = Inspection(second.id)
            self.assertEqual(
                (second.state, second.result, second.supplier_line),
                ('done', 'supplier', rma.lines[0]))

            # Rejected: the unit comes back for a new inspection
            with self.assertRaisesRegex(SupplierRMAError, 'reason'):
                SupplierRMA.reject([rma])
            SupplierRMA.write([rma], {'reject_reason': "Liquid damage"})
            SupplierRMA.reject([rma])
            unit = Lot(unit.id)
            self.assertEqual(
                (SupplierRMA(rma.id).state, unit.current_location,
                    unit.state),
                ('rejected', branch.quarantine_location, 'returned'))
            third, = Inspection.search([
                    ('lot', '=', unit.id), ('state', '=', 'pending')])
            self.assertEqual(third.origin, Line(rma.lines[0].id))

    @with_transaction(context=NO_ORIGIN)
    def test_supplier_rma_of_a_batch(self):
        "A quantity goes back as inspected, and no more than is there"
        pool = Pool()
        Inspection = pool.get('rma.inspection')
        Party = pool.get('party.party')
        Product = pool.get('product.product')
        SupplierRMA = pool.get('rma.supplier')
        Line = pool.get('rma.supplier.line')
        company = create_company()
        with set_company(company):
            branch, _, screen = create_shop()
            supplier, = Party.create([{'name': "Parts Ltd"}])
            receive(screen, branch.quarantine_location, 5, '40')
            inspection, = Inspection.search([])
            self.assertEqual(
                (inspection.product, inspection.quantity, inspection.lot),
                (screen, 5, None))
            Inspection.write([inspection], {'supplier': supplier.id})
            Inspection.to_supplier([inspection])
            rma, = SupplierRMA.search([])
            line, = rma.lines
            self.assertEqual(
                (line.quantity, line.unit_cost, line.amount),
                (5, Decimal('40'), Decimal('200')))

            # More than waits in quarantine is refused; nothing moves
            Line.write([line], {'quantity': 6})
            with self.assertRaisesRegex(SupplierRMAError, 'not in'):
                SupplierRMA.send([rma])

            def on_hand(location):
                with Transaction().set_context(locations=[location.id]):
                    return Product(screen.id).quantity
            self.assertEqual(on_hand(branch.quarantine_location), 5)

            Line.write([line], {'quantity': 5})
            SupplierRMA.send([rma])
            self.assertEqual(on_hand(branch.quarantine_location), 0)
            Line.write([line], {'outcome': 'replace'})
            SupplierRMA.accept([rma])
            self.assertEqual(on_hand(branch.storage_location), 5)
            self.assertIsNone(Line(line.id).replacement)


del ModuleTestCase
