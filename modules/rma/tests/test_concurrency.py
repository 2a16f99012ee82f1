# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Real parallel returns and inspections on PostgreSQL (SQLite has no row
locks).

Workers run their transactions as trytond's dispatcher does (see
stock_lot_serial's concurrency tests).
"""
import unittest

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.rma.exceptions import ReturnScanError
from trytond.modules.stock_lot_serial.tests.test_concurrency import race
from trytond.modules.warranty.tests.tools import create_sold_unit
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from .test_module import create_return


@unittest.skipIf(backend.name == 'sqlite', "SQLite has no row locks")
class RMAConcurrencyTestCase(unittest.TestCase):
    "Two desks receiving one unit; two inspectors deciding one inspection"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['rma'])
        with Transaction().start(
                DB_NAME, 0, context={'_skip_warnings': True}) as transaction:
            cls.setup_shop()
            transaction.commit()

    @classmethod
    def setup_shop(cls):
        "A phone sold to Alice and two draft returns of hers"
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            branch, _, lot, _ = create_sold_unit(company)
            alice, = Party.create([{'name': "Alice"}])
            cls.returns = [create_return(branch, alice).id for _ in range(2)]
            cls.context = {'company': company.id, '_skip_warnings': True}
            cls.imei = lot.imei
            cls.lot = lot.id
            cls.branch = branch.id

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def test_unit_received_once_then_decided_once(self):
        "One return receives the unit; one decision moves it"
        def receive(index):
            ShipmentOutReturn = Pool().get('stock.shipment.out.return')
            ShipmentOutReturn.receive_scanned(
                ShipmentOutReturn(self.returns[index]), [(self.imei, 1)])
        results = race(2, self.context, receive)
        statuses = sorted(status for status, _ in results)
        self.assertEqual(statuses, ['done', 'refused'], results)
        refusal, = [value for status, value in results if status == 'refused']
        self.assertIsInstance(refusal, ReturnScanError)

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Inspection = pool.get('rma.inspection')
            ShipmentOutReturn = pool.get('stock.shipment.out.return')
            self.assertEqual(sorted(
                    s.state for s in ShipmentOutReturn.browse(self.returns)),
                ['done', 'draft'])
            inspection, = Inspection.search([('lot', '=', self.lot)])
            inspection_id = inspection.id

        def decide(index):
            Inspection = Pool().get('rma.inspection')
            button = [Inspection.restock, Inspection.defective][index]
            button([Inspection(inspection_id)])
        results = race(2, self.context, decide)
        self.assertEqual(
            [status for status, _ in results], ['done', 'done'], results)

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Inspection = pool.get('rma.inspection')
            Location = pool.get('stock.location')
            Lot = pool.get('stock.lot')
            Move = pool.get('stock.move')
            inspection = Inspection(inspection_id)
            branch = Location(self.branch)
            # Decided once: one move out of quarantine, where it says
            moves = Move.search([
                    ('lot', '=', self.lot),
                    ('from_location', '=', branch.quarantine_location.id),
                    ])
            self.assertEqual(moves, [inspection.move])
            target = {
                'restock': branch.storage_location,
                'defective': branch.defective_location,
                }[inspection.result]
            self.assertEqual(Lot(self.lot).current_location, target)
