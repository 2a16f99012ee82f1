# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Real parallel till sales on PostgreSQL (SQLite has no row locks).

Workers run their transactions as trytond's dispatcher does (see
stock_lot_serial's concurrency tests).
"""
import collections
import threading
import time
import unittest
from unittest.mock import patch

from trytond import backend
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.device_retail.tests.roles import (
    acting_as, create_staff_user)
from trytond.modules.repair.tests.tools import create_unit
from trytond.modules.sale_point_serial.exceptions import POSUnitError
from trytond.modules.stock_lot_serial.tests.test_concurrency import (
    in_transaction, race, start_together)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction, TransactionError

from .tools import create_till, paid_sale


@unittest.skipIf(backend.name == 'sqlite', "SQLite has no row locks")
class SalePointSerialConcurrencyTestCase(unittest.TestCase):
    "Two tills selling one phone; one sale posted twice at once"

    @classmethod
    def setUpClass(cls):
        drop_db()
        # The module test's set (stock_valuation comes with warranty's
        # repair): one build for both
        activate_module(
            ['sale_point_serial', 'warranty', 'rma', 'sale_point_cash'])
        status, error = in_transaction(
            {'_skip_warnings': True}, cls.setup_shop)
        assert status == 'done', error

    @classmethod
    def setup_shop(cls):
        """Two tills of one branch, a phone, a paid sale of a service, the
        branch's cashier and its manager"""
        pool = Pool()
        Party = pool.get('party.party')
        Point = pool.get('sale.point')
        Sale = pool.get('sale.point.sale')
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            point, phone, _ = create_till(company)
            other, = Point.copy([point], {'name': "Second Till"})
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            alice, = Party.create([{'name': "Alice"}])
            cls.sales = [Sale.create([paid_sale(
                                till, [(phone, 1, unit)], party=alice)])[0].id
                for till in [point, other]]
            fitting, = Template.create([{
                        'name': "Screen Protector Fitting",
                        'type': 'service', 'salable': True,
                        'list_price': 30,
                        'default_uom': phone.default_uom.id,
                        'sale_uom': phone.default_uom.id,
                        'account_category': phone.account_category.id,
                        'products': [('create', [{}])],
                        }])
            # No stock to lock: only the sale's own lock keeps it once
            service, = Sale.create([paid_sale(
                        point, [(fitting.products[0], 1, None)])])
            Sale.process([service])
            cls.service = service.id
            cls.context = {'company': company.id, '_skip_warnings': True}
            cls.unit = unit.id
            cls.cashier = create_staff_user(
                company, 'cashier', branches=[branch]).id
            cls.manager = create_staff_user(
                company, 'branch_manager', branches=[branch]).id

    def acting_as(self, user_id):
        "Run as the user of user_id, as their client's call runs"
        return acting_as(Pool().get('res.user')(user_id))

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def test_phone_sold_once(self):
        "Two tills paid for the same phone at once: one is paid, one refused"
        def pay(index):
            Sale = Pool().get('sale.point.sale')
            with self.acting_as(self.cashier):
                Sale.process([Sale(self.sales[index])])
        results = race(2, self.context, pay)
        statuses = sorted(status for status, _ in results)
        self.assertEqual(statuses, ['done', 'refused'], results)
        refusal, = [value for status, value in results if status == 'refused']
        self.assertIsInstance(refusal, POSUnitError)

        # Paid for after the other's payment: refused, naming that sale
        paid, = [i for i, (status, _) in enumerate(results)
            if status == 'done']
        status, refusal = in_transaction(
            self.context, pay, 1 - paid)
        self.assertEqual(status, 'refused')
        with Transaction().start(DB_NAME, 0, context=self.context):
            Sale = Pool().get('sale.point.sale')
            self.assertIn(
                'is on sale "%s"' % Sale(self.sales[paid]).number,
                refusal.message)

        def post():
            Sale = Pool().get('sale.point.sale')
            with self.acting_as(self.manager):
                Sale.post([Sale(self.sales[paid])])
        status, _ = in_transaction(self.context, post)
        self.assertEqual(status, 'done')
        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Lot = pool.get('stock.lot')
            Move = pool.get('stock.move')
            Sale = pool.get('sale.point.sale')
            self.assertEqual(
                [Sale(i).state for i in self.sales],
                ['posted' if i == paid else 'open' for i in range(2)])
            self.assertEqual(Lot(self.unit).state, 'sold')
            self.assertEqual(Move.search([
                        ('lot', '=', self.unit),
                        ('to_location.type', '=', 'customer'),
                        ], count=True), 1)

    def test_sale_posted_once(self):
        """The same sale posted twice at once gives one journal entry; a
        click that waited for the other is told the sale is posted"""
        def post(index):
            Sale = Pool().get('sale.point.sale')
            with self.acting_as(self.manager):
                Sale.post([Sale(self.service)])
        results = race(2, self.context, post)
        statuses = sorted(status for status, _ in results)
        self.assertIn(
            statuses, [['done', 'done'], ['done', 'refused']], results)
        for status, error in results:
            if status == 'refused':
                # The Post button of a posted sale
                self.assertIsInstance(error, AccessButtonError)
                self.assertIn('"post"', error.message)

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            AccountMove = pool.get('account.move')
            Sale = pool.get('sale.point.sale')
            sale = Sale(self.service)
            self.assertEqual(sale.state, 'posted')
            self.assertEqual(AccountMove.search([
                        ('origin', '=', str(sale)),
                        ], count=True), 1)

    def test_tills_post_in_line(self):
        "Six tills posting at once post in line: no lock fails, no gap"
        tills = 6

        def set_up():
            pool = Pool()
            Point = pool.get('sale.point')
            Sale = pool.get('sale.point.sale')
            service = Sale(self.service)
            fitting = service.lines[0].product
            sales = Sale.create([paid_sale(point, [(fitting, 1, None)])
                    for point in Point.copy([service.point] * tills)])
            Sale.process(sales)
            return [s.id for s in sales]
        status, sale_ids = in_transaction(self.context, set_up)
        self.assertEqual(status, 'done', sale_ids)

        failed = []

        def post(index):
            # As the dispatcher runs a call, counting the lock failures
            extras = {}
            for attempt in range(40):
                try:
                    with Transaction().start(
                            DB_NAME, 0, context=self.context, **extras), \
                            self.acting_as(self.manager):
                        Sale = Pool().get('sale.point.sale')
                        Sale.post([Sale(sale_ids[index])])
                        return 'done'
                except TransactionError as error:
                    error.fix(extras)
                except backend.DatabaseOperationalError:
                    failed.append(index)
                    time.sleep(0.01 * (attempt + 1))
            return 'gave up'
        results = start_together(tills, post)
        self.assertEqual(results, ['done'] * tills)
        self.assertEqual(failed, [])

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            AccountMove = pool.get('account.move')
            Sale = pool.get('sale.point.sale')
            sales = Sale.browse(sale_ids)
            self.assertEqual({s.state for s in sales}, {'posted'})
            numbers = sorted(int(s.move.number) for s in sales)
            self.assertEqual(
                numbers, list(range(numbers[0], numbers[0] + tills)))
            self.assertEqual(AccountMove.search([
                        ('origin', 'in', [str(s) for s in sales]),
                        ], count=True), tills)

    def test_tills_submit_side_by_side(self):
        """Three tills submitting two sales each at once: a till's sales
        wait in line before building, the tills never wait on each other"""
        tills, submits = 3, 6

        def set_up():
            Point = Pool().get('sale.point')
            service = Pool().get('sale.point.sale')(self.service)
            points = Point.copy([service.point] * tills)
            # Each till numbers its sales from its own sequence
            Sequence = Pool().get('ir.sequence.strict')
            for point in points:
                point.sequence, = Sequence.copy([point.sequence])
            Point.save(points)
            # The tills' cash sessions are open, as in a shop that trades:
            # opening one locks the sessions' table
            Session = Pool().get('sale.point.cash.session')
            for point in points:
                Session.get_current(point)
            # and so is the journal's period: creating it locks its table
            JournalPeriod = Pool().get('account.journal.period')
            Period = Pool().get('account.period')
            period = Period.find(service.company)
            if not JournalPeriod.search([
                        ('journal', '=', service.point.journal.id),
                        ('period', '=', period.id)]):
                JournalPeriod.create([{
                            'journal': service.point.journal.id,
                            'period': period.id}])
            return [p.id for p in points], service.lines[0].product.id
        status, (point_ids, fitting_id) = in_transaction(
            self.context, set_up)
        self.assertEqual(status, 'done')

        Sale = Pool(DB_NAME).get('sale.point.sale')
        create = Sale.create.__func__
        built = collections.Counter()

        def counted_create(cls, vlist):
            built[threading.current_thread().name] += 1
            return create(cls, vlist)
        failed, restarts = [], collections.Counter()

        def submit(index):
            threading.current_thread().name = 'submit %s' % index
            extras = {}
            for attempt in range(40):
                try:
                    with Transaction().start(
                            DB_NAME, 0, context=self.context, **extras), \
                            self.acting_as(self.cashier):
                        pool = Pool()
                        Point = pool.get('sale.point')
                        Product = pool.get('product.product')
                        values = paid_sale(Point(point_ids[index % tills]),
                            [(Product(fitting_id), 1, None)],
                            client_key='submit-%s' % index)
                        sale, = pool.get('sale.point.sale').submit([values])
                        return sale.state
                except TransactionError as error:
                    restarts[index % tills] += 1
                    error.fix(extras)
                except backend.DatabaseOperationalError as error:
                    failed.append(str(error).splitlines()[0])
                    time.sleep(0.01 * (attempt + 1))
            return 'gave up'
        with patch.object(Sale, 'create', classmethod(counted_create)):
            results = start_together(submits, submit)
        # Paid, numbered and reserved; the close posts them
        self.assertEqual(results, ['done'] * submits)
        self.assertFalse(failed, sorted(set(failed)))
        # Each sale is built once, by its one transaction
        self.assertEqual(
            built, {'submit %s' % i: 1 for i in range(submits)}, restarts)
        # Only the second sale of a till waits, once
        self.assertLessEqual(max(restarts.values(), default=0), 1)

        with Transaction().start(DB_NAME, 0, context=self.context):
            Sale = Pool().get('sale.point.sale')
            for point_id in point_ids:
                numbers = sorted(int(s.number) for s in Sale.search([
                            ('point', '=', point_id)]))
                self.assertEqual(numbers, [numbers[0], numbers[0] + 1])

    def test_first_sales_of_tills_without_session(self):
        """Eight first sales of tills with no session, submitted or paid and
        posted as the web client does: all pass, no lock fails"""
        tills, sales = 4, 8

        def set_up():
            pool = Pool()
            Point = pool.get('sale.point')
            Session = pool.get('sale.point.cash.session')
            service = pool.get('sale.point.sale')(self.service)
            points = Point.copy([service.point] * tills)
            self.assertEqual(Session.search([
                        ('point', 'in', [p.id for p in points])],
                    count=True), 0)
            return [p.id for p in points], service.lines[0].product.id
        status, (point_ids, fitting_id) = in_transaction(
            self.context, set_up)
        self.assertEqual(status, 'done')
        failed = []

        def submit(index):
            extras = {}
            for attempt in range(40):
                try:
                    # The cashier submits from a till program; the manager
                    # pays and posts in the web client
                    with Transaction().start(
                            DB_NAME, 0, context=self.context, **extras), \
                            self.acting_as(
                                self.manager if index % 2 else self.cashier):
                        pool = Pool()
                        Point = pool.get('sale.point')
                        Product = pool.get('product.product')
                        Sale = pool.get('sale.point.sale')
                        values = paid_sale(Point(point_ids[index % tills]),
                            [(Product(fitting_id), 1, None)],
                            client_key='first-%s' % index)
                        if index % 2:
                            sale, = Sale.create([values])
                            Sale.process([sale])
                            Sale.post([sale])
                        else:
                            sale, = Sale.submit([values])
                        return Sale(sale.id).state
                except TransactionError as error:
                    error.fix(extras)
                except backend.DatabaseOperationalError as error:
                    failed.append(str(error).splitlines()[0])
                    time.sleep(0.01 * (attempt + 1))
            return 'gave up'
        results = start_together(sales, submit)
        self.assertEqual(results,
            ['posted' if i % 2 else 'done' for i in range(sales)])
        self.assertFalse(failed, sorted(set(failed)))

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Sale = pool.get('sale.point.sale')
            Session = pool.get('sale.point.cash.session')
            for point_id in point_ids:
                session, = Session.search([('point', '=', point_id)])
                self.assertEqual(session.state, 'open')
                self.assertEqual(Sale.search([
                            ('point', '=', point_id),
                            ('session', '=', session.id),
                            ('state', 'in', ['done', 'posted']),
                            ], count=True), sales // tills)
