# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal
from unittest.mock import patch

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.repair.tests.tools import create_unit, receive
from trytond.modules.sale_point_serial.exceptions import (
    POSScanError, POSUnitError)
from trytond.modules.sale_point_serial import sale as sale_module
from trytond.modules.stock_availability.exceptions import AtpError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .tools import create_till, paid_sale

# The receipts of the tests have no purchase behind them
NO_ORIGIN = {'_skip_warnings': True}


class SalePointSerialTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Sale Point Serial module"
    module = 'sale_point_serial'
    extras = ['warranty', 'rma']

    @with_transaction(context=NO_ORIGIN)
    def test_scan_adds_units_at_their_price(self):
        "A scanned unit comes with its price; bad scans add nothing"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            Lot.write([unit], {'unit_list_price': Decimal('750')})
            away = create_unit(phone, branch.quarantine_location, index=1)
            receive(cable, branch.storage_location, 10, '2')
            sale, = Sale.create([{'point': point.id}])

            for entries, message in [
                    ([('nope', 1)], 'no unit'),
                    ([(away.imei, 1)], 'not available in'),
                    ([(unit.imei, 1), (unit.imei, 1)], 'already'),
                    ]:
                with self.assertRaisesRegex(POSScanError, message):
                    Sale.add_scans(sale, entries)
                self.assertEqual(Sale(sale.id).lines, ())

            lines = Sale.add_scans(sale, [
                    (unit.imei, 1), ('CABLE', 3)])
            self.assertEqual(
                [(l.product, l.lot, l.quantity, l.unit_list_price)
                    for l in lines],
                [(phone, unit, 1, Decimal('750')), (cable, None, 3,
                        Decimal('10'))])
            self.assertEqual(Move.search([('lot', '=', unit.id),
                        ('to_location.type', '=', 'customer')]), [])

    @with_transaction(context=NO_ORIGIN)
    def test_unit_sold_to_a_customer_with_warranty(self):
        "A unit needs a customer, who gets its warranty at posting"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        Policy = pool.get('warranty.policy')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            Policy.create([{'name': "Phones", 'replacement_days': 14,
                        'service_months': 12, 'terms': "Terms"}])
            alice, = Party.create([{'name': "Alice"}])

            values = paid_sale(point, [(phone, 1, unit)])
            sale, = Sale.create([values])
            with self.assertRaisesRegex(POSUnitError, 'customer'):
                Sale.process([sale])
            self.assertEqual(Sale(sale.id).state, 'open')

            Sale.write([sale], {'party': alice.id})
            Sale.process([sale])
            Sale.post([sale])
            sale = Sale(sale.id)
            unit = Lot(unit.id)
            self.assertEqual(sale.state, 'posted')
            self.assertEqual(
                (unit.state, unit.owner, unit.current_location),
                ('sold', alice, point.customer_location))
            self.assertEqual(
                (unit.warranty.customer, unit.warranty.origin),
                (alice, sale))
            # Posting again changes nothing
            Sale.post([sale])
            move, = sale.lines[0].moves
            self.assertEqual(move.state, 'done')

            # The unit is gone: another sale of it is refused
            other, = Sale.create([paid_sale(point, [(phone, 1, unit)],
                        party=alice)])
            with self.assertRaisesRegex(POSUnitError, 'not available'):
                Sale.process([other])

    @with_transaction(context=NO_ORIGIN)
    def test_unit_refund_to_inspection(self):
        "A refunded unit goes to the quarantine, where it waits inspection"
        pool = Pool()
        Inspection = pool.get('rma.inspection')
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            shelf = create_unit(phone, branch.storage_location, index=1)
            alice, bob = Party.create([{'name': "Alice"}, {'name': "Bob"}])
            sale, = Sale.create([paid_sale(
                        point, [(phone, 1, unit)], party=alice)])
            Sale.process([sale])
            Sale.post([sale])

            for lot, party in [(shelf, alice), (unit, bob)]:
                refund, = Sale.create([paid_sale(
                            point, [(phone, -1, lot)], party=party)])
                with self.assertRaisesRegex(POSUnitError, 'not with'):
                    Sale.process([refund])
                self.assertEqual(Sale(refund.id).state, 'open')

            refund, = Sale.create([paid_sale(
                        point, [(phone, -1, unit)], party=alice)])
            Sale.process([refund])
            Sale.post([refund])
            unit = Lot(unit.id)
            self.assertEqual(
                (unit.state, unit.current_location, unit.owner),
                ('returned', branch.quarantine_location, company.party))
            inspection, = Inspection.search([('lot', '=', unit.id)])
            self.assertEqual(inspection.state, 'pending')

    @with_transaction(context=NO_ORIGIN)
    def test_batches_first_expiry_and_atp(self):
        "Batches sell by first expiry; what is not there is refused"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Sale = pool.get('sale.point.sale')
        Template = pool.get('product.template')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            Template.write([cable.template], {
                    'tracking': 'batch', 'expiration_state': 'optional'})
            today = Date.today()
            late, early = Lot.create([
                    {'product': cable.id, 'number': 'LATE',
                        'expiration_date': today.replace(year=today.year + 2)},
                    {'product': cable.id, 'number': 'EARLY',
                        'expiration_date': today.replace(year=today.year + 1)},
                    ])
            receive(cable, branch.storage_location, 5, '2', lot=late)
            receive(cable, branch.storage_location, 3, '2', lot=early)

            sale, = Sale.create([paid_sale(point, [(cable, 4, None)])])
            Sale.process([sale])
            Sale.post([sale])
            sale = Sale(sale.id)
            self.assertEqual(sorted(
                    (m.lot.number, m.quantity) for m in sale.lines[0].moves),
                [('EARLY', 3), ('LATE', 1)])

            too_many, = Sale.create([paid_sale(point, [(cable, 5, None)])])
            Sale.process([too_many])
            with self.assertRaises(AtpError):
                Sale.post([too_many])

    @with_transaction(context=NO_ORIGIN)
    def test_submit_once_per_client_key(self):
        "A till's sale submitted twice is one sale, posted once"
        pool = Pool()
        Move = pool.get('stock.move')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            receive(cable, branch.storage_location, 10, '2')
            values = paid_sale(point, [(cable, 2, None)], client_key='T1-42')
            first, = Sale.submit([values])
            again, = Sale.submit([values])
            self.assertEqual(first, again)
            self.assertEqual(first.state, 'posted')
            self.assertEqual(Sale.search([], count=True), 1)
            self.assertEqual(Move.search([
                        ('product', '=', cable.id),
                        ('to_location.type', '=', 'customer'),
                        ], count=True), 1)

    @with_transaction(context=NO_ORIGIN)
    def test_submit_waits_in_line_before_its_work(self):
        "A submit queues on the journal-entry sequence before it builds"
        pool = Pool()
        Period = pool.get('account.period')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            receive(cable, branch.storage_location, 10, '2')
            sequence = Period.find(company).move_sequence_used
            holds = []

            def hold(queued=None, records=None):
                holds.append((queued, records, Sale.search([], count=True)))
                return locking_hold(queued=queued, records=records)
            locking_hold = sale_module.locking.hold
            with patch.object(sale_module.locking, 'hold', hold):
                sale, = Sale.submit([paid_sale(
                            point, [(cable, 1, None)], client_key='T1-1')])
            self.assertEqual(sale.state, 'posted')
            (queued, records, sales), *later = holds
            # In line, with the till locked, before the sale is built
            self.assertEqual((queued, records, sales), (
                    {'ir_sequence_strict': {sequence.id}},
                    {'sale_point': {point.id}}, 0))
            # What posting holds later includes it
            self.assertIn({'ir_sequence_strict': {sequence.id}},
                [q for q, _, _ in later])


del ModuleTestCase
