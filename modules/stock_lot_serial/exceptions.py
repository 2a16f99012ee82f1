# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class IdentifierValidationError(ValidationError):
    pass


class IdentifierDuplicateError(ValidationError):
    pass


class IdentityFrozenError(AccessError):
    pass


class TrackingChangeError(AccessError):
    pass


class SerialMoveError(UserError):
    pass


class ReceiptImportError(UserError):
    pass
