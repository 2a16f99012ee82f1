# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Normalise and validate the identifiers of a serialized unit."""
import re

from stdnum import imei as stdnum_imei
from stdnum import meid as stdnum_meid

from sql.functions import Function, Upper

from trytond.model import Index, ModelSQL, Unique, fields
from trytond.transaction import Transaction

# Scanners and people type IMEIs with spaces, dashes, dots or slashes.
_SEPARATORS = re.compile(r'[\s\-./]+')
# The separators normalize removes, as SQL can replace them
_SQL_SEPARATORS = [' ', '\t', '-', '.', '/']
# An IMEISV (16 digits) is the IMEI with a software version instead of the
# check digit: it does not identify the unit on its own.
IMEI_LENGTH = 15


def normalize(code):
    "Return code without separators, upper-cased, or None when empty"
    if code is None:
        return None
    code = _SEPARATORS.sub('', str(code)).upper()
    return code or None


class _Replace(Function):
    __slots__ = ()
    _function = 'REPLACE'


def normalized_column(column):
    "The SQL expression of column as normalize gives it"
    for separator in _SQL_SEPARATORS:
        column = _Replace(column, separator, '')
    return Upper(column)


def search_normalized(Model, name, code, limit=2):
    """The records of Model whose field name, normalized, is code normalized

    A fallback for codes printed with other separators or case than they
    were typed in: it scans the table, the record rules apply."""
    code = normalize(code)
    if not code:
        return []
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.id,
            where=normalized_column(getattr(table, name)) == code,
            limit=limit))
    ids = [i for i, in cursor]
    return Model.search([('id', 'in', ids)], limit=limit) if ids else []


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
