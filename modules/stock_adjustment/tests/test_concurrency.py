# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""A count running while sales happen, on PostgreSQL (real parallel
transactions; SQLite has one writer at a time)."""
import threading
import unittest
from decimal import Decimal

from trytond import backend
from trytond.modules.company.tests import create_company
from trytond.modules.stock_availability.tests import (
    test_concurrency as availability_concurrency)
from trytond.modules.stock_lot_serial.tests.tools import imeis
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

in_transaction = availability_concurrency.in_transaction
UNITS = 20
SOLD_UNITS = 12
CABLES = 100
CABLE_SALES = 30
STOLEN_CABLES = 3


@unittest.skipIf(backend.name == 'sqlite', "SQLite has one writer at a time")
class StockCountConcurrencyTestCase(unittest.TestCase):
    "A count by scan runs while units and cables are sold"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['stock_adjustment'])
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            CreateBranch = pool.get('stock.branch.create', type='wizard')
            Template = pool.get('product.template')
            Uom = pool.get('product.uom')
            Location = pool.get('stock.location')
            Lot = pool.get('stock.lot')
            Move = pool.get('stock.move')
            company = create_company()
            unit, = Uom.search([('name', '=', 'Unit')])
            with transaction.set_context(
                    company=company.id, _skip_warnings=True):
                branch = CreateBranch.create_branch(name="Branch A", code='A')
                cable, phone = Template.create([{
                            'name': name, 'type': 'goods',
                            'default_uom': unit.id, 'tracking': tracking,
                            'products': [('create', [{}])],
                            } for name, tracking in [
                            ("Cable", 'none'), ("Phone", 'imei')]])
                lots = Lot.create([{
                            'product': phone.products[0].id, 'imei': imei,
                            } for imei in imeis('35209014', UNITS)])
                supplier, = Location.search([('code', '=', 'SUP')])
                cls.customer, = [l.id for l in Location.search(
                        [('code', '=', 'CUS')])]
                moves = Move.create([{
                            'product': product, 'lot': lot,
                            'unit': unit.id, 'quantity': quantity,
                            'from_location': supplier.id,
                            'to_location': branch.storage_location.id,
                            'unit_price': Decimal('5'),
                            'currency': company.currency.id,
                            'company': company.id,
                            } for product, lot, quantity in
                        [(cable.products[0].id, None, CABLES)]
                        + [(l.product.id, l.id, 1) for l in lots]])
                Move.do(moves)
            cls.context = {'company': company.id, '_skip_warnings': True}
            cls.company = company.id
            cls.currency = company.currency.id
            cls.unit = unit.id
            cls.storage = branch.storage_location.id
            cls.branch = branch.id
            cls.cable = cable.products[0].id
            cls.phone = phone.products[0].id
            cls.lots = [l.id for l in lots]
            cls.imeis = {l.id: l.imei for l in lots}

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def sell(self, product, lot=None):
        Move = Pool().get('stock.move')
        move, = Move.create([{
                    'product': product, 'lot': lot, 'unit': self.unit,
                    'quantity': 1, 'from_location': self.storage,
                    'to_location': self.customer,
                    'unit_price': Decimal('9'), 'currency': self.currency,
                    'company': self.company,
                    }])
        Move.do([move])

    def start_count(self):
        Inventory = Pool().get('stock.inventory')
        inventory, = Inventory.create([{
                    'company': self.company, 'location': self.storage,
                    'empty_quantity': 'empty', 'blind': True,
                    }])
        Inventory.start_count([inventory])
        return inventory.id

    def count_cables(self, inventory, quantity):
        Inventory = Pool().get('stock.inventory')
        Inventory.count_scanned(Inventory(inventory), [('CABLE', quantity)])

    def scan_unit(self, inventory, lot_id):
        "Scan the unit if it is still on the shelf"
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Lot = pool.get('stock.lot')
        if Lot(lot_id).current_location.id != self.storage:
            return False
        Inventory.count_scanned(
            Inventory(inventory), [(self.imeis[lot_id], 1)])
        return True

    def finish(self, inventory):
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Reason = pool.get('stock.adjustment.reason')
        Line = pool.get('stock.inventory.line')
        theft, = Reason.search([('code', '=', 'THEFT')])
        Inventory.close_count([Inventory(inventory)])
        inventory = Inventory(inventory)
        Line.write([l for l in inventory.lines if l.variance], {
                'reason': theft.id})
        Inventory.approve([inventory])
        Inventory.confirm([Inventory(inventory.id)])

    def test_counters_scan_at_once(self):
        "Two counters scanning the same unit at once make one line"
        _, inventory, _ = in_transaction(self.context, self.start_count)
        lot = self.lots[0]
        barrier = threading.Barrier(2)
        results = [None, None]

        def scan(index):
            barrier.wait()
            results[index] = in_transaction(
                self.context, self.scan_unit, inventory, lot)

        threads = [threading.Thread(target=scan, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertEqual([s for s, _, _ in results], ['done', 'done'])
        with Transaction().start(DB_NAME, 0, context=self.context):
            Inventory = Pool().get('stock.inventory')
            self.assertEqual(
                [(l.lot.id, l.quantity) for l in Inventory(inventory).lines],
                [(lot, 1)])
            Inventory.cancel([Inventory(inventory)])

    def test_count_while_selling(self):
        "Sales during the count are kept; only the real shortage is posted"

        def set_code():
            Product = Pool().get('product.product')
            Product.write([Product(self.cable)], {'suffix_code': 'CABLE'})
        in_transaction(self.context, set_code)
        _, inventory, _ = in_transaction(self.context, self.start_count)
        # The shelf holds 3 cables fewer than the books when counting starts
        status, _, _ = in_transaction(
            self.context, self.count_cables, inventory,
            CABLES - STOLEN_CABLES)
        self.assertEqual(status, 'done')

        barrier = threading.Barrier(3)
        results = {'sell': [], 'scan': []}
        lock = threading.Lock()

        def sell_units():
            barrier.wait()
            for lot in self.lots[::-1][:SOLD_UNITS]:
                result = in_transaction(
                    self.context, self.sell, self.phone, lot)
                with lock:
                    results['sell'].append(result)

        def sell_cables():
            barrier.wait()
            for _ in range(CABLE_SALES):
                result = in_transaction(self.context, self.sell, self.cable)
                with lock:
                    results['sell'].append(result)

        def scan():
            barrier.wait()
            for lot in self.lots:
                result = in_transaction(
                    self.context, self.scan_unit, inventory, lot)
                with lock:
                    results['scan'].append(result)

        threads = [threading.Thread(target=f)
            for f in [sell_units, sell_cables, scan]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        self.assertEqual(
            [s for s, _, _ in results['sell']],
            ['done'] * (SOLD_UNITS + CABLE_SALES), results['sell'])
        self.assertEqual(
            [s for s, _, _ in results['scan']], ['done'] * UNITS)
        scanned = sum(1 for _, v, _ in results['scan'] if v)
        status, _, _ = in_transaction(self.context, self.finish, inventory)
        self.assertEqual(status, 'done')

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Inventory = pool.get('stock.inventory')
            Lot = pool.get('stock.lot')
            Product = pool.get('product.product')
            Availability = pool.get('stock.availability')
            inventory = Inventory(inventory)
            self.assertEqual(inventory.state, 'done')
            # Units sold before their scan are settled by their sale
            self.assertEqual(inventory.shrinkage_cases, ())
            lines = {l.lot.id: l for l in inventory.lines if l.lot}
            self.assertEqual(len(lines), UNITS)
            self.assertEqual(
                sum(1 for l in lines.values() if l.result == 'match'),
                scanned)
            for line in lines.values():
                self.assertEqual(line.moves, ())
                if line.result == 'missing':
                    self.assertTrue(line.moved_since)
            places = {l.id: l.current_location.id
                for l in Lot.browse(self.lots)}
            self.assertEqual(
                sorted(places.values()),
                sorted([self.customer] * SOLD_UNITS
                    + [self.storage] * (UNITS - SOLD_UNITS)))
            # The shortage found is posted on top of the sales
            with Transaction().set_context(locations=[self.storage]):
                self.assertEqual(
                    Product(self.cable).quantity,
                    CABLES - CABLE_SALES - STOLEN_CABLES)
            self.assertEqual(Availability.check_cache(), [])
