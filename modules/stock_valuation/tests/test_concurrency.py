# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Real parallel sales posting on PostgreSQL (SQLite has no row locks).

Workers run their transactions as trytond's dispatcher does (see
stock_lot_serial's concurrency tests): each sale posts its journal entry
in its own transaction while others post theirs.
"""
import unittest
from decimal import Decimal

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.stock_lot_serial.tests import tools as serial_tools
from trytond.modules.stock_lot_serial.tests.test_concurrency import (
    in_transaction, start_together)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from .test_module import create_goods, setup_accounting

WORKERS = 4
UNITS = 8
CABLES = 30
CABLE_COST = Decimal('3')


@unittest.skipIf(backend.name == 'sqlite', "SQLite has no row locks")
class StockValuationConcurrencyTestCase(unittest.TestCase):
    "Concurrent sales post each sale once, at its cost, and balance"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['stock_valuation'])
        # The first posting creates the account configuration: retry
        # as the dispatcher does once it asked for the table lock.
        status, error = in_transaction(
            {'_skip_warnings': True}, cls.setup_shop)
        assert status == 'done', error

    @classmethod
    def setup_shop(cls):
        pool = Pool()
        Lot = pool.get('stock.lot')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        Uom = pool.get('product.uom')
        company = create_company()
        with set_company(company):
            category, accounts = setup_accounting(company)
            unit, = Uom.search([('name', '=', 'Unit')])
            phone, cable = create_goods(
                ("Phone", 'imei', None, category),
                ("Cable", 'none', 'average', category))
            cls.phone = phone.id
            cls.cable = cable.id
            cls.unit = unit.id
            cls.currency = company.currency.id
            cls.locations = {l.code: l.id for l in Location.search([
                        ('code', 'in', ['SUP', 'STO', 'CUS'])])}
            cls.accounts = {k: a.id for k, a in accounts.items()}
            cls.context = {
                'company': company.id, '_skip_warnings': True}
            lots = Lot.create([
                    {'product': cls.phone, 'imei': imei}
                    for imei in serial_tools.imeis('35209011', UNITS)])
            cls.lots = [l.id for l in lots]
            cls.costs = {
                l.id: Decimal(300 + 10 * i) for i, l in enumerate(lots)}
            receipts = [
                cls.new_move(cls.phone, 'SUP', 'STO', lot=l,
                    price=cls.costs[l])
                for l in cls.lots]
            receipts.append(cls.new_move(
                    cls.cable, 'SUP', 'STO', quantity=CABLES,
                    price=CABLE_COST))
            Move.do(receipts)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @classmethod
    def new_move(cls, product, from_, to, lot=None, quantity=1,
            price=Decimal('700')):
        Move = Pool().get('stock.move')
        move, = Move.create([{
                    'product': product,
                    'unit': cls.unit,
                    'quantity': quantity,
                    'from_location': cls.locations[from_],
                    'to_location': cls.locations[to],
                    'lot': lot,
                    'company': cls.context['company'],
                    'unit_price': price,
                    'currency': cls.currency,
                    }])
        return move

    def sell_units(self, worker):
        "Each worker tries every unit, starting from its own"
        sold = []
        for offset in range(UNITS):
            lot = self.lots[(worker * 2 + offset) % UNITS]

            def sell():
                Move = Pool().get('stock.move')
                move = self.new_move(self.phone, 'STO', 'CUS', lot=lot)
                Move.do([move])
                return move.id
            status, value = in_transaction(self.context, sell)
            sold.append((status, value))
        return sold

    def sell_cables(self, worker):
        "Sales of 2 cables until the stock runs out"
        sold = []
        for _ in range(CABLES // 2):

            def sell():
                Move = Pool().get('stock.move')
                move = self.new_move(self.cable, 'STO', 'CUS', quantity=2,
                    price=Decimal('9'))
                Move.do([move])
                return move.id
            sold.append(in_transaction(self.context, sell))
        return sold

    def balance(self, account):
        MoveLine = Pool().get('account.move.line')
        lines = MoveLine.search([('account', '=', account)])
        return sum((l.debit - l.credit for l in lines), Decimal(0))

    def test_concurrent_sales_post_once(self):
        "Racing sales of units and cables: each sale posts once, balanced"
        results = start_together(WORKERS,
            lambda w: self.sell_units(w) + self.sell_cables(w))
        outcomes = [outcome for sales in results for outcome in sales]
        self.assertEqual(len(outcomes), WORKERS * (UNITS + CABLES // 2))
        done = [value for status, value in outcomes if status == 'done']
        refused = [value for status, value in outcomes
            if status == 'refused']
        # Every unit sold once and the cables exactly sold out.
        self.assertEqual(len(done), UNITS + CABLES // 2, outcomes)
        self.assertEqual(len(refused), len(outcomes) - len(done))
        self.assertNotIn('gave up', [s for s, _ in outcomes])

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            AccountMove = pool.get('account.move')
            Move = pool.get('stock.move')
            sales = Move.browse(done)
            entries = AccountMove.search([
                    ('origin', 'in', [str(m) for m in sales])])
            self.assertEqual(len(entries), len(sales))
            for entry in entries:
                self.assertEqual(entry.state, 'posted')
                self.assertEqual(
                    sum(l.debit for l in entry.lines),
                    sum(l.credit for l in entry.lines))
            # Each unit's own cost went to COGS; nothing is left in stock.
            self.assertEqual(
                self.balance(self.accounts['stock_out']),
                sum(self.costs.values()) + CABLES * CABLE_COST)
            self.assertEqual(self.balance(self.accounts['stock']), 0)
            self.assertEqual(sorted(m.lot.id for m in sales if m.lot),
                sorted(self.lots))
