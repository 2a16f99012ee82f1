# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"Proteus helpers that set up the stock accounting of a company"
import datetime as dt
from decimal import Decimal

from proteus import Model
from trytond.modules.account.tests.tools import (
    create_fiscalyear, create_tax, get_accounts)
from trytond.modules.account_stock_continental.tests.tools import (
    add_stock_accounts)
from trytond.modules.company.tests.tools import get_company


def setup_accounting(company=None, today=None, config=None, fiscalyear=None):
    """Open a continental fiscal year and make the product accounting.

    The chart of accounts must exist.  fiscalyear, if given, is a new one
    to use; otherwise one is created, with invoice sequences when
    account_invoice is activated.  Return a dict with the
    fiscal year, the accounts by kind, the sales tax and an account
    category for goods whose stock moves post to the general ledger.
    Accounts: stock (inventory), stock_in (goods received not invoiced),
    stock_out (cost of goods sold), shrinkage, gain and revaluation.
    """
    Configuration = Model.get('account.configuration', config=config)
    ProductCategory = Model.get('product.category', config=config)
    if company is None:
        company = get_company(config=config)
    if today is None:
        today = dt.date.today()
    if fiscalyear is None:
        fiscalyear = create_fiscalyear(company, today=today, config=config)
        if 'invoice_sequences' in fiscalyear._fields:
            from trytond.modules.account_invoice.tests.tools import (
                set_fiscalyear_invoice_sequences)
            fiscalyear = set_fiscalyear_invoice_sequences(
                fiscalyear, config=config)
    fiscalyear.account_stock_method = 'continental'
    fiscalyear.click('create_period')

    accounts = add_stock_accounts(
        get_accounts(company, config=config), company, config=config)
    accounts['stock_in'] = accounts['stock_expense']
    accounts['stock_out'], = accounts['stock_expense'].duplicate(
        default={'name': "Cost of Goods Sold", 'code': '5.1.9'})
    for kind, name, code, model in [
            ('shrinkage', "Stock Shrinkage", '5.1.7', 'expense'),
            ('revaluation', "Stock Revaluation", '5.1.8', 'expense'),
            ('gain', "Stock Gains", '4.3.4', 'revenue'),
            ]:
        accounts[kind], = accounts[model].duplicate(
            default={'name': name, 'code': code})
    configuration = Configuration(1)
    configuration.stock_shrinkage_account = accounts['shrinkage']
    configuration.stock_gain_account = accounts['gain']
    configuration.stock_revaluation_account = accounts['revaluation']
    configuration.save()

    tax = create_tax(Decimal('.20'), company, config=config)
    tax.save()

    category = ProductCategory(name="Goods")
    category.accounting = True
    category.account_expense = accounts['expense']
    category.account_revenue = accounts['revenue']
    category.account_stock = accounts['stock']
    category.account_stock_in = accounts['stock_in']
    category.account_stock_out = accounts['stock_out']
    category.customer_taxes.append(tax)
    category.save()
    return {
        'fiscalyear': fiscalyear,
        'accounts': accounts,
        'tax': tax,
        'account_category': category,
        }


def journal_lines(records, accounts, config=None):
    """The lines posted for records (stock moves or units) as sorted
    (account, debit, credit); accounts are named by their key in the
    accounts of setup_accounting"""
    AccountMove = Model.get('account.move', config=config)
    names = {a.id: k for k, a in accounts.items() if k != 'stock_expense'}
    moves = AccountMove.find([('origin', 'in', [str(r) for r in records])])
    for move in moves:
        assert move.state == 'posted', move
    return sorted(
        (names.get(l.account.id, l.account.code), l.debit, l.credit)
        for m in moves for l in m.lines)
