# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta

from .stock import PHASES


class LookupResult(metaclass=PoolMeta):
    __name__ = 'stock.lot.lookup.result'

    warranty = fields.Many2One(
        'stock.lot.warranty', "Warranty", readonly=True)
    warranty_phase = fields.Selection(
        [(None, "")] + PHASES, "Warranty Phase", readonly=True)
    warranty_days_left = fields.Integer(
        "Days Left in the Phase", readonly=True)
    warranty_customer = fields.Many2One(
        'party.party', "Customer", readonly=True)
    warranty_origin = fields.Char("Sold by", readonly=True)


class Lookup(metaclass=PoolMeta):
    __name__ = 'stock.lot.lookup'

    def default_result(self, fields):
        values = super().default_result(fields)
        lot = self.result.lot
        warranty = lot.warranty if lot else None
        if warranty:
            values.update({
                    'warranty': warranty.id,
                    'warranty_phase': warranty.phase,
                    'warranty_days_left': warranty.days_left,
                    'warranty_customer': (
                        warranty.customer.id if warranty.customer else None),
                    'warranty_origin': (
                        warranty.origin.rec_name if warranty.origin else None),
                    })
            values['message'] += '\n' + gettext(
                'warranty.msg_lookup_warranty',
                phase=dict(PHASES)[warranty.phase],
                days=warranty.days_left,
                customer=(
                    warranty.customer.rec_name if warranty.customer else '-'),
                origin=warranty.origin.rec_name if warranty.origin else '-')
        elif lot:
            values['message'] += '\n' + gettext(
                'warranty.msg_lookup_no_warranty')
        return values
