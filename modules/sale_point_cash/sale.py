# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import CashSessionClosedError


class POS(metaclass=PoolMeta):
    __name__ = 'sale.point'

    cash_account = fields.Many2One(
        'account.account', "Drawer Account",
        domain=[
            ('type', '!=', None),
            ('closed', '!=', True),
            ('company', '=', Eval('company', -1)),
            ],
        help="The cash account of this till's drawer.\n"
        "If empty, the account of the cash payment method is used.")
    cash_journal = fields.Many2One(
        'account.journal', "Cash Journal",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The journal of the over/short postings of the drawer.")
    cash_difference_account = fields.Many2One(
        'account.account', "Over/Short Account",
        domain=[
            ('type', '!=', None),
            ('closed', '!=', True),
            ('company', '=', Eval('company', -1)),
            ],
        help="Where the difference between the counted and the expected "
        "cash is posted.")
    cash_tolerance = Monetary(
        "Over/Short Tolerance", currency='currency', digits='currency',
        domain=['OR',
            ('cash_tolerance', '=', None),
            ('cash_tolerance', '>=', 0),
            ],
        help="A difference above this amount needs a reason to be posted.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')

    @classmethod
    def default_cash_tolerance(cls):
        return 0

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_drawer_account(self):
        "The account of the drawer's cash"
        pool = Pool()
        Method = pool.get('sale.point.payment.method')
        if self.cash_account:
            return self.cash_account
        methods = Method.search([
                ('company', '=', self.company.id),
                ('cash', '=', True),
                ], limit=1)
        if methods:
            return methods[0].account

    @classmethod
    def check_modification(cls, mode, points, values=None, external=False):
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        super().check_modification(
            mode, points, values=values, external=external)
        if mode == 'write' and 'cash_account' in values:
            # The cash of an unposted session must stay on one account
            sessions = Session.search([
                    ('point', 'in', [p.id for p in points]),
                    ('state', 'in', ['open', 'closed']),
                    ], limit=1)
            if sessions:
                session, = sessions
                raise AccessError(gettext(
                        'sale_point_cash.msg_point_cash_account_session',
                        point=session.point.rec_name,
                        session=session.rec_name))


class POSSale(metaclass=PoolMeta):
    __name__ = 'sale.point.sale'

    session = fields.Many2One(
        'sale.point.cash.session', "Cash Session", readonly=True,
        ondelete='RESTRICT',
        domain=[
            ('point', '=', Eval('point', -1)),
            ],
        states={
            'invisible': ~Eval('session'),
            },
        help="The session of the till in which the sale was done.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.session, Index.Range())))

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('session')
        return super().copy(sales, default=default)

    @classmethod
    def do(cls, sales):
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        to_do = [s for s in sales if s.state == 'open']
        for sale in to_do:
            if not sale.session:
                sale.session = Session.get_current(sale.point)
        # The close of the session waits for this sale, or the sale
        # restarts and goes to the next session
        Session.lock_open([s.session for s in to_do])
        super().do(sales)

    @classmethod
    @ModelView.button
    def post(cls, sales):
        cls.check_session_open(
            [s for s in sales if s.state == 'done'])
        super().post(sales)

    @classmethod
    def check_session_open(cls, sales):
        "Refuse sales whose session or cash is of a closed session"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        sessions = {s.session for s in sales if s.session}
        sessions |= {p.session for s in sales for p in s.payments
            if p.session}
        if not sessions:
            return
        Session.lock_shared(list(sessions))
        for sale in sales:
            for session in Session.browse(filter(None,
                        [sale.session] + [p.session for p in sale.payments])):
                if session.state != 'open':
                    raise CashSessionClosedError(gettext(
                            'sale_point_cash.msg_sale_session_closed',
                            sale=sale.rec_name,
                            session=session.rec_name))


class POSPayment(metaclass=PoolMeta):
    __name__ = 'sale.point.payment'

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('session') is not None:
            # Cash never lands in a session while it is being counted
            Session.lock_open([Session(values['session'])])
        return values

    def get_account_move_lines(self):
        lines = super().get_account_move_lines()
        if self.method.cash:
            account = self.sale.point.get_drawer_account()
            for line in lines:
                line.account = account
        return lines


class POSCashTransfer(metaclass=PoolMeta):
    __name__ = 'sale.point.cash.transfer'

    def get_move(self, account):
        move = super().get_move(self.point.get_drawer_account() or account)
        for line in move.lines:
            line.origin = self
        return move


class AccountMove(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['sale.point.cash.session']


class AccountMoveLine(metaclass=PoolMeta):
    __name__ = 'account.move.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'sale.point.cash.transfer', 'sale.point.cash.session']
