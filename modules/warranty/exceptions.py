# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class WarrantyError(UserError):
    pass


class ClaimError(WarrantyError):
    pass


class EligibilityError(ClaimError):
    pass


class ReplacementError(ClaimError):
    pass


class SnapshotError(AccessError):
    pass
