# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

VALUATION_ACCOUNTS = {
    'stock_shrinkage_account': (
        "Stock Shrinkage Account",
        "Debited with the cost of stock lost, stolen, damaged or scrapped "
        "when its reason code has no account of its own."),
    'stock_gain_account': (
        "Stock Gain Account",
        "Credited with the cost of stock found when its reason code has "
        "no account of its own."),
    'stock_revaluation_account': (
        "Stock Revaluation Account",
        "The counterpart of the stock account when the cost of a unit in "
        "stock is corrected."),
    }


def income_account_field(string, help, company):
    "A field of an open income statement account of company"
    return fields.Many2One(
        'account.account', string,
        domain=[
            ('closed', '!=', True),
            ('type.statement', '=', 'income'),
            ('company', '=', company),
            ],
        help=help)


def _account_field(name, company):
    return income_account_field(*VALUATION_ACCOUNTS[name], company)


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'

    stock_shrinkage_account = fields.MultiValue(_account_field(
            'stock_shrinkage_account',
            Eval('context', {}).get('company', -1)))
    stock_gain_account = fields.MultiValue(_account_field(
            'stock_gain_account', Eval('context', {}).get('company', -1)))
    stock_revaluation_account = fields.MultiValue(_account_field(
            'stock_revaluation_account',
            Eval('context', {}).get('company', -1)))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in VALUATION_ACCOUNTS:
            return pool.get('account.configuration.stock_valuation_account')
        return super().multivalue_model(field)


class ConfigurationStockValuationAccount(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.stock_valuation_account'

    stock_shrinkage_account = _account_field(
        'stock_shrinkage_account', Eval('company', -1))
    stock_gain_account = _account_field(
        'stock_gain_account', Eval('company', -1))
    stock_revaluation_account = _account_field(
        'stock_revaluation_account', Eval('company', -1))


class AccountMoveLine(metaclass=PoolMeta):
    __name__ = 'account.move.line'

    branch = fields.Many2One(
        'stock.location', "Branch", ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse')],
        states={
            'readonly': Eval('move_state') == 'posted',
            },
        help="The branch whose stock or result the line is.\n"
        "Stock postings set it; on the inventory accounts, lines without "
        "branch are the stock in transit.")


class AccountMove(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['stock.lot']
