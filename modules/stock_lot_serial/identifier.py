# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Normalise and validate the identifiers of a serialized unit."""
import re

from stdnum import imei as stdnum_imei
from stdnum import meid as stdnum_meid

from trytond.model import Index, ModelSQL, Unique, fields

# Scanners and people type IMEIs with spaces, dashes, dots or slashes.
_SEPARATORS = re.compile(r'[\s\-./]+')
# An IMEISV (16 digits) is the IMEI with a software version instead of the
# check digit: it does not identify the unit on its own.
IMEI_LENGTH = 15


def normalize(code):
    "Return code without separators, upper-cased, or None when empty"
    if code is None:
        return None
    code = _SEPARATORS.sub('', str(code)).upper()
    return code or None


def imei_error(code):
    """Return why code is not a valid IMEI, or None.

    code must already be normalised.
    """
    if not code.isdigit():
        return 'digits'
    if len(code) != IMEI_LENGTH:
        return 'length'
    if not stdnum_imei.is_valid(code):
        return 'checksum'
    return None


def meid_error(code):
    "Return why code is not a valid MEID, or None"
    if not stdnum_meid.is_valid(code):
        return 'meid'
    return None


class LotIdentifier(ModelSQL):
    "One identifier of a unit; the unique index spans every unit and field"
    __name__ = 'stock.lot.identifier'

    lot = fields.Many2One(
        'stock.lot', "Unit", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('imei', "IMEI"),
            ('meid', "MEID"),
            ('serial', "Serial Number"),
            ], "Kind", required=True)
    code = fields.Char("Code", required=True, strip=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('kind_code_unique', Unique(t, t.kind, t.code),
                'stock_lot_serial.msg_identifier_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.lot, Index.Range())),
                # A scan gives the code, not which kind of identifier it is.
                Index(t, (t.code, Index.Equality())),
                })
