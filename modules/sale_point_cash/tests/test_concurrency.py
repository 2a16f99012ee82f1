# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""A drawer closed while the till takes cash, on PostgreSQL.

Workers run their transactions as trytond's dispatcher does (see
stock_lot_serial's concurrency tests).
"""
import threading
import unittest
from decimal import Decimal

from sql import For

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.device_retail.tests.roles import acting_as
from trytond.modules.stock_lot_serial.tests.test_concurrency import (
    in_transaction, race)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction, TransactionError

from .tools import count, create_pos, sell


@unittest.skipIf(backend.name == 'sqlite', "SQLite has no row locks")
class SalePointCashConcurrencyTestCase(unittest.TestCase):
    "A session closed while a cash sale is made at its till"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['sale_point_cash'])
        status, error = in_transaction({}, cls.setup_till)
        assert status == 'done', error

    @classmethod
    def setup_till(cls):
        "A till with a cash sale of 20.00 in its open session, counted"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sell(pos)
            session = Session.get_current(pos.point)
            count(session, Decimal('20.00'))
            cls.context = {'company': company.id}
            cls.point = pos.point.id
            cls.session = session.id
            cls.cashier = pos.cashier.id

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def test_cash_sale_while_closing(self):
        "The sale's cash is in the closed session's ledger or the next's"
        def work(index):
            "The till's cashier closes, or sells"
            pool = Pool()
            Method = pool.get('sale.point.payment.method')
            Point = pool.get('sale.point')
            Session = pool.get('sale.point.cash.session')
            cashier = pool.get('res.user')(self.cashier)
            if index == 0:
                with acting_as(cashier):
                    Session.close([Session(self.session)])
            else:
                point = Point(self.point)
                product, = pool.get('product.product').search([])
                cash, = Method.search([('cash', '=', True)])
                pos = type('Till', (), {
                        'point': point, 'product': product, 'cash': cash,
                        'cashier': cashier})
                return sell(pos, quantity=2).id
        results = race(2, self.context, work)
        self.assertEqual(
            [status for status, _ in results], ['done', 'done'], results)

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Sale = pool.get('sale.point.sale')
            Session = pool.get('sale.point.cash.session')
            closed = Session(self.session)
            sale = Sale(results[1][1])
            payment, = sale.payments
            self.assertEqual(closed.state, 'closed')
            if payment.session == closed:
                # Paid before the close: posted by it and expected by it
                self.assertEqual(sale.state, 'posted')
                self.assertEqual(closed.expected_amount, Decimal('60.00'))
                self.assertEqual(closed.difference, Decimal('-40.00'))
            else:
                # Paid after: in the next session, still to be counted
                self.assertEqual(payment.session.state, 'open')
                self.assertEqual(sale.session, payment.session)
                self.assertEqual(sale.state, 'done')
                self.assertEqual(closed.expected_amount, Decimal('20.00'))
            check, = Session.drawer_check([closed])
            self.assertTrue(check['balanced'], check)

    def test_sales_share_the_session_lock(self):
        "Two sales of a till hold its session at once; a close must wait"
        def current():
            pool = Pool()
            Point = pool.get('sale.point')
            Session = pool.get('sale.point.cash.session')
            return Session.get_current(Point(self.point)).id

        status, session_id = in_transaction(self.context, current)
        self.assertEqual(status, 'done', session_id)
        held, tried = threading.Event(), threading.Event()
        outcome = {}

        def first():
            with Transaction().start(DB_NAME, 0, context=self.context):
                Session = Pool().get('sale.point.cash.session')
                Session.lock_open([Session(session_id)])
                held.set()
                tried.wait(timeout=60)

        def second():
            held.wait(timeout=60)
            try:
                with Transaction().start(
                        DB_NAME, 0, context=self.context) as transaction:
                    Session = Pool().get('sale.point.cash.session')
                    # No restart: TransactionError would leave the block
                    Session.lock_open([Session(session_id)])
                    outcome['shared'] = True
                    table = Session.__table__()
                    cursor = transaction.connection.cursor()
                    cursor.execute('SAVEPOINT close')
                    try:
                        # What the close's lock takes at its restart
                        cursor.execute(*table.select(table.id,
                                where=table.id == session_id,
                                for_=For('UPDATE', nowait=True)))
                    except backend.DatabaseOperationalError:
                        cursor.execute('ROLLBACK TO SAVEPOINT close')
                        outcome['close waits'] = True
            except TransactionError as error:
                outcome['restart'] = error
            finally:
                tried.set()

        threads = [threading.Thread(target=first),
            threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(
            outcome, {'shared': True, 'close waits': True}, outcome)
