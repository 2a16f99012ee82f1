# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)


class Grade(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "The condition grade of a unit: new, open box, refurbished A…"
    __name__ = 'stock.lot.grade'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True,
        help="The code used in receipt files, e.g. \"refurb_a\".")
    refurbished = fields.Boolean(
        "Refurbished",
        help="Whether units of this grade are sold as refurbished.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'stock_lot_serial.msg_grade_code_unique'),
            ]
