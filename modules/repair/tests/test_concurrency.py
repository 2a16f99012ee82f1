# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Real parallel intakes and approvals on PostgreSQL (SQLite has no row locks).

Workers run their transactions as trytond's dispatcher does (see
stock_lot_serial's concurrency tests).
"""
import unittest
from decimal import Decimal

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.repair.exceptions import (
    IntakeError, PartsUnavailableError)
from trytond.modules.stock_lot_serial.tests import tools as serial_tools
from trytond.modules.stock_lot_serial.tests.test_concurrency import (
    in_transaction, start_together)
from trytond.modules.stock_valuation.tests.test_module import (
    setup_accounting)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from .tools import create_shop, receive

JOBS = 2


@unittest.skipIf(backend.name == 'sqlite', "SQLite has no row locks")
class RepairConcurrencyTestCase(unittest.TestCase):
    "Intakes racing for one device, approvals racing for the last part"

    @classmethod
    def setUpClass(cls):
        drop_db()
        # The module test's set (with sale_point): one build for both
        activate_module(['repair', 'sale_point'])
        status, error = in_transaction(
            {'_skip_warnings': True}, cls.setup_shop)
        assert status == 'done', error

    @classmethod
    def setup_shop(cls):
        """A branch with one screen, two quoted jobs that each need it and
        a customer's device not yet taken in"""
        pool = Pool()
        Job = pool.get('repair.job')
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            category, _ = setup_accounting(company)
            branch, phone, screen = create_shop(category)
            receive(screen, branch.storage_location, 1, '40')
            customer, = Party.create([{'name': "Customer"}])
            *devices, walk_in = Lot.create([
                    {'product': phone.id, 'imei': imei}
                    for imei in serial_tools.imeis('35209011', JOBS + 1)])
            jobs = Job.create([{
                        'customer': customer.id, 'lot': device.id,
                        'warehouse': branch.id,
                        'problem': "Screen cracked",
                        'findings': "Display broken",
                        'lines': [('create', [{
                                        'type': 'part',
                                        'product': screen.id,
                                        'quantity': 1,
                                        'unit_price': Decimal('120'),
                                        }])],
                        } for device in devices])
            Job.diagnose(jobs)
            Job.quote(jobs)
            Job.write(jobs, {'consent': "In person"})
            cls.context = {'company': company.id, '_skip_warnings': True}
            cls.jobs = [j.id for j in jobs]
            cls.walk_in = walk_in.id
            cls.customer = customer.id
            cls.branch = branch.id
            cls.screen = screen.id

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def test_last_part_approved_once(self):
        "Two approvals competing for the last screen: one wins"
        def approve(index):
            Job = Pool().get('repair.job')
            Job.approve([Job(self.jobs[index])])
        results = start_together(
            JOBS, lambda index: in_transaction(self.context, approve, index))

        statuses = sorted(status for status, _ in results)
        self.assertEqual(statuses, ['done', 'refused'], results)
        refusal, = [value for status, value in results if status == 'refused']
        self.assertIsInstance(refusal, PartsUnavailableError)
        self.assertIn("Screen", refusal.message)

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Job = pool.get('repair.job')
            Move = pool.get('stock.move')
            jobs = Job.browse(self.jobs)
            self.assertEqual(
                sorted(j.state for j in jobs), ['approved', 'quoted'])
            # The refused approval left nothing behind.
            moves = Move.search([('product', '=', self.screen),
                    ('origin', 'like', 'repair.job.line,%')])
            self.assertEqual([m.state for m in moves], ['assigned'])
            approved, = [j for j in jobs if j.state == 'approved']
            self.assertEqual(moves[0].origin.job, approved)

    def test_device_taken_in_once(self):
        "Two desks taking the same device in at once: one job is opened"
        def take_in(index):
            Job = Pool().get('repair.job')
            job, = Job.create([{
                        'customer': self.customer, 'lot': self.walk_in,
                        'warehouse': self.branch,
                        'problem': f"Does not charge ({index})",
                        }])
            return job.id
        results = start_together(
            2, lambda index: in_transaction(self.context, take_in, index))

        statuses = sorted(status for status, _ in results)
        self.assertEqual(statuses, ['done', 'refused'], results)
        refusal, = [value for status, value in results if status == 'refused']
        self.assertIsInstance(refusal, IntakeError)
        job_id, = [value for status, value in results if status == 'done']

        with Transaction().start(DB_NAME, 0, context=self.context):
            pool = Pool()
            Job = pool.get('repair.job')
            Lot = pool.get('stock.lot')
            jobs = Job.search([('lot', '=', self.walk_in)])
            self.assertEqual([j.id for j in jobs], [job_id])
            # The device came in once, into custody
            job, = jobs
            self.assertEqual(len(job.moves), 1)
            device = Lot(self.walk_in)
            self.assertEqual(
                device.current_location, job.warehouse.custody_location)
