# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.modules.account.exceptions import PeriodNotFoundError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .exceptions import ValuationError


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    @classmethod
    def post_revaluation(cls, lots, old_costs):
        "Post the change of cost of the units in stock from old_costs"
        pool = Pool()
        AccountMove = pool.get('account.move')
        account_moves = list(filter(None, (
                    lot._get_revaluation_account_move(old_costs[lot.id])
                    for lot in lots)))
        AccountMove.save(account_moves)
        AccountMove.post(account_moves)
        return account_moves

    @property
    def valuation_company(self):
        "The company whose stock the unit is"
        pool = Pool()
        Company = pool.get('company.company')
        if self.supplier_move:
            return self.supplier_move.company
        company = Transaction().context.get('company')
        return Company(company) if company else None

    def _get_revaluation_account_move(self, old_cost):
        "The account move of the unit's change of cost from old_cost"
        pool = Pool()
        AccountMove = pool.get('account.move')
        AccountMoveLine = pool.get('account.move.line')
        Configuration = pool.get('account.configuration')
        Date = pool.get('ir.date')
        Period = pool.get('account.period')
        location = self.current_location
        company = self.valuation_company
        if not location or not location.valued or not company:
            return
        with Transaction().set_context(company=company.id):
            today = Date.today()
            try:
                period = Period.find(company, date=today)
            except PeriodNotFoundError:
                return
            if not period.fiscalyear.account_stock_method:
                return
            amount = company.currency.round(
                (self.unit_cost or Decimal(0)) - (old_cost or Decimal(0)))
            if not amount:
                return
            config = Configuration(1)
            counterpart = config.get_multivalue(
                'stock_revaluation_account', company=company.id)
            if not counterpart:
                raise ValuationError(gettext(
                        'stock_valuation.msg_missing_revaluation_account',
                        unit=self.rec_name, product=self.product.rec_name))
            stock = self.product.account_stock_used
            journal = config.get_multivalue(
                'stock_journal', company=company.id)
        debit, credit = ((amount, Decimal(0)) if amount > 0
            else (Decimal(0), -amount))
        branch = location.warehouse
        return AccountMove(
            journal=journal, period=period, date=today, origin=self,
            company=company,
            lines=[
                AccountMoveLine(
                    account=stock, debit=debit, credit=credit,
                    branch=branch),
                AccountMoveLine(
                    account=counterpart.current(), debit=credit,
                    credit=debit, branch=branch),
                ])


class CorrectIdentity(metaclass=PoolMeta):
    __name__ = 'stock.lot.correct_identity'

    def transition_correct(self):
        pool = Pool()
        Lot = pool.get('stock.lot')
        lot = self.record
        Lot.lock([lot])
        old_cost, = Lot.read([lot.id], ['unit_cost'])
        old_cost = old_cost['unit_cost']
        state = super().transition_correct()
        lot = Lot(lot.id)
        if lot.unit_cost != old_cost:
            # The ledger follows the stock whoever corrects it, as
            # continental posts whoever moves the stock.
            with without_check_access():
                Lot.post_revaluation([lot], {lot.id: old_cost})
        return state
