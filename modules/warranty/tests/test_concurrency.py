# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Real parallel replacements on PostgreSQL (SQLite has no row locks).

Workers run their transactions as trytond's dispatcher does (see
stock_lot_serial's concurrency tests).
"""
import unittest

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.repair.tests.tools import create_unit
from trytond.modules.stock_lot_serial.tests.test_concurrency import (
    in_transaction, start_together)
from trytond.modules.warranty.exceptions import ReplacementError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from .tools import create_sold_unit, sell


@unittest.skipIf(backend.name == 'sqlite', "SQLite has no row locks")
class WarrantyConcurrencyTestCase(unittest.TestCase):
    "Two claims racing to give the same replacement unit"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['warranty'])
        status, error = in_transaction(
            {'_skip_warnings': True}, cls.setup_shop)
        assert status == 'done', error

    @classmethod
    def setup_shop(cls):
        "Two faulty phones sold, their claims and one phone to give"
        pool = Pool()
        Claim = pool.get('warranty.claim')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            branch, _, first, _ = create_sold_unit(company)
            phone = first.product
            second = create_unit(phone, branch.storage_location, index=1)
            customer, = Location.search([('type', '=', 'customer')])
            sell(Lot(second.id), customer, company)
            spare = create_unit(phone, branch.storage_location, index=2)
            alice, = Party.create([{'name': "Alice"}])
            claims = Claim.create([{
                        'lot': lot.id, 'warehouse': branch.id,
                        'customer': alice.id, 'problem': "Dead",
                        'replacement': spare.id,
                        } for lot in [first, second]])
            cls.context = {'company': company.id, '_skip_warnings': True}
            cls.claims = [c.id for c in claims]
            cls.spare = spare.id

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def test_spare_given_once(self):
        "Two claims giving the last spare phone: one replaces, one refused"
        def replace(index):
            Claim = Pool().get('warranty.claim')
            Claim.replace([Claim(self.claims[index])])
        results = start_together(
            2, lambda index: in_transaction(self.context, replace, index))

        statuses = sorted(status for status, _ in results)
        self.assertEqual(statuses, ['done', 'refused'], results)
        refusal, = [value for status, value in results if status == 'refused']
        self.assertIsInstance(refusal, ReplacementError)

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Claim = pool.get('warranty.claim')
            Move = pool.get('stock.move')
            Warranty = pool.get('stock.lot.warranty')
            claims = Claim.browse(self.claims)
            self.assertEqual(
                sorted(c.state for c in claims), ['done', 'draft'])
            # The spare left once and carries one inherited warranty
            given = Move.search([
                    ('lot', '=', self.spare), ('state', '=', 'done'),
                    ('to_location.type', '=', 'customer')])
            self.assertEqual(len(given), 1)
            self.assertEqual(len(Warranty.search([
                            ('lot', '=', self.spare)])), 1)
            # The refused claim moved nothing
            draft, = [c for c in claims if c.state == 'draft']
            self.assertEqual(draft.moves, ())
