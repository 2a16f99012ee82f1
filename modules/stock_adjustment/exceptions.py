# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class AdjustmentError(UserError):
    pass


class AdjustmentApprovalError(UserError):
    pass


class AdjustmentLineError(ValidationError):
    pass


class DefectError(UserError):
    pass


class CountError(UserError):
    pass
