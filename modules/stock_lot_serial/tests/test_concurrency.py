# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Real parallel transactions on PostgreSQL (SQLite has no row locks).

Each worker thread runs its own transaction the way trytond's dispatcher
does: a TransactionError restarts it with the locks it asked for taken
first, and a lock or serialization conflict is retried.
"""
import threading
import time
import unittest
from decimal import Decimal

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction, TransactionError

IMEI = '490154203237518'
IMEI_NOW = '352090160000001'
RETRIES = 40


def in_transaction(context, func, *args):
    "Run func like the dispatcher runs an RPC call; return (status, value)"
    extras = {}
    for attempt in range(RETRIES):
        try:
            with Transaction().start(
                    DB_NAME, 0, context=context, **extras):
                return 'done', func(*args)
        except TransactionError as error:
            error.fix(extras)
        except backend.DatabaseOperationalError:
            time.sleep(0.01 * (attempt + 1))
        except UserError as error:
            return 'refused', error
    return 'gave up', None


def start_together(count, func):
    "Run func(index) in count threads started at the same instant"
    barrier = threading.Barrier(count)
    results = [None] * count

    def work(index):
        barrier.wait()
        results[index] = func(index)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def race(count, context, func):
    "Start count workers at the same instant; return their results"
    return start_together(
        count, lambda index: in_transaction(context, func, index))


@unittest.skipIf(backend.name == 'sqlite', "SQLite has no row locks")
class StockLotSerialConcurrencyTestCase(unittest.TestCase):
    "Concurrent receipts and sales of one unit; autonomous scan log"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['stock_lot_serial'])
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Template = pool.get('product.template')
            Uom = pool.get('product.uom')
            Location = pool.get('stock.location')
            company = create_company()
            unit, = Uom.search([('name', '=', 'Unit')])
            with transaction.set_context(company=company.id):
                template, = Template.create([{
                            'name': "Phone",
                            'type': 'goods',
                            'default_uom': unit.id,
                            'tracking': 'imei',
                            'products': [('create', [{}])],
                            }])
            cls.context = {'company': company.id}
            cls.product = template.products[0].id
            cls.unit = unit.id
            cls.currency = company.currency.id
            cls.locations = {l.code: l.id for l in Location.search([
                        ('code', 'in', ['SUP', 'STO', 'CUS', 'WH'])])}
            Party = pool.get('party.party')
            cls.supplier = Party.create([{'name': "Supplier"}])[0].id

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def new_move(self, lot, from_, to):
        Move = Pool().get('stock.move')
        move, = Move.create([{
                    'product': self.product,
                    'unit': self.unit,
                    'quantity': 1,
                    'from_location': self.locations[from_],
                    'to_location': self.locations[to],
                    'lot': lot,
                    'company': self.context['company'],
                    'unit_price': Decimal('400'),
                    'currency': self.currency,
                    }])
        return move

    def receive(self, worker):
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        lot, = Lot.create([{'product': self.product, 'imei': IMEI}])
        Move.do([self.new_move(lot.id, 'SUP', 'STO')])
        return lot.id

    def sell(self, worker):
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        lot, = Lot.search([('imei', '=', IMEI)])
        move = self.new_move(lot.id, 'STO', 'CUS')
        Move.do([move])
        return move.id

    def test_receipts_then_sales(self):
        "10 receipts of one IMEI give 1 unit; 5 sales of it give 1 sale"
        results = race(10, self.context, self.receive)
        statuses = [s for s, _ in results]
        self.assertEqual(statuses.count('done'), 1, results)
        self.assertEqual(statuses.count('refused'), 9, results)
        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Lot = pool.get('stock.lot')
            Move = pool.get('stock.move')
            lots = Lot.search([('imei', '=', IMEI)])
            self.assertEqual(len(lots), 1)
            self.assertEqual(
                lots[0].current_location.id, self.locations['STO'])
            self.assertEqual(Move.search([
                        ('lot', '=', lots[0].id),
                        ('state', '=', 'done')], count=True), 1)

        results = race(5, self.context, self.sell)
        statuses = [s for s, _ in results]
        self.assertEqual(statuses.count('done'), 1, results)
        self.assertEqual(statuses.count('refused'), 4, results)
        for status, error in results:
            if status == 'refused':
                self.assertIn('Customer", not at', error.message)
        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Lot = pool.get('stock.lot')
            Move = pool.get('stock.move')
            lot, = Lot.search([('imei', '=', IMEI)])
            self.assertEqual(lot.current_location.id, self.locations['CUS'])
            self.assertEqual(Move.search([
                        ('lot', '=', lot.id),
                        ('to_location', '=', self.locations['CUS']),
                        ('state', '=', 'done')], count=True), 1)

    def receive_now(self, worker):
        "Receive Now: the set-based receipt of a supplier shipment"
        pool = Pool()
        Product = pool.get('product.product')
        Shipment = pool.get('stock.shipment.in')
        Location = pool.get('stock.location')
        warehouse = Location(self.locations['WH'])
        shipment, = Shipment.create([{
                    'supplier': self.supplier,
                    'warehouse': warehouse.id,
                    'warehouse_input': warehouse.input_location.id,
                    'warehouse_storage': warehouse.storage_location.id,
                    }])
        shipment.receive_units_at_once(
            Product(self.product), [(1, IMEI_NOW, {'imei': IMEI_NOW})],
            Decimal('1'))
        return shipment.id

    def test_concurrent_receive_now(self):
        "5 Receive Now of one IMEI at once give 1 unit and 4 clear refusals"
        results = race(5, self.context, self.receive_now)
        statuses = [s for s, _ in results]
        self.assertEqual(statuses.count('done'), 1, results)
        self.assertEqual(statuses.count('refused'), 4, results)
        for status, error in results:
            if status == 'refused':
                self.assertTrue(
                    IMEI_NOW in error.message
                    or 'already identifies another unit' in error.message,
                    error.message)
        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Lot = pool.get('stock.lot')
            Shipment = pool.get('stock.shipment.in')
            lot, = Lot.search([('imei', '=', IMEI_NOW)])
            self.assertEqual(lot.current_location.id, self.locations['STO'])
            shipment, = Shipment.search([('moves.lot', '=', lot.id)])
            self.assertEqual(shipment.state, 'done')

    def test_rejected_scans_survive_rollback(self):
        "A refused receipt leaves nothing but its scans in the log"
        from trytond.modules.stock_lot_serial.exceptions import (
            ReceiptImportError)
        bad = '356938035643808'
        with self.assertRaises(ReceiptImportError):
            with Transaction().start(DB_NAME, 0, context=self.context):
                pool = Pool()
                Party = pool.get('party.party')
                Product = pool.get('product.product')
                Shipment = pool.get('stock.shipment.in')
                Location = pool.get('stock.location')
                party, = Party.create([{'name': "Supplier"}])
                warehouse, = Location.search([('code', '=', 'WH')])
                shipment, = Shipment.create([{
                            'supplier': party.id,
                            'warehouse': warehouse.id,
                            'warehouse_input': warehouse.input_location.id,
                            'warehouse_storage':
                            warehouse.storage_location.id,
                            }])
                shipment.add_units(
                    Product(self.product),
                    [(2, bad, {'imei': bad})], Decimal('1'))
        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Scan = pool.get('stock.lot.scan')
            Lot = pool.get('stock.lot')
            scan, = Scan.search([('code', '=', bad)])
            self.assertEqual(scan.result, 'rejected')
            self.assertIn('wrong check digit', scan.message)
            self.assertEqual(Lot.search([('imei', '=', bad)]), [])
