# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class BranchAccessError(UserError):
    pass


class BranchLocationError(ValidationError):
    pass


class CreateBranchError(UserError):
    pass


class TransferScanError(UserError):
    pass


class RPCArgumentError(UserError):
    pass
