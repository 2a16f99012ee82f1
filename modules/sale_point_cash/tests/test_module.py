# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal
from unittest.mock import patch

import trytond.config as config
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.device_retail.tests.roles import (
    acting_as, create_staff_user)
from trytond.modules.sale_point_cash.exceptions import (
    CashCountError, CashSessionClosedError, CashSessionError)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import close_drawer, count, create_pos, sell


def balance(account):
    "The balance of the posted lines of account"
    pool = Pool()
    Line = pool.get('account.move.line')
    return sum(
        (l.debit - l.credit for l in Line.search([
                    ('account', '=', account.id),
                    ('move.state', '=', 'posted'),
                    ])), Decimal(0))


class SalePointCashTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Sale Point Cash module"
    module = 'sale_point_cash'

    @property
    def _skip_company_rule(self):
        # sale_point's rule on transfers is on the point's company
        return super()._skip_company_rule | {
            ('sale.point.cash.transfer', 'company')}

    @with_transaction()
    def test_blind_close_exact_over_and_short(self):
        "The count's difference from the ledger is posted with its reason"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            results = []
            for counted, reason in [
                    (Decimal('20.00'), None),
                    (Decimal('40.50'), None),
                    (Decimal('55.00'), pos.reason),
                    ]:
                sell(pos, quantity=1)
                sell(pos, quantity=1, method=pos.card)
                session = close_drawer(pos, counted)
                session = Session(session.id)
                self.assertEqual(session.state, 'closed')
                self.assertEqual(len(session.sales), 2)
                self.assertEqual({s.state for s in session.sales}, {'posted'})
                with acting_as(pos.supervisor):
                    if reason:
                        with self.assertRaisesRegex(
                                CashSessionError, 'give its reason'):
                            Session.post([session])
                        self.assertEqual(Session(session.id).state, 'closed')
                        Session.write(
                            [session], {'difference_reason': reason.id})
                    Session.post([session])
                session = Session(session.id)
                results.append((
                        session.start_amount, session.expected_amount,
                        session.end_amount, session.difference,
                        bool(session.difference_move)))
                # The drawer account holds what the drawer holds
                self.assertEqual(balance(pos.drawer), session.end_amount)

            self.assertEqual(results, [
                    (Decimal('0'), Decimal('20.00'), Decimal('20.00'),
                        Decimal('0.00'), False),
                    (Decimal('20.00'), Decimal('40.00'), Decimal('40.50'),
                        Decimal('0.50'), True),
                    (Decimal('40.50'), Decimal('60.50'), Decimal('55.00'),
                        Decimal('-5.50'), True),
                    ])
            self.assertEqual(balance(pos.over_short), Decimal('5.00'))

    @with_transaction()
    def test_exact_count_posts_no_difference(self):
        "An exact count posts nothing to the over/short account"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        Transfer = pool.get('sale.point.cash.transfer')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            with acting_as(pos.cashier):
                Transfer.create([{
                            'point': pos.point.id, 'type': pos.safe.id,
                            'amount': Decimal('100.00')}])
            sell(pos, quantity=3)
            sell(pos, quantity=-1)
            session = close_drawer(pos, Decimal('140.00'))
            with acting_as(pos.supervisor):
                Session.post([session])
            session = Session(session.id)
            self.assertEqual(
                (session.expected_amount, session.difference,
                    session.difference_move),
                (Decimal('140.00'), Decimal('0.00'), None))
            self.assertEqual(balance(pos.over_short), Decimal(0))
            self.assertEqual(
                {t.state for t in session.transfers}, {'posted'})

    @with_transaction()
    def test_difference_never_absorbs_sales(self):
        "Sales done but not posted are posted by the close, not absorbed"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            other = create_pos(company, name="Till 2", chart=False)
            sale = sell(pos, quantity=2)
            sell(other, quantity=5)
            self.assertEqual(sale.state, 'done')
            self.assertEqual(balance(pos.drawer), Decimal(0))

            session = close_drawer(pos, Decimal('40.00'))
            session = Session(session.id)
            self.assertEqual(sale.__class__(sale.id).state, 'posted')
            self.assertEqual(
                (session.expected_amount, session.difference),
                (Decimal('40.00'), Decimal('0.00')))
            # The other till's sale is its own
            other_session = Session.get_current(other.point)
            self.assertEqual(other_session.state, 'open')
            self.assertEqual(
                {s.state for s in other_session.sales}, {'done'})

    @with_transaction()
    def test_whole_cash_never_a_difference(self):
        "A short drawer posts the shortage, never the cash it holds"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sales = [sell(pos, quantity=q) for q in [1, 2, 4]]
            with acting_as(pos.supervisor):
                Sale.post(sales)
            session = close_drawer(pos, Decimal('135.00'))
            with acting_as(pos.supervisor):
                Session.write(
                    [session], {'difference_reason': pos.reason.id})
                Session.post([session])
            session = Session(session.id)
            self.assertEqual(
                (session.expected_amount, session.difference),
                (Decimal('140.00'), Decimal('-5.00')))
            self.assertEqual(balance(pos.over_short), Decimal('5.00'))
            self.assertEqual(balance(pos.drawer), Decimal('135.00'))

    @with_transaction()
    def test_bad_input_changes_nothing(self):
        "Closing uncounted, reopening and selling into a closed session"
        pool = Pool()
        Count = pool.get('sale.point.cash.count')
        Sale = pool.get('sale.point.sale')
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            done = sell(pos)
            unpaid = sell(pos, amount=Decimal('5.00'))
            self.assertEqual(unpaid.state, 'open')
            session = Session.get_current(pos.point)

            with acting_as(pos.cashier):
                with self.assertRaises(CashCountError) as cm:
                    Session.close([session])
                self.assertIn('has no count', cm.exception.message)
                self.assertIn('not paid', cm.exception.message)
                self.assertEqual(Session(session.id).state, 'open')
                self.assertEqual(Sale(done.id).state, 'done')

                Sale.write([unpaid], {'payments': [
                            ('delete', [p.id for p in unpaid.payments])]})
                count(session, Decimal('20.00'))
                Session.close([session])

            # Neither the cashier nor their supervisor changes a closed
            # session
            for user in [pos.cashier, pos.supervisor]:
                with acting_as(user):
                    with self.assertRaisesRegex(
                            CashSessionError, 'opened again'):
                        Session.open([session])
                    self.assertEqual(Session(session.id).state, 'closed')
                    for action in [
                            lambda: Count.write(list(session.counts),
                                {'quantity': 9}),
                            lambda: Session.write([session],
                                {'opening_amount': Decimal(1)}),
                            ]:
                        with self.assertRaisesRegex(AccessError, 'closed'):
                            action()

            # A sale left in the closed session cannot be posted
            with acting_as(pos.cashier):
                Sale.write([unpaid], {'payments': [('create', [{
                                    'method': pos.card.id,
                                    'amount': Decimal('20.00')}])]})
                Sale.process([unpaid])
            late = Sale(unpaid.id)
            self.assertEqual(late.session.state, 'open')
            Sale.write([late], {'session': session.id})
            with acting_as(pos.supervisor), self.assertRaisesRegex(
                    CashSessionClosedError, 'closed'):
                Sale.post([late])
            self.assertEqual(Sale(late.id).state, 'done')

    @with_transaction()
    def test_chained_opening_mismatch(self):
        "The next session flags an opening count not equal to the close"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sell(pos, quantity=3)
            first = close_drawer(pos, Decimal('60.00'))
            with acting_as(pos.supervisor):
                Session.post([first])

            with acting_as(pos.cashier):
                second = Session.get_current(pos.point)
                self.assertEqual(second.previous_session, first)
                self.assertEqual(second.start_amount, Decimal('60.00'))
                Session.write(
                    [second], {'opening_amount': Decimal('60.00')})
                self.assertEqual(
                    (second.opening_difference, second.opening_mismatch),
                    (Decimal('0.00'), False))
                Session.write(
                    [second], {'opening_amount': Decimal('55.00')})
            second = Session(second.id)
            self.assertEqual(
                (second.opening_difference, second.opening_mismatch),
                (Decimal('-5.00'), True))
            self.assertEqual(
                Session.search([('opening_mismatch', '=', True)]), [second])

    @with_transaction()
    def test_session_opens_journal_periods(self):
        "A new session opens its till's journals in the current period"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        JournalPeriod = pool.get('account.journal.period')
        Period = pool.get('account.period')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            period = Period.find(company)
            journals = {pos.point.journal, pos.point.cash_journal}
            self.assertEqual(JournalPeriod.search([]), [])

            with acting_as(pos.cashier):
                session = Session.get_current(pos.point)

            opened = JournalPeriod.search([])
            self.assertEqual(
                {(p.journal, p.period) for p in opened},
                {(j, period) for j in journals})
            # The next session finds them open: nothing more
            with acting_as(pos.cashier):
                count(session, Decimal('0.00'))
                Session.close([session])
            Session.get_current(pos.point)
            self.assertEqual(len(JournalPeriod.search([])), len(journals))

    @with_transaction()
    def test_cashier_counts_blind(self):
        """A cashier cannot read the expected cash; their supervisor and the
        accountant can"""
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sell(pos)
            session = Session.get_current(pos.point)
            # The accountant posts and checks drawers without selling
            accountant = create_staff_user(company, 'accountant')
            for user, readable in [
                    (pos.cashier, False), (pos.supervisor, True),
                    (accountant, True)]:
                with acting_as(user):
                    for name in ['balance', 'expected_amount', 'difference']:
                        if readable:
                            Session.read([session.id], [name])
                        else:
                            with self.assertRaises(AccessError):
                                Session.read([session.id], [name])
                    Session.read([session.id], ['counts', 'end_amount'])

    @with_transaction()
    def test_drawer_check_and_reports(self):
        "The drawer check agrees with the ledger until an entry is undone"
        pool = Pool()
        Move = pool.get('account.move')
        Sale = pool.get('sale.point.sale')
        Session = pool.get('sale.point.cash.session')
        ZReport = pool.get('sale.point.cash.session.z_report', type='report')
        CheckReport = pool.get(
            'sale.point.cash.session.drawer_check', type='report')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sale = sell(pos, quantity=2)
            session = close_drawer(pos, Decimal('41.00'))
            with acting_as(pos.supervisor):
                Session.post([session])
                check, = Session.drawer_check([Session(session.id)])
            self.assertEqual(
                (check['expected'], check['ledger'], check['counted'],
                    check['difference_posted'], check['balanced']),
                (Decimal('40.00'), Decimal('40.00'), Decimal('41.00'),
                    Decimal('1.00'), True))

            get = config.get

            def no_converter(section, option, default=None):
                if (section, option) == ('report', 'convert_command'):
                    return 'no-such-office --convert-to "%(output_extension)s"'
                return get(section, option, default=default)
            with patch.object(config, 'get', no_converter):
                for Report, user in [
                        (ZReport, pos.cashier), (CheckReport, pos.supervisor)]:
                    with acting_as(user):
                        extension, content = Report.execute(
                            [session.id], {})[:2]
                    self.assertEqual(extension, 'odt')
                    self.assertIn(b'content.xml', content)

            # Undoing the sale's entry shows in the check
            Move.post([Sale(sale.id).move.cancel()])
            check, = Session.drawer_check([Session(session.id)])
            self.assertEqual(
                (check['ledger'], check['balanced']),
                (Decimal('0.00'), False))

    @with_transaction()
    def test_count_and_close_all_or_nothing(self):
        "A refused count-and-close leaves the count; counting again replaces"
        pool = Pool()
        Denomination = pool.get('sale.point.cash.denomination')
        Sale = pool.get('sale.point.sale')
        Session = pool.get('sale.point.cash.session')
        CloseWizard = pool.get('sale.point.cash.session.close', type='wizard')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sell(pos, quantity=2)
            unpaid = sell(pos, amount=Decimal('5.00'))
            session = Session.get_current(pos.point)
            note20, = Denomination.search([('value', '=', 20)])
            coin1, = Denomination.search([('value', '=', 1)])

            def close(quantities):
                with acting_as(pos.cashier), Transaction().set_context(
                            active_model=Session.__name__,
                            active_id=session.id, active_ids=[session.id]):
                    wizard_id, _, _ = CloseWizard.create()
                    form = CloseWizard.execute(wizard_id, {}, 'start')
                    counts = form['view']['defaults']['counts']
                    for line in counts:
                        line['quantity'] = quantities.get(
                            line['denomination'], 0)
                    CloseWizard.execute(wizard_id, {'start': {
                                'session': session.id,
                                'currency': company.currency.id,
                                'counts': counts,
                                }}, 'close_')
                    CloseWizard.delete(wizard_id)
                    return counts

            # Refused for the unpaid sale: the count is not written
            with self.assertRaisesRegex(CashCountError, 'not paid'):
                close({note20.id: 2})
            self.assertEqual(Session(session.id).counts, ())

            # A count already saved is offered, and replaced, not doubled
            count(Session(session.id), Decimal('21.00'), user=pos.cashier)
            with self.assertRaisesRegex(CashCountError, 'not paid'):
                offered = close({note20.id: 2})
            self.assertEqual(
                sorted((c.denomination.value, c.quantity)
                    for c in Session(session.id).counts),
                [(Decimal('1'), 1), (Decimal('20'), 1)])

            with acting_as(pos.cashier):
                for quantity in [-1, 1.5]:
                    with self.assertRaisesRegex(
                            CashCountError, 'whole number'):
                        Session.count_and_close(
                            Session(session.id), {note20: quantity})
                Sale.write([unpaid], {'payments': [
                            ('delete', [p.id for p in unpaid.payments])]})
            offered = close({note20.id: 2})
            self.assertEqual(
                {(d['denomination'], d['quantity']) for d in offered
                    if d['quantity']}, {(note20.id, 2)})
            session = Session(session.id)
            self.assertEqual(session.state, 'closed')
            self.assertEqual(
                [(c.denomination, c.quantity) for c in session.counts],
                [(note20, 2)])
            self.assertEqual(
                (session.end_amount, session.difference),
                (Decimal('40.00'), Decimal('0.00')))
            self.assertNotIn(coin1, [c.denomination for c in session.counts])

    @with_transaction()
    def test_close_posts_its_sales_together(self):
        "The close posts the session's sales in one call, as core posts"
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sales = [sell(pos, quantity=q) for q in [1, 2, 3]]
            session = Session.get_current(pos.point)
            count(session, Decimal('120.00'), user=pos.cashier)
            post, calls = Sale.post, []

            def counted(cls, sales):
                calls.append(sorted(s.id for s in sales))
                return post(sales)
            with patch.object(Sale, 'post', classmethod(counted)), \
                    acting_as(pos.cashier):
                Session.close([session])
            self.assertEqual(calls, [sorted(s.id for s in sales)])
            self.assertEqual(
                {Sale(s.id).state for s in sales}, {'posted'})
            self.assertEqual(Session(session.id).state, 'closed')

    @with_transaction()
    def test_sale_refused_at_close_is_named(self):
        "A sale whose post is refused is named, and the close changes nothing"
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sale = sell(pos, quantity=2)
            session = Session.get_current(pos.point)
            count(session, Decimal('40.00'), user=pos.cashier)

            def refuse(cls, sales):
                raise CashSessionError("refused for the test")
            with patch.object(Sale, 'post', classmethod(refuse)), \
                    acting_as(pos.cashier):
                with self.assertRaises(CashSessionError) as cm:
                    Session.close([session])
            self.assertIn(
                'Sale "%s" could not be posted: refused for the test'
                % Sale(sale.id).rec_name, cm.exception.message)
            self.assertIn('Reopen that sale', cm.exception.message)
            self.assertEqual(Session(session.id).state, 'open')

    @with_transaction()
    def test_cashier_reads_a_session_as_a_client_does(self):
        "A blind counter loads a session's eager fields and lists sessions"
        pool = Pool()
        Session = pool.get('sale.point.cash.session')
        company = create_company()
        with set_company(company):
            pos = create_pos(company)
            sell(pos)
            session = Session.get_current(pos.point)
            with acting_as(pos.cashier):
                definitions = Session.fields_get()
                eager = [n for n, d in definitions.items()
                    if d['loading'] == 'eager']
                self.assertNotIn('difference', eager)
                self.assertNotIn('expected_amount', eager)
                Session.read([session.id], eager)
                for view_type in ['tree', 'form']:
                    view = Session.fields_view_get(view_type=view_type)
                    Session.read([session.id], list(view['fields']))


del ModuleTestCase
