# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""The value of the stock from the stock ledger against the general ledger.

The stock side is derived from done stock moves only: each serialized
unit in company stock at its cost at the date, and every other move that
brings value in or takes it out at the value continental posts for it.
The general-ledger side is the balance of the inventory accounts.
Every difference is explained by causes: a move not posted or posted at
another value, a unit whose postings do not add up to its cost, or an
entry on an inventory account that no stock movement made.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ReconciliationError

CAUSES = [
    ('unposted', "Move Not Posted"),
    ('amount', "Posted at Another Value"),
    ('unit', "Unit Postings Differ from Its Cost"),
    ('entry', "Entry Without Stock Movement"),
    ]


class Reconciliation(ModelSQL, ModelView):
    "Stock value against the general ledger"
    __name__ = 'stock.valuation.reconciliation'

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    stock_value = fields.Numeric(
        "Stock Value", digits=(16, 2), required=True, readonly=True,
        help="The value of the company's stock from the stock ledger.")
    ledger_balance = fields.Numeric(
        "Ledger Balance", digits=(16, 2), required=True, readonly=True,
        help="The balance of the inventory accounts.")
    difference = fields.Numeric(
        "Difference", digits=(16, 2), required=True, readonly=True)
    state = fields.Selection([
            ('balanced', "Balanced"),
            ('difference', "Difference"),
            ], "State", required=True, readonly=True, sort=False)
    causes = fields.One2Many(
        'stock.valuation.reconciliation.cause', 'reconciliation', "Causes",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.company.rec_name} @ {self.date}'

    @classmethod
    def check_modification(
            cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext(
                    'stock_valuation.msg_reconciliation_immutable'))

    @classmethod
    def run(cls, companies=None, date=None):
        "Reconcile each company at date (today); return the reconciliations"
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        if companies is None:
            companies = Company.search([])
        to_create = []
        for company in companies:
            with Transaction().set_context(company=company.id):
                at = date or Date.today()
            result = cls.compute(company, at)
            to_create.append({
                    'company': company.id,
                    'date': at,
                    'stock_value': result['stock_value'],
                    'ledger_balance': result['ledger_balance'],
                    'difference': result['difference'],
                    'state': 'difference' if result['difference']
                    else 'balanced',
                    'causes': [('create', result['causes'])],
                    })
        return cls.create(to_create)

    @classmethod
    def check_balanced(cls, company, date):
        "Refuse if the stock of company at date differs from its ledger"
        result = cls.compute(company, date)
        if result['difference']:
            lang = Pool().get('ir.lang').get()
            causes = '\n'.join(
                f"{c['description']}: "
                f"{lang.format_number(c['amount'], 2)}"
                for c in result['causes'][:10])
            raise ReconciliationError(gettext(
                    'stock_valuation.msg_period_close_difference',
                    company=company.rec_name,
                    date=lang.strftime(date),
                    difference=lang.format_number(result['difference'], 2),
                    causes=causes))

    @classmethod
    def compute(cls, company, date):
        """Return the stock value, the ledger balance, their difference
        and its causes (list of values of causes) for company at date"""
        posted, entries = cls._posted(company, date)
        ledger_balance = sum(posted.values(), Decimal(0))
        stock_value = Decimal(0)
        causes = []
        units = defaultdict(list)
        periods = {}
        for move in cls._valued_moves(company, date):
            if not move._posts_stock_accounting(periods):
                continue
            if move.specific_cost:
                units[move.lot].append(move)
                continue
            expected = move.stock_value
            stock_value += expected
            got = posted.pop(('move', move.id), None)
            if got is None and expected:
                causes.append(cls._cause('unposted', -expected, move=move))
            elif got is not None and got != expected:
                causes.append(
                    cls._cause('amount', got - expected, move=move))
        for lot, moves in units.items():
            expected = company.currency.round(
                cls._unit_value(lot, moves, date))
            stock_value += expected
            got = sum((posted.pop(('move', m.id), Decimal(0))
                    for m in moves), posted.pop(('unit', lot.id), Decimal(0)))
            if got != expected:
                causes.append(cls._cause('unit', got - expected, lot=lot))
        # What is left was posted by no valued movement of the ledger
        for (kind, id_), amount in posted.items():
            if amount:
                causes.append(cls._cause(
                        'entry', amount, line=entries[kind, id_]))
        return {
            'stock_value': stock_value,
            'ledger_balance': ledger_balance,
            'difference': ledger_balance - stock_value,
            'causes': causes,
            }

    @classmethod
    def _cause(cls, kind, amount, move=None, lot=None, line=None):
        description = dict(CAUSES)[kind]
        record = move or lot or line
        return {
            'kind': kind,
            'amount': amount,
            'stock_move': move.id if move else None,
            'lot': lot.id if lot else None,
            'account_move_line': line.id if line else None,
            'description': f'{description}: {record.rec_name}',
            }

    @classmethod
    def _inventory_accounts(cls, company):
        Account = Pool().get('account.account')
        return Account.search([
                ('company', '=', company.id),
                ('type.stock', '=', True),
                ('type.statement', '=', 'balance'),
                ])

    @classmethod
    def _posted(cls, company, date):
        """Return ({(kind, id): amount}, {(kind, id): line}) of the posted
        lines of the inventory accounts up to date, by their origin: a
        stock move, a unit or (for any other) the line itself"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        posted = defaultdict(Decimal)
        entries = {}
        lines = MoveLine.search([
                ('account', 'in',
                    [a.id for a in cls._inventory_accounts(company)]),
                ('move.state', '=', 'posted'),
                ('move.date', '<=', date),
                ], order=[('id', 'ASC')])
        for line in lines:
            origin = line.move.origin
            if isinstance(origin, Move) and origin.id >= 0:
                key = ('move', origin.id)
            elif isinstance(origin, Lot) and origin.id >= 0:
                key = ('unit', origin.id)
            else:
                key = ('line', line.id)
            posted[key] += line.debit - line.credit
            entries.setdefault(key, line)
        return posted, entries

    @classmethod
    def _valued_moves(cls, company, date):
        "The done moves up to date that bring value in or take it out"
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        valued = [l.id for l in Location.search([('type', '=', 'storage')])
            if l.valued]
        moves = Move.search([
                ('company', '=', company.id),
                ('state', '=', 'done'),
                ('effective_date', '<=', date),
                ['OR',
                    ('from_location', 'in', valued),
                    ('to_location', 'in', valued),
                    ],
                ], order=[('effective_date', 'ASC'), ('id', 'ASC')])
        return [m for m in moves if m.valuation_direction]

    @classmethod
    def _unit_value(cls, lot, moves, date):
        "The cost at date of the unit if its last move left it in stock"
        if moves[-1].valuation_direction != 'in':
            return Decimal(0)
        return cls._unit_cost_at(lot, date)

    @classmethod
    def _unit_cost_at(cls, lot, date):
        "The unit's cost before the corrections made after date"
        pool = Pool()
        Correction = pool.get('stock.lot.correction')
        end = dt.datetime.combine(date, dt.time.max)
        later = Correction.search([
                ('lot', '=', lot.id),
                ('field', '=', 'unit_cost'),
                ('create_date', '>', end),
                ], order=[('create_date', 'ASC'), ('id', 'ASC')], limit=1)
        if later:
            return Decimal(later[0].old_value or 0)
        return lot.unit_cost or Decimal(0)


class ReconciliationCause(ModelSQL, ModelView):
    "Why the stock value and the ledger differ"
    __name__ = 'stock.valuation.reconciliation.cause'

    reconciliation = fields.Many2One(
        'stock.valuation.reconciliation', "Reconciliation", required=True,
        readonly=True, ondelete='CASCADE')
    kind = fields.Selection(CAUSES, "Kind", required=True, readonly=True)
    amount = fields.Numeric(
        "Amount", digits=(16, 2), required=True, readonly=True,
        help="What it adds to the ledger balance over the stock value.")
    stock_move = fields.Many2One(
        'stock.move', "Stock Move", readonly=True,
        states={'invisible': ~Eval('stock_move')})
    lot = fields.Many2One(
        'stock.lot', "Unit", readonly=True,
        states={'invisible': ~Eval('lot')})
    account_move_line = fields.Many2One(
        'account.move.line', "Account Move Line", readonly=True,
        states={'invisible': ~Eval('account_move_line')})
    description = fields.Char("Description", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('reconciliation')
