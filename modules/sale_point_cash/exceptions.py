# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError


class CashSessionError(UserError):
    pass


class CashSessionClosedError(CashSessionError):
    pass


class CashCountError(CashSessionError):
    pass
