# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .account import income_account_field

_SHRINKAGE = ("Shrinkage Account",
    "Debited with the cost of stock written off for this reason.\n"
    "Leave empty to use the stock shrinkage account of the accounting "
    "configuration.")
_GAIN = ("Gain Account",
    "Credited with the cost of stock found for this reason.\n"
    "Leave empty to use the stock gain account of the accounting "
    "configuration.")


class Reason(CompanyMultiValueMixin, metaclass=PoolMeta):
    __name__ = 'stock.adjustment.reason'

    account_shrinkage = fields.MultiValue(income_account_field(
            *_SHRINKAGE, Eval('context', {}).get('company', -1)))
    account_gain = fields.MultiValue(income_account_field(
            *_GAIN, Eval('context', {}).get('company', -1)))
    accounts = fields.One2Many(
        'stock.adjustment.reason.account', 'reason', "Accounts")

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {'account_shrinkage', 'account_gain'}:
            return pool.get('stock.adjustment.reason.account')
        return super().multivalue_model(field)


class ReasonAccount(ModelSQL, CompanyValueMixin):
    __name__ = 'stock.adjustment.reason.account'

    reason = fields.Many2One(
        'stock.adjustment.reason', "Reason", ondelete='CASCADE',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    account_shrinkage = income_account_field(*_SHRINKAGE, Eval('company', -1))
    account_gain = income_account_field(*_GAIN, Eval('company', -1))
