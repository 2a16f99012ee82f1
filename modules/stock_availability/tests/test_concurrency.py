# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Real parallel sales on PostgreSQL (SQLite has no row locks).

Each worker runs its transactions the way trytond's dispatcher does: a
TransactionError restarts the transaction after its fix, and a lock or
serialization conflict is retried.
"""
import threading
import time
import unittest
from decimal import Decimal

from trytond import backend
from trytond.modules.company.tests import create_company
from trytond.modules.stock_availability.exceptions import AtpError
from trytond.modules.stock_availability import locking
from trytond.modules.stock_availability.locking import AvailabilityLockError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction, TransactionError

WORKERS = 8
SALES = 50
STOCK = 100


def in_transaction(context, func, *args):
    "Run func like the dispatcher; return (status, value, retries)"
    extras = {}
    retries = 0
    while retries < 100:
        try:
            with Transaction().start(DB_NAME, 0, context=context, **extras):
                return 'done', func(*args), retries
        except TransactionError as error:
            error.fix(extras)
        except backend.DatabaseOperationalError:
            retries += 1
            time.sleep(0.01 * retries)
        except AtpError as error:
            return 'refused', error, retries
    return 'gave up', None, retries


@unittest.skipIf(backend.name == 'sqlite', "SQLite has no row locks")
class StockAvailabilityConcurrencyTestCase(unittest.TestCase):
    "Concurrent sales of one product never oversell"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['stock_availability'])
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Template = pool.get('product.template')
            Uom = pool.get('product.uom')
            Location = pool.get('stock.location')
            company = create_company()
            unit, = Uom.search([('name', '=', 'Unit')])
            with transaction.set_context(company=company.id):
                template, = Template.create([{
                            'name': "Launch Phone Case",
                            'type': 'goods',
                            'default_uom': unit.id,
                            'products': [('create', [{}])],
                            }])
            cls.context = {'company': company.id, '_skip_warnings': True}
            cls.product = template.products[0].id
            cls.unit = unit.id
            cls.currency = company.currency.id
            cls.locations = {l.code: l.id for l in Location.search([
                        ('code', 'in', ['WH', 'SUP', 'STO', 'CUS'])])}

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def move_values(self, from_, to, quantity, product=None):
        return {
            'product': product or self.product,
            'unit': self.unit,
            'quantity': quantity,
            'from_location': self.locations[from_],
            'to_location': self.locations[to],
            'company': self.context['company'],
            'unit_price': Decimal('10'),
            'currency': self.currency,
            }

    def new_move(self, from_, to, quantity, product=None):
        Move = Pool().get('stock.move')
        move, = Move.create([self.move_values(from_, to, quantity, product)])
        return move

    def receive(self):
        Move = Pool().get('stock.move')
        Move.do([self.new_move('SUP', 'STO', STOCK)])

    def sell(self, how):
        "A sale done directly, after reserve or after create_reserved"
        Move = Pool().get('stock.move')
        if how == 'create_reserved':
            move, = Move.create_reserved(
                [self.move_values('STO', 'CUS', 1)])
        else:
            move = self.new_move('STO', 'CUS', 1)
            if how == 'reserve':
                Move.reserve([move])
        Move.do([move])
        return move.id

    def race(self, how):
        barrier = threading.Barrier(WORKERS)
        results = []
        lock = threading.Lock()

        def work():
            barrier.wait()
            for _ in range(SALES):
                result = in_transaction(self.context, self.sell, how)
                with lock:
                    results.append(result)

        threads = [threading.Thread(target=work) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        return results

    def check(self, results):
        statuses = [s for s, _, _ in results]
        self.assertEqual(len(results), WORKERS * SALES)
        self.assertEqual(statuses.count('done'), STOCK, statuses)
        self.assertEqual(statuses.count('refused'), WORKERS * SALES - STOCK)
        for status, error, _ in results:
            if status == 'refused':
                self.assertIn('Only 0', error.message)
                self.assertIn('Launch Phone Case', error.message)
        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Move = pool.get('stock.move')
            Availability = pool.get('stock.availability')
            Product = pool.get('product.product')
            # This race's sales: each test sells all it received
            sold = Move.search([
                    ('id', 'in', [v for s, v, _ in results if s == 'done']),
                    ('product', '=', self.product),
                    ('to_location', '=', self.locations['CUS']),
                    ('state', '=', 'done')])
            self.assertEqual(sum(m.quantity for m in sold), STOCK)
            with Transaction().set_context(
                    locations=[self.locations['STO']]):
                self.assertEqual(Product(self.product).quantity, 0)
            self.assertEqual(Availability.check_cache(), [])
            self.assertEqual(Product(self.product).atp, 0)

    def test_direct_sales(self):
        "8 workers × 50 direct sales of a stock of 100 sell exactly 100"
        in_transaction(self.context, self.receive)
        self.check(self.race('direct'))

    def test_reserved_sales(self):
        "8 workers × 50 reserve-then-sell of a stock of 100 sell 100"
        in_transaction(self.context, self.receive)
        results = self.race('reserve')
        # Each test sells everything it received.
        statuses = [s for s, _, _ in results]
        self.assertEqual(statuses.count('done'), STOCK, statuses)
        self.assertEqual(statuses.count('gave up'), 0)

    def test_create_reserved_sales(self):
        "8 workers × 50 create_reserved-then-sell of a stock of 100 sell 100"
        in_transaction(self.context, self.receive)
        with Transaction().start(DB_NAME, 0, context=self.context):
            Move = Pool().get('stock.move')
            # The race takes the fast path.
            self.assertIsNotNone(Move._create_reserved_plan(
                    [self.move_values('STO', 'CUS', 1)]))
        self.check(self.race('create_reserved'))

    def test_assign_try_race(self):
        "2 sellers per 1-unit product at once: assign_try never oversells"
        # reliability.md §10: stock Tryton assigns both in 38-40 of 40.
        def setup():
            pool = Pool()
            Template = pool.get('product.template')
            Move = pool.get('stock.move')
            templates = Template.create([{
                        'name': "Single %s" % i,
                        'type': 'goods',
                        'default_uom': self.unit,
                        'products': [('create', [{}])],
                        } for i in range(40)])
            products = [t.products[0].id for t in templates]
            Move.do([self.new_move('SUP', 'STO', 1, product)
                    for product in products])
            return products

        def sell(product):
            Move = Pool().get('stock.move')
            move = self.new_move('STO', 'CUS', 1, product)
            Move.assign_try([move])
            return Move(move.id).state == 'assigned'

        _, products, _ = in_transaction(self.context, setup)
        oversold = 0
        for product in products:
            barrier = threading.Barrier(2)
            results = [None, None]

            def work(index, product=product):
                barrier.wait()
                results[index] = in_transaction(self.context, sell, product)

            threads = [threading.Thread(target=work, args=(i,))
                for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            self.assertEqual(
                [s for s, _, _ in results], ['done', 'done'], results)
            assigned = [v for _, v, _ in results]
            self.assertIn(True, assigned)
            if all(assigned):
                oversold += 1
        self.assertEqual(oversold, 0)

    def test_create_waits_before_its_work(self):
        "A move out of stock waits for its product's head when created"
        # Nothing is committed: the other tests find the stock they expect.
        created = threading.Event()
        tried = threading.Event()
        outcome = {}

        def holder():
            with Transaction().start(DB_NAME, 0, context=self.context):
                self.new_move('STO', 'CUS', 1)
                created.set()
                tried.wait(timeout=60)

        def second():
            created.wait(timeout=60)
            try:
                with Transaction().start(
                        DB_NAME, 0, context=self.context) as transaction:
                    Move = Pool().get('stock.move')
                    # Receipts do not change what is available.
                    self.new_move('SUP', 'STO', 1)
                    try:
                        self.new_move('STO', 'CUS', 1)
                    except AvailabilityLockError:
                        outcome['restart'] = True
                        outcome['created'] = len(
                            transaction.create_records[Move.__name__])
                        raise
            except TransactionError:
                # Nobody restarts it: give its waiting connection back.
                locking.release()
            finally:
                tried.set()

        threads = [threading.Thread(target=holder),
            threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertTrue(outcome.get('restart'), outcome)
        # Only the receipt: the sale restarts before it is inserted.
        self.assertEqual(outcome['created'], 1)
