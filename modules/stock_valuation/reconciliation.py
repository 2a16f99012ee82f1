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
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import ReconciliationError


def _branch_order(branch):
    "Branches by id, transit (None) last"
    return (branch is None, branch or 0)


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
    branches = fields.One2Many(
        'stock.valuation.reconciliation.branch', 'reconciliation',
        "Branches", readonly=True)
    lines = fields.One2Many(
        'stock.valuation.reconciliation.line', 'reconciliation',
        "Valuation", readonly=True,
        help="The value of the stock at the date per branch, product and "
        "unit, when asked for.")

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
    def run(cls, companies=None, date=None, valuation=False):
        """Reconcile each company at date (today); return the
        reconciliations, with the valuation lines if valuation"""
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
                    'state': 'balanced' if result['balanced']
                    else 'difference',
                    'causes': [('create', result['causes'])],
                    'branches': [('create', result['branches'])],
                    'lines': [('create',
                            result['lines'] if valuation else [])],
                    })
        return cls.create(to_create)

    @classmethod
    def check_balanced(cls, company, date):
        """Refuse if the stock of company or of one of its branches at
        date differs from its ledger"""
        result = cls.compute(company, date)
        if not result['balanced']:
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
        """Return for company at date the stock value, the ledger balance,
        their difference, whether every branch balances, the causes
        (list of values of causes), the
        same per branch (list of values of branches, None for transit) and
        the valuation (list of values of lines per branch, product and
        unit)"""
        posted, entries = cls._posted(company, date)
        expected = defaultdict(lambda: defaultdict(Decimal))
        valuation = defaultdict(lambda: [0.0, Decimal(0)])
        units = defaultdict(list)
        periods = {}
        for move in cls._valued_moves(company, date):
            if not move._posts_stock_accounting(periods):
                continue
            if move.specific_cost:
                units[move.lot].append(move)
                continue
            quantities = cls._move_quantities(move)
            for branch, amount in move.stock_values.items():
                expected['move', move.id][branch] += amount
                line = valuation[branch, move.product, None]
                line[0] += quantities.get(branch, 0)
                line[1] += amount
        for lot, moves in units.items():
            key = ('unit', lot.id)
            # A unit's postings add up over its moves and corrections
            for move in moves:
                for branch, amount in posted.pop(
                        ('move', move.id), {}).items():
                    posted[key][branch] += amount
            last = moves[-1]
            if last.to_location.valued:
                branch = last._location_branch(last.to_location)
                value = company.currency.round(cls._unit_cost_at(lot, date))
                expected[key][branch] += value
                valuation[branch, last.product, lot] = [
                    last.internal_quantity, value]
            else:
                # Gone: its postings must add up to nothing
                expected[key] = defaultdict(Decimal)
        causes = []
        branches = defaultdict(lambda: [Decimal(0), Decimal(0)])
        # The valued movements first, then what no movement made
        for key in list(expected) + [k for k in posted if k not in expected]:
            want, got = expected.get(key, {}), posted.get(key, {})
            for branch in sorted(
                    want.keys() | got.keys(), key=_branch_order):
                stock_value = want.get(branch, Decimal(0))
                ledger_balance = got.get(branch, Decimal(0))
                branches[branch][0] += stock_value
                branches[branch][1] += ledger_balance
                if ledger_balance != stock_value:
                    causes.append(cls._cause(
                            key, ledger_balance - stock_value, branch,
                            key in expected, key in posted, entries))
        stock_value = sum((v for v, _ in branches.values()), Decimal(0))
        ledger_balance = sum((b for _, b in branches.values()), Decimal(0))
        return {
            'stock_value': stock_value,
            'ledger_balance': ledger_balance,
            'difference': ledger_balance - stock_value,
            'balanced': not causes,
            'causes': causes,
            'branches': [{
                    'branch': branch,
                    'stock_value': stock_value,
                    'ledger_balance': ledger_balance,
                    'difference': ledger_balance - stock_value,
                    }
                for branch, (stock_value, ledger_balance) in sorted(
                    branches.items(), key=lambda i: _branch_order(i[0]))
                if stock_value or ledger_balance],
            'lines': [{
                    'branch': branch,
                    'product': product.id,
                    'lot': lot.id if lot else None,
                    'quantity': quantity,
                    'value': value,
                    }
                for (branch, product, lot), (quantity, value) in sorted(
                    valuation.items(), key=lambda i: (
                        _branch_order(i[0][0]), i[0][1].id,
                        i[0][2].id if i[0][2] else 0))
                if quantity or value],
            }

    @staticmethod
    def _move_quantities(move):
        "{branch id: quantity in the product's unit the move adds there}"
        quantity = move.internal_quantity
        if move.branch_transfer:
            return {
                move._location_branch(move.from_location): -quantity,
                move._location_branch(move.to_location): quantity,
                }
        sign = 1 if move.valuation_direction == 'in' else -1
        return {move.valued_branch: sign * quantity}

    @classmethod
    def _cause(cls, key, amount, branch, expected, posted, entries):
        "The values of the cause of amount on branch for key of compute"
        pool = Pool()
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        Location = pool.get('stock.location')
        origin, id_ = key
        move = lot = line = None
        if origin == 'unit':
            kind, lot = 'unit', Lot(id_)
        elif origin == 'move' and expected:
            kind = 'amount' if posted else 'unposted'
            move = Move(id_)
        else:
            kind, line = 'entry', entries[key]
        record = move or lot or line
        description = f'{dict(CAUSES)[kind]}: {record.rec_name}'
        if branch is not None:
            description += f' ({Location(branch).rec_name})'
        return {
            'kind': kind,
            'amount': amount,
            'branch': branch,
            'stock_move': move.id if move else None,
            'lot': lot.id if lot else None,
            'account_move_line': line.id if line else None,
            'description': description,
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
        """Return ({(kind, id): {branch id: amount}}, {(kind, id): line})
        of the posted lines of the inventory accounts up to date, by their
        origin: a stock move, a unit or (for any other) the line itself"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        posted = defaultdict(lambda: defaultdict(Decimal))
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
            posted[key][line.branch.id if line.branch else None] += (
                line.debit - line.credit)
            entries.setdefault(key, line)
        return posted, entries

    @classmethod
    def _valued_moves(cls, company, date):
        """The done moves up to date that bring value in or take it out
        or carry it from a branch to another"""
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
        return [m for m in moves
            if m.valuation_direction or m.branch_transfer]

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


class ReconciliationBranch(BranchOwnedMixin, ModelSQL, ModelView):
    "Stock value against the general ledger of a branch"
    __name__ = 'stock.valuation.reconciliation.branch'
    _branch_paths = ('branch',)
    _branch_optional = True

    reconciliation = fields.Many2One(
        'stock.valuation.reconciliation', "Reconciliation", required=True,
        readonly=True, ondelete='CASCADE')
    branch = fields.Many2One(
        'stock.location', "Branch", readonly=True,
        help="Empty for the stock in transit between branches.")
    stock_value = fields.Numeric(
        "Stock Value", digits=(16, 2), required=True, readonly=True)
    ledger_balance = fields.Numeric(
        "Ledger Balance", digits=(16, 2), required=True, readonly=True,
        help="The balance of the inventory account lines of the branch.")
    difference = fields.Numeric(
        "Difference", digits=(16, 2), required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('reconciliation')
        cls._order.insert(0, ('branch', 'ASC NULLS LAST'))


class ReconciliationLine(BranchOwnedMixin, ModelSQL, ModelView):
    "Value of the stock at the date of a reconciliation"
    __name__ = 'stock.valuation.reconciliation.line'
    _branch_paths = ('branch',)
    _branch_optional = True

    reconciliation = fields.Many2One(
        'stock.valuation.reconciliation', "Reconciliation", required=True,
        readonly=True, ondelete='CASCADE')
    date = fields.Function(fields.Date("Date"), 'get_reconciliation_field')
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'get_reconciliation_field')
    branch = fields.Many2One(
        'stock.location', "Branch", readonly=True,
        help="Empty for the stock in transit between branches.")
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    lot = fields.Many2One(
        'stock.lot', "Unit", readonly=True,
        help="The unit of a serialized product, valued at its own cost.")
    quantity = fields.Float("Quantity", required=True, readonly=True)
    value = fields.Numeric(
        "Value", digits=(16, 2), required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('reconciliation')
        cls._order = [
            ('reconciliation', 'DESC'), ('branch', 'ASC NULLS LAST'),
            ('product', 'ASC'), ('lot', 'ASC'), ('id', 'ASC')]

    def get_reconciliation_field(self, name):
        value = getattr(self.reconciliation, name)
        return value.id if isinstance(value, ModelSQL) else value


class ReconciliationCause(BranchOwnedMixin, ModelSQL, ModelView):
    "Why the stock value and the ledger differ"
    __name__ = 'stock.valuation.reconciliation.cause'
    _branch_paths = ('branch',)
    _branch_optional = True

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
    branch = fields.Many2One(
        'stock.location', "Branch", readonly=True,
        help="Empty for the stock in transit between branches.")
    description = fields.Char("Description", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('reconciliation')


class Reconcile(Wizard):
    "Reconcile the stock value with the ledger"
    __name__ = 'stock.valuation.reconcile'

    start = StateView(
        'stock.valuation.reconcile.start',
        'stock_valuation.reconcile_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reconcile", 'reconcile', 'tryton-ok', default=True),
            ])
    reconcile = StateAction('stock_valuation.act_reconciliation')

    def do_reconcile(self, action):
        pool = Pool()
        Reconciliation = pool.get('stock.valuation.reconciliation')
        # Run as the cron does: the figures come from the server alone
        with without_check_access():
            reconciliation, = Reconciliation.run(
                [self.start.company], self.start.date,
                valuation=self.start.valuation)
        action['views'].reverse()
        return action, {'res_id': [reconciliation.id]}


class ReconcileStart(ModelView):
    "Reconcile the stock value with the ledger"
    __name__ = 'stock.valuation.reconcile.start'

    company = fields.Many2One('company.company', "Company", required=True)
    date = fields.Date(
        "Date", required=True,
        help="The day at whose end the stock and the ledger are compared.")
    valuation = fields.Boolean(
        "Valuation",
        help="Keep the value of the stock per branch, product and unit.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_valuation(cls):
        return True
