# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Properties of IMEI normalisation and validation, checked against stdnum."""
import unittest

from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import imei as stdnum_imei
from stdnum import luhn

from trytond.modules.stock_lot_serial.identifier import (
    IMEI_LENGTH, imei_error, normalize)

digits = st.text(alphabet='0123456789', min_size=14, max_size=14)
separators = st.sampled_from([' ', '-', '.', '/', '  ', ' - '])


def scatter(draw_separators, code):
    return ''.join(c + s for c, s in zip(code, draw_separators))


class IdentifierPropertiesTestCase(unittest.TestCase):

    @settings(max_examples=500)
    @given(st.text())
    def test_normalize_idempotent(self, text):
        "Normalising twice changes nothing"
        once = normalize(text)
        self.assertEqual(normalize(once), once)

    @settings(max_examples=500)
    @given(digits, st.lists(separators, min_size=15, max_size=15))
    def test_separators_ignored(self, body, seps):
        "However an IMEI is typed, it normalises to its 15 digits"
        imei = body + luhn.calc_check_digit(body)
        self.assertEqual(normalize(scatter(seps, imei)), imei)

    @settings(max_examples=500)
    @given(digits)
    def test_check_digit(self, body):
        "Only the Luhn check digit makes a valid IMEI"
        good = luhn.calc_check_digit(body)
        for digit in '0123456789':
            error = imei_error(body + digit)
            if digit == good:
                self.assertIsNone(error)
            else:
                self.assertEqual(error, 'checksum')

    @settings(max_examples=1000)
    @given(st.text(alphabet='0123456789 -.abcX', max_size=20))
    @example('490154203237518')
    @example('4901542032375181')
    @example('49015420323751')
    def test_agrees_with_stdnum(self, text):
        "Valid exactly when stdnum says so and it has 15 digits"
        code = normalize(text)
        if code is None:
            return
        expected = (
            code.isdigit() and len(code) == IMEI_LENGTH
            and stdnum_imei.is_valid(code))
        self.assertEqual(imei_error(code) is None, expected, code)
