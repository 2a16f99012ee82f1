# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
import logging
import shlex
import shutil
from collections import defaultdict
from decimal import Decimal

from sql import For
from sql.conditionals import Coalesce

from trytond import backend
import trytond.config as config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.account.exceptions import PeriodNotFoundError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.rpc import RPC
from trytond.tools import grouped_slice, sqlite_apply_types
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import CashCountError, CashSessionError, PostSalesOneByOne

logger = logging.getLogger(__name__)

# Fields a client may still write on a closed session: the supervisor's
# explanation of its difference
CLOSED_WRITABLE = {'difference_reason', 'difference_note'}


class CashSession(metaclass=PoolMeta):
    __name__ = 'sale.point.cash.session'

    opening_amount = Monetary(
        "Opening Count", currency='currency', digits='currency',
        states={
            'readonly': Eval('state') != 'open',
            },
        help="The cash counted in the drawer when the session opened.")
    opening_difference = Monetary(
        "Opening Difference", currency='currency', digits='currency',
        readonly=True,
        help="The opening count less the count that closed the previous "
        "session.")
    opening_mismatch = fields.Boolean(
        "Opening Mismatch", readonly=True,
        help="The drawer did not open with the cash it was closed with.")
    counts = fields.One2Many(
        'sale.point.cash.count', 'session', "Cash Count",
        states={
            'readonly': Eval('state') != 'open',
            },
        help="The notes and coins counted in the drawer to close it.")
    counted_amount = fields.Function(Monetary(
            "Counted", currency='currency', digits='currency'),
        'get_counted_amount')
    drawer_account = fields.Many2One(
        'account.account', "Drawer Account", readonly=True,
        states={
            'invisible': ~Eval('drawer_account'),
            })
    # Lazy: a blind counter may not read them, and a client loading the
    # session reads its eager fields at once
    expected_amount = Monetary(
        "Expected", currency='currency', digits='currency', readonly=True,
        loading='lazy',
        help="The start amount plus the session's cash posted on the "
        "drawer account, when the session was closed.")
    difference = Monetary(
        "Over/Short", currency='currency', digits='currency', readonly=True,
        loading='lazy',
        help="The counted cash less the expected cash.")
    difference_reason = fields.Many2One(
        'sale.point.cash.difference.reason', "Reason",
        ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'closed',
            # Not on the difference: a blind counter may not read it
            'invisible': Eval('state') == 'open',
            })
    difference_note = fields.Text(
        "Note",
        states={
            'readonly': Eval('state') != 'closed',
            'invisible': Eval('state') == 'open',
            })
    difference_move = fields.Many2One(
        'account.move', "Over/Short Move", readonly=True,
        states={
            'invisible': ~Eval('difference_move'),
            })
    closed_at = fields.Timestamp("Closed at", readonly=True)
    closed_by = fields.Many2One('res.user', "Closed by", readonly=True)
    sales = fields.One2Many(
        'sale.point.sale', 'session', "Sales", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions.discard(('closed', 'open'))
        cls._buttons['open']['invisible'] = True
        cls._buttons['close']['pre_validate'] = []
        cls.end_amount.states['readonly'] = True
        cls.end_amount.help = "The cash counted when the session closed."
        cls._buttons.update(
            count_close={
                'invisible': Eval('state') != 'open',
                'depends': ['state'],
                },
            )
        cls.__rpc__.update(
            check_drawers=RPC(instantiate=0, readonly=True),
            )

    def get_rec_name(self, name):
        return f'{self.point.rec_name} #{self.id}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('point') is not None
                and not values.get('previous_session')):
            # Clients do not send the readonly previous session they show
            last = cls.search([
                    ('point', '=', values['point']),
                    ('next_session', '=', None),
                    ], limit=1)
            if last:
                values['previous_session'] = last[0].id
        return values

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('point.rec_name',) + tuple(clause[1:])]

    @classmethod
    def on_modification(cls, mode, sessions, field_names=None):
        super().on_modification(mode, sessions, field_names=field_names)
        if mode == 'create':
            cls.open_journal_periods(sessions)

    @classmethod
    def open_journal_periods(cls, sessions):
        """Open the journals of the tills in the current period

        Tryton opens a journal's period at its first entry, under a table
        lock that fails the other tills posting at that moment; a session
        opens them before its first sale."""
        pool = Pool()
        Period = pool.get('account.period')
        JournalPeriod = pool.get('account.journal.period')
        wanted = set()
        for session in sessions:
            point = session.point
            try:
                period = Period.find(point.company)
            except PeriodNotFoundError:
                # Without an open period nothing can be posted yet.
                continue
            for journal in [point.journal, point.cash_journal]:
                if journal:
                    wanted.add((journal.id, period.id))
        if not wanted:
            return
        # A cashier opens a session, not the accounts: no access needed
        with without_check_access():
            existing = {(p.journal.id, p.period.id)
                for p in JournalPeriod.search([
                        ('journal', 'in', list({j for j, _ in wanted})),
                        ('period', 'in', list({p for _, p in wanted})),
                        ])}
            missing = sorted(wanted - existing)
            if missing:
                JournalPeriod.lock()
                JournalPeriod.create([{
                            'journal': journal,
                            'period': period,
                            } for journal, period in missing])

    def get_counted_amount(self, name):
        return self.currency.round(
            sum((c.amount for c in self.counts), Decimal(0)))

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or {'opening_amount', 'previous_session'} & field_names):
            if getattr(self, 'opening_amount', None) is not None:
                difference = self.opening_amount - self.start_amount
                mismatch = bool(difference)
            else:
                difference, mismatch = None, False
            if getattr(self, 'opening_difference', None) != difference:
                values['opening_difference'] = difference
            if getattr(self, 'opening_mismatch', None) != mismatch:
                values['opening_mismatch'] = mismatch
        return values

    @classmethod
    def check_modification(cls, mode, sessions, values=None, external=False):
        super().check_modification(
            mode, sessions, values=values, external=external)
        if mode == 'write' and external:
            for session in sessions:
                if session.state == 'open':
                    continue
                writable = (
                    CLOSED_WRITABLE if session.state == 'closed' else set())
                if set(values) - writable:
                    raise AccessError(gettext(
                            'sale_point_cash.msg_session_closed_write',
                            session=session.rec_name))

    @classmethod
    def get_current(cls, point):
        """The open session of point, opened now if there is none

        Core opens it under a lock of the whole session table, which fails
        every till selling at that moment; the sessions of a till follow
        one another, so its point is locked instead, before the search."""
        pool = Pool()
        Point = pool.get('sale.point')
        sessions = cls.search([
                ('point', '=', point.id),
                ('state', '=', 'open'),
                ], limit=1)
        if sessions:
            return sessions[0]
        # Restarts the transaction with the point locked before its
        # snapshot, unless it is locked already: the search then sees the
        # session another sale of the till opened
        Point.lock([point])
        sessions = cls.search([
                ('point', '=', point.id),
                ('state', '=', 'open'),
                ], limit=1)
        if sessions:
            return sessions[0]
        session = cls(point=point)
        session.save()
        return session

    @classmethod
    def lock_open(cls, sessions):
        "Lock the open sessions, refusing any that is no longer open"
        sessions = [s for s in sessions if s]
        if not sessions:
            return
        cls.lock_shared(sessions)
        for session in cls.browse(sessions):
            if session.state != 'open':
                raise CashSessionError(gettext(
                        'sale_point_cash.msg_session_not_open',
                        session=session.rec_name))

    @classmethod
    def lock_shared(cls, sessions):
        """Lock the sessions against their close, not against each other

        The sales of a till only need its session to stay open: they share
        its row lock, taken at once in the transaction, so they neither
        restart nor wait for one another.  The close takes the row for
        update (ModelSQL.lock): it waits for them, or a sale that finds it
        taken, or changed since its snapshot began, restarts after it."""
        transaction = Transaction()
        ids = {int(s) for s in sessions} - set(
            transaction.create_records[cls.__name__])
        if (not ids or backend.name != 'postgresql'
                or cls._table in transaction._locked_tables
                or ids <= transaction._locked_records[cls._table]):
            cls.lock(sessions)
            return
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute('SAVEPOINT sale_point_cash_session')
        try:
            cursor.execute(*table.select(table.id,
                    where=table.id.in_(sorted(ids)),
                    for_=For('SHARE', nowait=True)))
        except backend.DatabaseOperationalError:
            cursor.execute('ROLLBACK TO SAVEPOINT sale_point_cash_session')
            cls.lock(sessions)
        else:
            cursor.execute('RELEASE SAVEPOINT sale_point_cash_session')

    @classmethod
    def open(cls, sessions):
        for session in sessions:
            if session.state != 'open':
                raise CashSessionError(gettext(
                        'sale_point_cash.msg_session_reopen',
                        session=session.rec_name))
        super().open(sessions)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, sessions):
        """Close the sessions with their blind count

        Replaces sale_point's close, which refuses a count that differs from
        the till's totals: here the count is kept and its difference from
        the cash posted on the drawer account is recorded for posting."""
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        Transfer = pool.get('sale.point.cash.transfer')
        User = pool.get('res.user')
        # The session's sales and cash wait, or go to the next session
        cls.lock(sessions)
        sessions = [s for s in cls.browse(sessions) if s.state == 'open']
        if not sessions:
            return
        errors = []
        for session in sessions:
            errors.extend(session.close_errors())
        if errors:
            raise CashCountError(gettext(
                    'sale_point_cash.msg_session_close_refused',
                    errors='\n'.join(errors)))

        session_ids = [s.id for s in sessions]
        cls.post_sales(Sale.search([
                    ['OR',
                        ('session', 'in', session_ids),
                        ('payments.session', 'in', session_ids),
                        ],
                    ('state', '=', 'done'),
                    ]))
        Transfer.post([t for s in sessions for t in s.transfers
                if t.state == 'draft'])

        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        user = User(Transaction().user) if Transaction().user else None
        for session in sessions:
            session.drawer_account = session.point.get_drawer_account()
        ledger = cls.get_ledger_amounts(sessions)
        for session in sessions:
            session.end_amount = session.counted_amount
            session.expected_amount = session.currency.round(
                session.start_amount + ledger[session.id])
            session.difference = (
                session.end_amount - session.expected_amount)
            session.closed_at = now
            session.closed_by = user
        cls.save(sessions)

    @classmethod
    @ModelView.button_action('sale_point_cash.wizard_session_close')
    def count_close(cls, sessions):
        pass

    @classmethod
    def post_sales(cls, sales):
        """Post the paid sales of the sessions, naming the sale whose post
        is refused; the close then changes nothing

        Closing a session is what posts its sales: whoever may close it
        posts the sales it found, without the posting group.  They are
        posted together, as core posts a list of sales (five times faster
        than one by one); when that is refused, the close restarts from
        scratch and posts them one by one, to name the sale."""
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        if not sales:
            return
        if not PostSalesOneByOne.restarted():
            try:
                with without_check_access():
                    Sale.post(sales)
            except UserError as error:
                raise PostSalesOneByOne() from error
            return
        for sale in sales:
            try:
                with without_check_access():
                    Sale.post([sale])
            except UserError as error:
                raise CashSessionError(gettext(
                        'sale_point_cash.msg_session_sale_post_refused',
                        sale=sale.rec_name, error=error.message)) from error

    @classmethod
    def count_and_close(cls, session, quantities):
        """Replace the count of the open session by quantities, a dict of
        {denomination: quantity}, and close it

        All is checked before anything is written, and a close refused
        leaves the session as it was, count included."""
        pool = Pool()
        Count = pool.get('sale.point.cash.count')
        cls.lock([session])
        session = cls(session.id)
        if session.state != 'open':
            raise CashSessionError(gettext(
                    'sale_point_cash.msg_session_not_open',
                    session=session.rec_name))
        for denomination, quantity in quantities.items():
            if (isinstance(quantity, bool) or not isinstance(quantity, int)
                    or quantity < 0):
                raise CashCountError(gettext(
                        'sale_point_cash.msg_count_quantity',
                        session=session.rec_name,
                        denomination=denomination.rec_name,
                        quantity=quantity))
            if denomination.currency != session.currency:
                raise CashCountError(gettext(
                        'sale_point_cash.msg_count_currency',
                        session=session.rec_name,
                        denomination=denomination.rec_name,
                        currency=session.currency.rec_name))
        errors = session.close_errors(counted=any(quantities.values()))
        if errors:
            raise CashCountError(gettext(
                    'sale_point_cash.msg_session_close_refused',
                    errors='\n'.join(errors)))
        Count.delete(list(session.counts))
        Count.create([{
                    'session': session.id,
                    'denomination': d.id,
                    'quantity': q,
                    } for d, q in quantities.items() if q])
        cls.close([session])

    def close_errors(self, counted=None):
        """The messages of what prevents closing the session, counted or
        not as its count says unless counted is given"""
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        errors = []
        if not (self.counts if counted is None else counted):
            errors.append(gettext(
                    'sale_point_cash.msg_session_count_required',
                    session=self.rec_name))
        if not self.point.get_drawer_account():
            errors.append(gettext(
                    'sale_point_cash.msg_point_drawer_account_required',
                    point=self.point.rec_name))
        for sale in Sale.search([
                    ('payments.session', '=', self.id),
                    ('state', '=', 'open'),
                    ]):
            errors.append(gettext(
                    'sale_point_cash.msg_session_sale_open',
                    session=self.rec_name, sale=sale.rec_name))
        return errors

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, sessions):
        "Post the over/short of each session with its reason"
        pool = Pool()
        Move = pool.get('account.move')
        cls.lock(sessions)
        sessions = [s for s in cls.browse(sessions) if s.state == 'closed']
        if not sessions:
            return
        errors = []
        for session in sessions:
            errors.extend(session.post_errors())
        if errors:
            raise CashSessionError(gettext(
                    'sale_point_cash.msg_session_post_refused',
                    errors='\n'.join(errors)))
        moves = []
        for session in sessions:
            if session.difference:
                session.difference_move = session.get_difference_move()
                moves.append(session.difference_move)
        Move.save(moves)
        Move.post(moves)
        cls.save(sessions)
        super().post(sessions)

    def post_errors(self):
        "The messages of what prevents posting the session's difference"
        pool = Pool()
        Lang = pool.get('ir.lang')
        errors = []
        if not self.difference:
            return errors
        point = self.point
        if not point.cash_difference_account or not point.cash_journal:
            errors.append(gettext(
                    'sale_point_cash.msg_point_difference_account_required',
                    point=point.rec_name, session=self.rec_name))
        tolerance = point.cash_tolerance or Decimal(0)
        if abs(self.difference) > tolerance and not self.difference_reason:
            lang = Lang.get()
            errors.append(gettext(
                    'sale_point_cash.msg_session_reason_required',
                    session=self.rec_name,
                    difference=lang.currency(self.difference, self.currency),
                    tolerance=lang.currency(tolerance, self.currency)))
        return errors

    def get_difference_move(self):
        "The journal entry of the over/short on the drawer account"
        pool = Pool()
        Date = pool.get('ir.date')
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Period = pool.get('account.period')
        company = self.point.company
        with Transaction().set_context(company=company.id):
            date = Date.today()
        if self.closed_at:
            date = min(date, self.closed_at.date())
        description = gettext(
            'sale_point_cash.msg_difference_move_description',
            session=self.rec_name)
        drawer = Line(
            account=self.drawer_account, origin=self,
            description=description)
        counterpart = Line(
            account=self.point.cash_difference_account, origin=self,
            description=description)
        if self.difference > 0:
            drawer.debit, drawer.credit = self.difference, Decimal(0)
        else:
            drawer.debit, drawer.credit = Decimal(0), -self.difference
        counterpart.debit, counterpart.credit = drawer.credit, drawer.debit
        if self.difference_reason:
            counterpart.description = ' - '.join(
                [description, self.difference_reason.rec_name])
        return Move(
            company=company,
            journal=self.point.cash_journal,
            period=Period.find(company, date=date),
            date=date,
            origin=self,
            description=description,
            lines=[drawer, counterpart])

    def ledger_origins(self):
        "The origins of the drawer account lines of the session's cash"
        return [str(p) for p in self.payments] + [
            str(t) for t in self.transfers]

    @classmethod
    def get_ledger_amounts(cls, sessions, with_difference=False):
        """The session's cash posted on its drawer account, as
        {session id: debit - credit}, with or without the over/short

        The lines of the session's cash are found by their origin, and so
        are the lines that cancel them."""
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        line = Line.__table__()
        move = Move.__table__()
        cursor = Transaction().connection.cursor()
        amounts = defaultdict(Decimal)
        origin2session = {}
        for session in sessions:
            origins = session.ledger_origins()
            if with_difference:
                origins.append(str(session))
            for origin in origins:
                origin2session[origin] = session
        while origin2session:
            found = {}
            for sub_origins in grouped_slice(
                    origin2session, backend.MAX_QUERY_PARAMS):
                query = line.join(move, condition=line.move == move.id
                    ).select(
                    line.id.as_('id'), line.origin.as_('origin'),
                    line.account.as_('account'),
                    (Coalesce(line.debit, 0) - Coalesce(line.credit, 0)
                        ).as_('amount'),
                    where=(move.state == 'posted')
                    & line.origin.in_(list(sub_origins)))
                if backend.name == 'sqlite':
                    sqlite_apply_types(query, [None, None, None, 'NUMERIC'])
                cursor.execute(*query)
                for line_id, origin, account, amount in cursor:
                    session = origin2session[origin]
                    drawer = session.drawer_account or (
                        session.point.get_drawer_account())
                    if drawer and account == drawer.id:
                        amounts[session.id] += Decimal(amount or 0)
                    found[f'{Line.__name__},{line_id}'] = session
            origin2session = found
        return amounts

    @classmethod
    def check_drawers(cls, sessions):
        "The drawer check of the sessions, each with its session's id"
        ids = [getattr(s, 'id', None) for s in sessions] if isinstance(
            sessions, (list, tuple)) else None
        if ids is None or not all(
                isinstance(i, int) and not isinstance(i, bool) and i >= 0
                for i in ids):
            raise CashSessionError(gettext(
                    'sale_point_cash.msg_check_drawers_ids',
                    value=repr(sessions)[:40]))
        found = {s.id for s in cls.search([('id', 'in', ids)])}
        if set(ids) - found:
            raise CashSessionError(gettext(
                    'sale_point_cash.msg_check_drawers_ids',
                    value=min(set(ids) - found)))
        sessions = cls.browse(ids)
        return [dict(c, session=c['session'].id)
            for c in cls.drawer_check(sessions)]

    @classmethod
    def drawer_check(cls, sessions):
        """For each closed or posted session: its expected cash, the cash
        posted on its drawer account for it now, its count and its
        over/short posted, and whether they agree to the cent"""
        sessions = [s for s in sessions if s.state in {'closed', 'posted'}]
        ledger = cls.get_ledger_amounts(sessions)
        ledger_all = cls.get_ledger_amounts(sessions, with_difference=True)
        checks = []
        for session in sessions:
            round_ = session.currency.round
            ledger_expected = round_(session.start_amount + ledger[session.id])
            ledger_end = round_(session.start_amount + ledger_all[session.id])
            posted = round_(ledger_all[session.id] - ledger[session.id])
            balanced = ledger_expected == session.expected_amount
            if session.state == 'posted':
                balanced &= ledger_end == session.end_amount
            checks.append({
                    'session': session,
                    'expected': session.expected_amount,
                    'ledger': ledger_expected,
                    'counted': session.end_amount,
                    'difference': session.difference,
                    'difference_posted': posted,
                    'balanced': balanced,
                    })
        return checks

    def z_report_summary(self):
        "The figures of the Z report of the session"
        sales = sorted(self.sales, key=lambda s: s.number or '')
        methods = defaultdict(Decimal)
        for sale in sales:
            for payment in sale.payments:
                methods[payment.method.rec_name] += payment.amount
        for payment in self.payments:
            if payment.sale.session != self:
                methods[payment.method.rec_name] += payment.amount
        return {
            'sales': [s for s in sales if s.total >= 0],
            'refunds': [s for s in sales if s.total < 0],
            'sales_total': sum(
                (s.total for s in sales if s.total >= 0), Decimal(0)),
            'refunds_total': sum(
                (s.total for s in sales if s.total < 0), Decimal(0)),
            'methods': sorted(methods.items()),
            'transfers_total': sum(
                (t.amount for t in self.transfers), Decimal(0)),
            }


class DenominationCountMixin:
    "How many of one denomination were counted, and their amount"
    __slots__ = ()

    quantity = fields.Integer(
        "Quantity", required=True,
        domain=[('quantity', '>=', 0)])
    amount = fields.Function(Monetary(
            "Amount", currency='currency', digits='currency'),
        'on_change_with_amount')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')

    @fields.depends('quantity', 'denomination')
    def on_change_with_amount(self, name=None):
        if self.denomination and self.quantity is not None:
            return self.denomination.value * self.quantity


class CashCount(DenominationCountMixin, ModelSQL, ModelView):
    "The count of one denomination in a cash drawer"
    __name__ = 'sale.point.cash.count'

    session = fields.Many2One(
        'sale.point.cash.session', "Session", required=True,
        ondelete='CASCADE')
    denomination = fields.Many2One(
        'sale.point.cash.denomination', "Denomination", required=True,
        ondelete='RESTRICT',
        domain=[
            ('currency', '=', Eval('currency', -1)),
            ])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('session')
        t = cls.__table__()
        cls._sql_constraints = [
            ('session_denomination_unique',
                Unique(t, t.session, t.denomination),
                'sale_point_cash.msg_count_denomination_unique'),
            ]
        cls._order.insert(0, ('denomination.value', 'DESC'))

    @fields.depends('session', '_parent_session.point')
    def on_change_with_currency(self, name=None):
        if self.session and self.session.point:
            return self.session.point.company.currency

    @classmethod
    def check_modification(cls, mode, counts, values=None, external=False):
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        super().check_modification(
            mode, counts, values=values, external=external)
        sessions = {c.session for c in counts}
        if mode == 'write' and values.get('session'):
            sessions.add(Session(values['session']))
        for session in sessions:
            if session.state != 'open':
                raise AccessError(gettext(
                        'sale_point_cash.msg_count_session_closed',
                        session=session.rec_name))


class CashDifferenceReason(DeactivableMixin, ModelSQL, ModelView):
    "Why a cash drawer was over or short"
    __name__ = 'sale.point.cash.difference.reason'

    company = fields.Many2One('company.company', "Company", required=True)
    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_code_unique', Unique(t, t.company, t.code),
                'sale_point_cash.msg_reason_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]


class PrintedWhereConverted(Report):
    "A report printed as its template where no converter is installed"

    @classmethod
    def convert(cls, report, data, **kwargs):
        output_format = report.extension or report.template_extension
        if (output_format != report.template_extension
                and not converter_available()):
            logger.info(
                "no converter to %s, %s printed as %s", output_format,
                report.report_name, report.template_extension)
            return report.template_extension, data
        return super().convert(report, data, **kwargs)


def converter_available():
    "Whether the program of the report convert command is installed"
    command = config.get('report', 'convert_command', default='soffice')
    program = shlex.split(command)[0] if command.strip() else None
    return bool(program and shutil.which(program))


class ZReport(PrintedWhereConverted):
    "The end-of-day report of a closed session, the cashier's included"
    __name__ = 'sale.point.cash.session.z_report'

    @classmethod
    def get_context(cls, records, header, data):
        # A Z report is final: an open drawer is still being counted
        for session in records:
            if session.state == 'open':
                raise CashSessionError(gettext(
                        'sale_point_cash.msg_z_report_open',
                        session=session.rec_name))
        return super().get_context(records, header, data)


class DrawerCheckReport(PrintedWhereConverted):
    __name__ = 'sale.point.cash.session.drawer_check'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        context = super().get_context(records, header, data)
        context['checks'] = Session.drawer_check(records)
        return context


class CloseStart(ModelView):
    "The blind count of a drawer that closes its session"
    __name__ = 'sale.point.cash.session.close.start'

    session = fields.Many2One(
        'sale.point.cash.session', "Session", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    counts = fields.One2Many(
        'sale.point.cash.session.close.count', None, "Cash Count",
        help="How many of each note and coin are in the drawer.")
    counted_amount = fields.Function(Monetary(
            "Counted", currency='currency', digits='currency'),
        'on_change_with_counted_amount')

    @fields.depends('counts', 'currency')
    def on_change_with_counted_amount(self, name=None):
        amount = sum(
            (c.on_change_with_amount() or Decimal(0) for c in self.counts),
            Decimal(0))
        return self.currency.round(amount) if self.currency else amount


class CloseCount(DenominationCountMixin, ModelView):
    "How many of one denomination are in the drawer"
    __name__ = 'sale.point.cash.session.close.count'

    denomination = fields.Many2One(
        'sale.point.cash.denomination', "Denomination", required=True,
        readonly=True)

    @fields.depends('denomination')
    def on_change_with_currency(self, name=None):
        return self.denomination.currency if self.denomination else None


class Close(Wizard):
    "Count the drawer blind and close its session, or change nothing"
    __name__ = 'sale.point.cash.session.close'

    start = StateView('sale.point.cash.session.close.start',
        'sale_point_cash.session_close_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Close", 'close_', 'tryton-ok', default=True),
            ])
    close_ = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Denomination = pool.get('sale.point.cash.denomination')
        session = self.record
        counted = {c.denomination: c.quantity for c in session.counts}
        denominations = Denomination.search([
                ('currency', '=', session.currency.id),
                ], order=[('value', 'DESC')])
        denominations += [d for d in counted if d not in denominations]
        return {
            'session': session.id,
            'currency': session.currency.id,
            'counts': [{
                    'denomination': d.id,
                    'quantity': counted.get(d, 0),
                    } for d in denominations],
            }

    def transition_close_(self):
        quantities = {}
        for count in self.start.counts:
            quantities[count.denomination] = (
                quantities.get(count.denomination, 0) + count.quantity)
        self.model.count_and_close(self.record, quantities)
        return 'end'
