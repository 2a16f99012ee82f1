# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .discrepancy import REASON_CONTEXT


class ShipmentInternal(metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'

    @classmethod
    def receive_scanned(cls, shipment, entries, damaged=(), reason=None):
        """reason may also be a stock.adjustment.reason: the discrepancies
        and shrinkage cases then carry it as their reason code"""
        pool = Pool()
        Reason = pool.get('stock.adjustment.reason')
        if isinstance(reason, Reason):
            with Transaction().set_context(**{REASON_CONTEXT: reason.id}):
                return super().receive_scanned(
                    shipment, entries, damaged=damaged,
                    reason=reason.rec_name)
        return super().receive_scanned(
            shipment, entries, damaged=damaged, reason=reason)


class TransferScanStart(metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal.scan.start'

    reason_code = fields.Many2One(
        'stock.adjustment.reason', "Reason Code",
        states={
            'invisible': Eval('mode') != 'receive',
            },
        help="The reason code of the discrepancies; a lost unit is "
        "written off to its reason's location.")


class TransferReceive(metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal.receive'

    def transition_confirm(self):
        reason = self.start.reason_code
        if not reason:
            return super().transition_confirm()
        context = {REASON_CONTEXT: reason.id}
        if not self.start.reason:
            self.start.reason = reason.rec_name
        with Transaction().set_context(**context):
            return super().transition_confirm()
