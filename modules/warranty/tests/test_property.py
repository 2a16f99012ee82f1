# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""A claim's eligibility is a function of its warranty and its date alone"""
import datetime as dt
import unittest

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.warranty.stock import phase_at, phase_ends
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from .tools import create_sold_unit

START = dt.date(2026, 1, 1)


class WarrantyPropertyTestCase(unittest.TestCase):
    "Eligibility of claims"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['warranty'])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @given(
        days=st.integers(0, 60), months=st.integers(0, 24),
        offset=st.integers(-30, 800))
    @settings(max_examples=200, deadline=None)
    def test_phase_is_pure(self, days, months, offset):
        "The phase depends on the snapshot's dates and the date only"
        replacement_end, service_end = phase_ends(START, days, months)
        date = START + dt.timedelta(days=offset)
        phase = phase_at(START, replacement_end, service_end, date)
        self.assertEqual(
            phase, phase_at(START, replacement_end, service_end, date))
        if offset < 0:
            self.assertEqual(phase, 'none')
        elif replacement_end and date <= replacement_end:
            self.assertEqual(phase, 'replacement')
        elif service_end and date <= service_end:
            self.assertEqual(phase, 'service')
        else:
            self.assertEqual(phase, 'none')

    @with_transaction(context={'_skip_warnings': True})
    def test_claim_judged_on_its_snapshot(self):
        "Policy edits and unit moves never change a claim's phase"
        pool = Pool()
        Claim = pool.get('warranty.claim')
        Policy = pool.get('warranty.policy')
        company = create_company()
        with set_company(company):
            branch, policy, lot, _ = create_sold_unit(company)
            warranty = lot.warranty
            sold = (
                warranty.start_date, warranty.replacement_end,
                warranty.service_end)

            @given(
                offset=st.integers(-30, 800),
                days=st.integers(0, 60), months=st.integers(0, 36))
            @settings(max_examples=60, deadline=None)
            def check(offset, days, months):
                Policy.write([policy], {
                        'replacement_days': days, 'service_months': months,
                        'terms': f"{days} days, {months} months"})
                date = sold[0] + dt.timedelta(days=offset)
                claim = Claim(
                    lot=lot, warranty=type(warranty)(warranty.id),
                    date=date, warehouse=branch, company=company)
                self.assertEqual(
                    claim.on_change_with_phase(), phase_at(*sold, date))
            check()
