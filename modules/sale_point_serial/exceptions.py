# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError


class POSError(UserError):
    pass


class POSScanError(POSError):
    pass


class POSUnitError(POSError):
    pass


class POSSubmitError(POSError):
    pass
