# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from unittest.mock import patch

import trytond.config as config
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.repair.exceptions import IntakeError, RepairError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .tools import create_shop, create_unit


class RepairTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Repair module"
    module = 'repair'
    extras = ['sale_point']

    @with_transaction(context={'_skip_warnings': True})
    def test_company_unit_reworked_on_the_bench(self):
        "A unit of the company's stock is reworked on the bench, valued"
        pool = Pool()
        Job = pool.get('repair.job')
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            branch, phone, _ = create_shop()
            lot = create_unit(phone, branch.storage_location)
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

    @with_transaction(context={'_skip_warnings': True})
    def test_job_card_pdf_where_converter(self):
        "The job card is a PDF where a converter runs, else the ODT"
        pool = Pool()
        Job = pool.get('repair.job')
        JobCard = pool.get('repair.job.card', type='report')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            branch, phone, _ = create_shop()
            lot = create_unit(phone)
            party, = Party.create([{'name': "Alice"}])
            job, = Job.create([{
                        'customer': party.id, 'lot': lot.id,
                        'warehouse': branch.id, 'problem': "No sound"}])

            get = config.get

            def print_card(command):
                def get_command(section, option, default=None):
                    if (section, option) == ('report', 'convert_command'):
                        return command
                    return get(section, option, default=default)
                with patch.object(config, 'get', get_command):
                    return JobCard.execute([job.id], {})[:2]

            # A stand-in for LibreOffice: it "converts" by copying
            extension, content = print_card(
                'cp "%(input_path)s" "%(output_path)s"')
            self.assertEqual(extension, 'pdf')
            self.assertTrue(content)
            extension, content = print_card(
                'no-such-office --convert-to "%(output_extension)s"')
            self.assertEqual(extension, 'odt')
            self.assertIn(b'content.xml', content)


del ModuleTestCase
