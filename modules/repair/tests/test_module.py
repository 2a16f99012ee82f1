# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.repair.exceptions import IntakeError, RepairError
from trytond.modules.stock_lot_serial.tests.tools import imeis
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class RepairTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Repair module"
    module = 'repair'

    @with_transaction(context={'_skip_warnings': True})
    def test_company_unit_reworked_on_the_bench(self):
        "A unit of the company's stock is reworked on the bench, valued"
        pool = Pool()
        CreateBranch = pool.get('stock.branch.create', type='wizard')
        Job = pool.get('repair.job')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        company = create_company()
        with set_company(company):
            branch = CreateBranch.create_branch(name="Downtown", code='DT')
            unit, = Uom.search([('name', '=', 'Unit')])
            template, = Template.create([{
                        'name': "Phone", 'type': 'goods',
                        'default_uom': unit.id, 'tracking': 'imei',
                        'products': [('create', [{}])],
                        }])
            phone, = template.products
            lot, = Lot.create([{
                        'product': phone.id,
                        'imei': imeis('35209011', 1)[0]}])
            supplier, = Location.search([('code', '=', 'SUP')])
            receipt, = Move.create([{
                        'product': phone.id, 'unit': unit.id,
                        'quantity': 1, 'lot': lot.id,
                        'from_location': supplier.id,
                        'to_location': branch.storage_location.id,
                        'unit_price': Decimal('300'),
                        'currency': company.currency.id,
                        'company': company.id,
                        }])
            Move.do([receipt])
            party, = Party.create([{'name': "Shop"}])

            job, = Job.create([{
                        'customer': party.id, 'lot': lot.id,
                        'warehouse': branch.id,
                        'problem': "Returned with a dead battery"}])
            self.assertEqual(job.ownership, 'company')
            lot = Lot(lot.id)
            self.assertEqual(lot.current_location, branch.repair_location)
            self.assertEqual(
                (lot.state, lot.ownership), ('under_repair', 'company'))

            # Code skipping a step is refused as the client is
            with self.assertRaisesRegex(
                    RepairError, 'is Intake: it cannot go to Delivered'):
                Job.deliver([job])
            self.assertEqual(job.state, 'intake')

            # One open job per unit, even created at once
            with self.assertRaises(IntakeError):
                Job.create([{
                            'customer': party.id, 'lot': lot.id,
                            'warehouse': branch.id, 'problem': "Again"}])

            Job.cancel([job])
            lot = Lot(lot.id)
            self.assertEqual(job.state, 'cancelled')
            self.assertEqual(lot.current_location, branch.storage_location)
            self.assertEqual(lot.state, 'available')

            # A closed job lets the unit in again
            again, = Job.create([{
                        'customer': party.id, 'lot': lot.id,
                        'warehouse': branch.id, 'problem': "Again"}])
            self.assertEqual(again.state, 'intake')


del ModuleTestCase
