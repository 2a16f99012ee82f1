# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError


class RMAError(UserError):
    pass


class ReturnScanError(RMAError):
    pass


class InspectionError(RMAError):
    pass


class SupplierRMAError(RMAError):
    pass
