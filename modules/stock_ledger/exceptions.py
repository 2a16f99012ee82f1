# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class LedgerError(AccessError):
    pass


class CompensationError(UserError):
    pass


class MoveAmountError(ValidationError):
    pass
