# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError


class ValuationError(UserError):
    pass


class CostMethodError(ValuationError):
    pass


class ReconciliationError(ValuationError):
    pass
