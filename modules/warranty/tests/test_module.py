# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.repair.tests.tools import create_unit
from trytond.modules.warranty.exceptions import SnapshotError
from trytond.modules.warranty.stock import phase_at, phase_ends
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .tools import create_sold_unit


class WarrantyTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Warranty module"
    module = 'warranty'

    def test_phase_at(self):
        "The phases follow each other from the sale's date"
        start = dt.date(2026, 1, 31)
        replacement_end, service_end = phase_ends(start, 14, 1)
        self.assertEqual(replacement_end, dt.date(2026, 2, 14))
        # A month after 31 January is the end of February
        self.assertEqual(service_end, dt.date(2026, 2, 28))
        for date, phase in [
                (dt.date(2026, 1, 30), 'none'),
                (start, 'replacement'),
                (dt.date(2026, 2, 14), 'replacement'),
                (dt.date(2026, 2, 15), 'service'),
                (dt.date(2026, 2, 28), 'service'),
                (dt.date(2026, 3, 1), 'none'),
                ]:
            self.assertEqual(
                phase_at(start, replacement_end, service_end, date), phase,
                msg=date)
        # No replacement phase: straight to service
        self.assertEqual(phase_ends(start, 0, 6)[0], None)
        self.assertEqual(
            phase_at(start, None, dt.date(2026, 7, 31), start), 'service')

    @with_transaction(context={'_skip_warnings': True})
    def test_snapshot_at_sale_only(self):
        "A unit sold gets one frozen warranty, a unit kept none"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Policy = pool.get('warranty.policy')
        Warranty = pool.get('stock.lot.warranty')
        company = create_company()
        with set_company(company):
            branch, policy, sold, move = create_sold_unit(company)
            kept = create_unit(sold.product, branch.storage_location, index=1)

            warranty, = Warranty.search([])
            self.assertEqual(
                (warranty.lot, warranty.move, warranty.origin),
                (sold, move, move))
            self.assertEqual(warranty.start_date, move.effective_date)
            self.assertEqual(Lot(sold.id).warranty, warranty)
            self.assertIsNone(Lot(kept.id).warranty)

            # Doing the move again gives nothing more
            Warranty.give([move])
            self.assertEqual(Warranty.search([], count=True), 1)

            with self.assertRaises(SnapshotError):
                Warranty.write([warranty], {'service_end': None})
            with self.assertRaises(SnapshotError):
                Warranty.delete([warranty])

            # A term change of a policy in use is its next version
            Policy.write([policy], {'name': "Phones and tablets"})
            self.assertEqual(policy.version, 1)
            Policy.write([policy], {'service_months': 24})
            self.assertEqual(policy.version, 2)
            Policy.write([policy], {'terms': "New terms"})
            self.assertEqual(policy.version, 2)
            warranty = Warranty(warranty.id)
            self.assertEqual(
                (warranty.policy_version, warranty.terms), (1, "Terms"))


del ModuleTestCase
