# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime
from decimal import Decimal

from trytond.modules.account.tests.test_module import (
    create_chart, get_fiscalyear)
from trytond.modules.account_invoice.tests.test_module import (
    set_invoice_sequences)
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.stock_lot_serial.bulk import invalidate
from trytond.modules.stock_lot_serial.tests import tools as serial_tools
from trytond.model.exceptions import AccessError
from trytond.modules.stock_valuation.exceptions import (
    CostMethodError, ReconciliationError, ValuationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

# The moves of the tests have no sale or purchase behind them
NO_ORIGIN = {'_skip_warnings': True}


def create_goods(*goods):
    """Create a product of each (name, tracking, cost method or None,
    account category or None) of goods; return the products"""
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    vlist = []
    for name, tracking, method, category in goods:
        values = {
            'name': name,
            'type': 'goods',
            'default_uom': unit.id,
            'tracking': tracking,
            'products': [('create', [{}])],
            }
        if category:
            values['account_category'] = category.id
        if method:
            values['cost_price_method'] = method
        vlist.append(values)
    return [t.products[0] for t in Template.create(vlist)]


def setup_accounting(company, today=None):
    """Chart, continental fiscal year (of today) and an account category
    for goods; return (category, {kind: account})"""
    pool = Pool()
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    Configuration = pool.get('account.configuration')
    FiscalYear = pool.get('account.fiscalyear')
    create_chart(company)
    fiscalyear = set_invoice_sequences(get_fiscalyear(company, today))
    fiscalyear.account_stock_method = 'continental'
    fiscalyear.save()
    FiscalYear.create_period([fiscalyear])

    def account(code):
        account, = Account.search([
                ('code', '=', code), ('company', '=', company.id)])
        return account
    expense, = Account.search([
            ('type.expense', '=', True), ('company', '=', company.id)],
        limit=1)
    accounts = {'stock': account('1.3.1'), 'stock_in': account('5.1.5')}
    accounts['stock_out'], = Account.copy(
        [accounts['stock_in']], {'name': "COGS", 'code': '5.1.9'})
    for kind, code in [
            ('shrinkage', '5.1.7'), ('gain', '4.3.4'),
            ('revaluation', '5.1.8')]:
        accounts[kind], = Account.copy(
            [expense], {'name': kind, 'code': code})
    Configuration.write([Configuration(1)], {
            'stock_shrinkage_account': accounts['shrinkage'].id,
            'stock_gain_account': accounts['gain'].id,
            'stock_revaluation_account': accounts['revaluation'].id,
            })
    category, = Category.create([{
                'name': "Goods",
                'accounting': True,
                'account_stock': accounts['stock'].id,
                'account_stock_in': accounts['stock_in'].id,
                'account_stock_out': accounts['stock_out'].id,
                }])
    return category, accounts


class StockValuationTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Stock Valuation module"
    module = 'stock_valuation'

    def setup_shop(self, tracking='imei', method=None, today=None):
        "Accounting, a product and the locations of the main warehouse"
        pool = Pool()
        Location = pool.get('stock.location')
        company = Transaction().context['company']
        self.category, self.accounts = setup_accounting(
            pool.get('company.company')(company), today)
        locations = {
            code.lower(): Location.search([('code', '=', code)])[0]
            for code in ['SUP', 'STO', 'CUS', 'WH']}
        return self.product(tracking, method), locations

    def product(self, tracking, method=None):
        product, = create_goods(
            (tracking.title(), tracking, method, self.category))
        return product

    def move(self, product, from_, to, lot=None, quantity=1, price='400',
            date=None):
        pool = Pool()
        Move = pool.get('stock.move')
        Company = pool.get('company.company')
        company = Company(Transaction().context['company'])
        move = Move(
            product=product, unit=product.default_uom, quantity=quantity,
            from_location=from_, to_location=to, lot=lot, company=company,
            effective_date=date)
        if move.on_change_with_unit_price_required():
            move.unit_price = Decimal(price)
            move.currency = company.currency
        move.save()
        return move

    def units(self, product, count):
        "New units of product with consecutive valid IMEIs"
        Lot = Pool().get('stock.lot')
        return Lot.create([
                {'product': product.id, 'imei': imei}
                for imei in serial_tools.imeis('35209011', count)])

    def journal(self, moves):
        "The posted lines of moves: sorted (account code, debit, credit)"
        pool = Pool()
        AccountMove = pool.get('account.move')
        names = {a.id: k for k, a in self.accounts.items()}
        account_moves = AccountMove.search([
                ('origin', 'in', [str(m) for m in moves]),
                ])
        self.assertTrue(all(m.state == 'posted' for m in account_moves))
        return sorted(
            (names.get(l.account.id, l.account.code), l.debit, l.credit)
            for m in account_moves for l in m.lines)

    @with_transaction(context=NO_ORIGIN)
    def test_specific_only_for_serialized(self):
        "Serialized products use specific identification, and only they"
        pool = Pool()
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            product, _ = self.setup_shop('imei')
            self.assertEqual(product.cost_price_method, 'specific')
            with self.assertRaisesRegex(CostMethodError, 'Imei'):
                Template.write([product.template], {
                        'cost_price_method': 'average'})
            batch = self.product('batch', method='fifo')
            self.assertEqual(batch.cost_price_method, 'fifo')
            with self.assertRaisesRegex(CostMethodError, 'Batch'):
                Template.write([batch.template], {
                        'cost_price_method': 'specific'})

    @with_transaction(context=NO_ORIGIN)
    def test_sale_posts_unit_cost(self):
        "A sold unit's own cost goes to the cost of goods sold"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            phone, loc = self.setup_shop()
            cheap, dear = self.units(phone, 2)
            Move.do([
                    self.move(phone, loc['sup'], loc['sto'], cheap,
                        price='300'),
                    self.move(phone, loc['sup'], loc['sto'], dear,
                        price='500')])
            self.assertEqual(phone.cost_price, Decimal('400'))

            sale = self.move(phone, loc['sto'], loc['cus'], dear, price='700')
            Move.do([sale])

            self.assertEqual(sale.cost_price, Decimal('500'))
            self.assertEqual(self.journal([sale]), [
                    ('stock', Decimal(0), Decimal('500')),
                    ('stock_out', Decimal('500'), Decimal(0)),
                    ])
            self.assertEqual(
                type(phone)(phone.id).cost_price, Decimal('300'))

            # Tryton's recomputation (a daily cron, a product action)
            # agrees, and the sale keeps the cost of its unit
            Product = pool.get('product.product')
            Product.write([phone], {'cost_price': Decimal('1')})
            Product.recompute_cost_price([phone])
            self.assertEqual(Product(phone.id).cost_price, Decimal('300'))
            self.assertEqual(Move(sale.id).cost_price, Decimal('500'))

    @with_transaction(context=NO_ORIGIN)
    def test_unit_without_cost_refused(self):
        "A unit without a cost is not moved in, and nothing is posted"
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            phone, loc = self.setup_shop()
            lost_found, = Location.search([('type', '=', 'lost_found')])
            stray, = self.units(phone, 1)
            move = self.move(phone, lost_found, loc['sto'], stray)

            with self.assertRaisesRegex(ValuationError, 'has no cost'):
                Move.do([move])

    @with_transaction(context=NO_ORIGIN)
    def test_custody_not_posted(self):
        "Customers' devices in custody post nothing and are not valued"
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            phone, loc = self.setup_shop()
            custody, = Location.create([{
                        'name': "Custody", 'type': 'storage',
                        'parent': loc['wh'].id, 'ownership': 'customer'}])
            own, theirs = self.units(phone, 2)
            receipt = self.move(phone, loc['sup'], loc['sto'], own)
            intake = self.move(phone, loc['cus'], custody, theirs, price='0')
            Move.do([receipt, intake])
            back = self.move(phone, custody, loc['cus'], theirs, price='0')
            Move.do([back])

            self.assertEqual(self.journal([intake, back]), [])
            self.assertEqual(len(self.journal([receipt])), 2)
            self.assertEqual(phone.cost_price, Decimal('400'))

    @with_transaction(context=NO_ORIGIN)
    def test_cost_correction_posts_revaluation(self):
        "A stock administrator's cost correction posts the revaluation"
        pool = Pool()
        Move = pool.get('stock.move')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        CorrectIdentity = pool.get(
            'stock.lot.correct_identity', type='wizard')
        company = create_company()
        with set_company(company):
            phone, loc = self.setup_shop()
            in_stock, sold = self.units(phone, 2)
            Move.do([
                    self.move(phone, loc['sup'], loc['sto'], lot)
                    for lot in [in_stock, sold]])
            Move.do([self.move(phone, loc['sto'], loc['cus'], sold)])
            clerk, = User.create([{
                        'name': "Stock Admin", 'login': 'stock_admin',
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'branches': [('add', [loc['wh'].id])],
                        'groups': [('add', [
                                    ModelData.get_id('stock', 'group_stock'),
                                    ModelData.get_id(
                                        'stock', 'group_stock_admin')])],
                        }])

            def correct(lot, cost):
                # As Wizard.execute does: the user's access to the wizard
                # is checked, its transitions run as the system.
                with Transaction().set_user(clerk.id), \
                        Transaction().set_context(
                            active_model='stock.lot', active_id=lot.id,
                            active_ids=[lot.id], company=company.id):
                    CorrectIdentity.check_access()
                    session_id, _, _ = CorrectIdentity.create()
                    wizard = CorrectIdentity(session_id)
                    for name, value in wizard.default_start(None).items():
                        setattr(wizard.start, name, value)
                    wizard.start.unit_cost = cost
                    wizard.start.reason = "Supplier credit"
                    wizard.transition_correct()
            correct(in_stock, Decimal('370'))
            correct(sold, Decimal('370'))

            self.assertEqual(self.journal([in_stock]), [
                    ('revaluation', Decimal('30'), Decimal(0)),
                    ('stock', Decimal(0), Decimal('30')),
                    ])
            # The sold unit is no longer in stock: nothing to revalue.
            self.assertEqual(self.journal([sold]), [])

    def last_year_history(self, company):
        """Two phones and 10 cables received last June, a phone and 4
        cables sold; the other phone sold today, out of that year.
        Return (phone, cable, kept phone, locations, day of the moves)"""
        pool = Pool()
        Date = pool.get('ir.date')
        Move = pool.get('stock.move')
        last_year = Date.today().year - 1
        day = datetime.date(last_year, 6, 10)
        phone, loc = self.setup_shop(today=datetime.date(last_year, 6, 1))
        cable = self.product('none', 'average')
        kept, sold = self.units(phone, 2)
        Move.do([
                self.move(phone, loc['sup'], loc['sto'], kept,
                    price='300', date=day),
                self.move(phone, loc['sup'], loc['sto'], sold,
                    price='500', date=day),
                self.move(cable, loc['sup'], loc['sto'], quantity=10,
                    price='3', date=day)])
        Move.do([
                self.move(phone, loc['sto'], loc['cus'], sold,
                    price='700', date=day),
                self.move(cable, loc['sto'], loc['cus'], quantity=4,
                    price='9', date=day)])
        # After the period: not in its valuation
        Move.do([self.move(phone, loc['sto'], loc['cus'], kept)])
        return phone, cable, kept, loc, day

    @with_transaction(context=NO_ORIGIN)
    def test_period_close_snapshot(self):
        "Closing a stock period keeps what each unit and product was worth"
        pool = Pool()
        Period = pool.get('stock.period')
        Snapshot = pool.get('stock.valuation.snapshot')
        MoveLine = pool.get('account.move.line')
        company = create_company()
        with set_company(company):
            phone, cable, kept, loc, day = self.last_year_history(company)
            last_year = day.year

            period, = Period.create([{
                        'company': company.id,
                        'date': datetime.date(last_year, 6, 30)}])
            Period.close([period])

            self.assertEqual(sorted(
                    (s.product.template.tracking, s.lot, s.quantity,
                        s.unit_cost, s.value, s.branch)
                    for s in period.valuation_snapshots), [
                    ('imei', kept, 1, Decimal('300'), Decimal('300'),
                        loc['wh']),
                    ('none', None, 6, Decimal('3'), Decimal('18'),
                        loc['wh']),
                    ])
            self.assertEqual(period.valuation, Decimal('318'))
            stock_lines = MoveLine.search([
                    ('account', '=', self.accounts['stock'].id),
                    ('move.date', '<=', period.date)])
            self.assertEqual(
                sum(l.debit - l.credit for l in stock_lines),
                period.valuation)

            snapshot = period.valuation_snapshots[0]
            with self.assertRaisesRegex(AccessError, 'cannot be changed'):
                Snapshot.write([snapshot], {'value': Decimal(0)})
            with self.assertRaisesRegex(AccessError, 'cannot be changed'):
                Snapshot.delete([snapshot])

            # Reopened, it is valued again when it closes.
            Period.draft([period])
            self.assertEqual(Period(period.id).valuation_snapshots, ())
            Period.close([period])
            self.assertEqual(Period(period.id).valuation, Decimal('318'))

    @with_transaction(context=NO_ORIGIN)
    def test_reconciliation(self):
        "The stock value is reconciled with the ledger, or causes listed"
        pool = Pool()
        Period = pool.get('stock.period')
        Move = pool.get('stock.move')
        AccountMove = pool.get('account.move')
        Journal = pool.get('account.journal')
        AccountPeriod = pool.get('account.period')
        Reconciliation = pool.get('stock.valuation.reconciliation')
        company = create_company()
        with set_company(company):
            phone, cable, kept, loc, day = self.last_year_history(company)
            end = datetime.date(day.year, 6, 30)

            balanced, = Reconciliation.run([company], end)
            self.assertEqual(
                (balanced.stock_value, balanced.ledger_balance,
                    balanced.difference, balanced.state, balanced.causes),
                (Decimal('318'), Decimal('318'), Decimal(0), 'balanced',
                    ()))

            # An entry on the inventory account that no movement made
            journal, = Journal.search([('code', '=', 'STO')])
            entry, = AccountMove.create([{
                        'journal': journal.id,
                        'period': AccountPeriod.find(company, date=day).id,
                        'date': day,
                        'lines': [('create', [{
                                        'account': self.accounts['stock'].id,
                                        'debit': Decimal('10'),
                                        'credit': Decimal(0),
                                        }, {
                                        'account':
                                        self.accounts['shrinkage'].id,
                                        'debit': Decimal(0),
                                        'credit': Decimal('10'),
                                        }])],
                        }])
            AccountMove.post([entry])
            # A cable sale whose cost changed behind the ledger's back
            sale, = Move.search([
                    ('product', '=', cable.id),
                    ('to_location', '=', loc['cus'].id)])
            move_table = Move.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*move_table.update(
                    [move_table.cost_price], [Decimal('2.5')],
                    where=move_table.id == sale.id))
            invalidate(Move, [sale.id])

            stock_line, = [l for l in entry.lines
                if l.account == self.accounts['stock']]
            result, = Reconciliation.run([company], end)
            self.assertEqual(result.state, 'difference')
            self.assertEqual(result.difference, Decimal('8'))
            self.assertEqual(sorted(
                    (c.kind, c.amount, c.stock_move, c.account_move_line)
                    for c in result.causes), [
                    ('amount', Decimal('-2'), sale, None),
                    ('entry', Decimal('10'), None, stock_line),
                    ])
            self.assertEqual(
                sum(c.amount for c in result.causes), result.difference)

            period, = Period.create([{'company': company.id, 'date': end}])
            with self.assertRaisesRegex(ReconciliationError, 'differ'):
                Period.close([period])
            self.assertEqual(period.state, 'draft')

    @with_transaction(context=NO_ORIGIN)
    def test_reconciliation_per_branch(self):
        "Each branch and the transit reconcile with their ledger lines"
        pool = Pool()
        Move = pool.get('stock.move')
        MoveLine = pool.get('account.move.line')
        Configuration = pool.get('stock.configuration')
        CreateBranch = pool.get('stock.branch.create', type='wizard')
        Reconciliation = pool.get('stock.valuation.reconciliation')
        company = create_company()
        with set_company(company):
            phone, loc = self.setup_shop()
            cable = self.product('none', 'average')
            main = CreateBranch.create_branch(warehouse=loc['wh'])
            other = CreateBranch.create_branch(name="Airport", code='AP')
            transit = Configuration(1).shipment_internal_transit
            storage = main.storage_location
            unit, = self.units(phone, 1)
            Move.do([
                    self.move(phone, loc['sup'], storage, unit, price='300'),
                    self.move(cable, loc['sup'], storage, quantity=10,
                        price='3')])
            dispatch = self.move(phone, storage, transit, unit)
            direct = self.move(
                cable, storage, other.storage_location, quantity=4)
            Move.do([dispatch, direct])

            # The transfer posts out of a branch into the other's stock
            self.assertEqual(direct.transfer_cost, Decimal('3'))
            self.assertEqual(sorted(
                    (l.branch, l.debit, l.credit)
                    for l in direct.account_moves[0].lines), [
                    (main, Decimal(0), Decimal('12')),
                    (other, Decimal('12'), Decimal(0)),
                    ])
            # A unit in transit is in no branch
            self.assertEqual(sorted(
                    (l.branch or main, l.debit, l.credit)
                    for l in dispatch.account_moves[0].lines), [
                    (main, Decimal(0), Decimal('300')),
                    (main, Decimal('300'), Decimal(0)),
                    ])
            self.assertIsNone([l.branch for l in dispatch.account_moves[0]
                        .lines if l.debit][0])

            result, = Reconciliation.run([company], valuation=True)
            self.assertEqual(
                (result.state, result.stock_value, result.ledger_balance),
                ('balanced', Decimal('330'), Decimal('330')))
            self.assertEqual([
                    (b.branch, b.stock_value, b.ledger_balance, b.difference)
                    for b in result.branches], [
                    (other, Decimal('12'), Decimal('12'), Decimal(0)),
                    (main, Decimal('18'), Decimal('18'), Decimal(0)),
                    (None, Decimal('300'), Decimal('300'), Decimal(0)),
                    ])
            self.assertEqual([
                    (l.branch, l.product, l.lot, l.quantity, l.value)
                    for l in result.lines], [
                    (other, cable, None, 4, Decimal('12')),
                    (main, cable, None, 6, Decimal('18')),
                    (None, phone, unit, 1, Decimal('300')),
                    ])

            # Posted to the wrong branch: the company balances, the
            # branches do not
            stock_line, = [l for l in direct.account_moves[0].lines
                if l.debit]
            line_table = MoveLine.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*line_table.update(
                    [line_table.branch], [main.id],
                    where=line_table.id == stock_line.id))
            invalidate(MoveLine, [stock_line.id])
            result, = Reconciliation.run([company])
            self.assertEqual(result.difference, Decimal(0))
            self.assertEqual(result.state, 'difference')
            self.assertEqual([
                    (b.branch, b.difference) for b in result.branches], [
                    (other, Decimal('-12')),
                    (main, Decimal('12')),
                    (None, Decimal(0)),
                    ])
            self.assertEqual(sorted(
                    (c.kind, c.branch.code, c.amount, c.stock_move)
                    for c in result.causes), [
                    ('amount', 'AP', Decimal('-12'), direct),
                    ('amount', 'WH', Decimal('12'), direct),
                    ])
            self.assertEqual(result.lines, ())
            # What closing a stock period checks
            with self.assertRaisesRegex(
                    ReconciliationError, r'(?s)difference 0\.00.*Airport'):
                Reconciliation.check_balanced(company, result.date)

    @with_transaction(context=NO_ORIGIN)
    def test_receipt_at_once_posts_as_orm(self):
        "Receive Now posts the entries and costs that the ORM path posts"
        pool = Pool()
        Shipment = pool.get('stock.shipment.in')
        Party = pool.get('party.party')
        Product = pool.get('product.product')
        company = create_company()
        with set_company(company):
            phone, loc = self.setup_shop()
            supplier, = Party.create([{'name': "Supplier"}])

            def shipment():
                shipment, = Shipment.create([{
                            'supplier': supplier.id,
                            'warehouse': loc['wh'].id,
                            'warehouse_input': loc['wh'].input_location.id,
                            'warehouse_storage': loc['sto'].id,
                            }])
                return shipment
            codes = serial_tools.imeis('35209011', 12)
            orm = shipment()
            orm.add_units(phone, serial_tools.receipt_rows(codes[:6]),
                Decimal('400'))
            Shipment.receive([orm])
            Shipment.do([orm])
            orm_cost = Product(phone.id).cost_price

            fast = shipment()
            fast.receive_units_at_once(
                phone, serial_tools.receipt_rows(codes[6:]), Decimal('400'))

            def posted(shipment):
                return [(m.lot.unit_cost, m.cost_price, self.journal([m]))
                    for m in sorted(
                        shipment.incoming_moves, key=lambda m: m.id)]
            costs = [Decimal('100') + n * Decimal('7.5') for n in range(6)]
            self.assertEqual(posted(Shipment(orm.id)), [
                    (cost, cost, [
                            ('stock', cost, Decimal(0)),
                            ('stock_in', Decimal(0), cost)])
                    for cost in costs])
            self.assertEqual(
                posted(Shipment(fast.id)), posted(Shipment(orm.id)))
            self.assertEqual(orm_cost, Decimal('118.75'))
            self.assertEqual(Product(phone.id).cost_price, orm_cost)

    @with_transaction(context=NO_ORIGIN)
    def test_margin_per_unit_and_batch(self):
        "Margins per unit, batch and product are at each one's own cost"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        LotMargin = pool.get('stock.reporting.margin.lot')
        ProductMargin = pool.get('stock.reporting.margin.product')
        company = create_company()
        with set_company(company):
            phone, loc = self.setup_shop()
            cable = self.product('batch', 'fifo')
            cheap, dear = self.units(phone, 2)
            batch, = Lot.create([{'product': cable.id, 'number': 'B1'}])
            Move.do([
                    self.move(phone, loc['sup'], loc['sto'], cheap,
                        price='300'),
                    self.move(phone, loc['sup'], loc['sto'], dear,
                        price='500'),
                    self.move(cable, loc['sup'], loc['sto'], batch,
                        quantity=10, price='3')])
            Move.do([
                    self.move(phone, loc['sto'], loc['cus'], dear,
                        price='700'),
                    self.move(phone, loc['sto'], loc['cus'], cheap,
                        price='250'),
                    self.move(cable, loc['sto'], loc['cus'], batch,
                        quantity=4, price='9')])
            # The cheap phone comes back: its sale is undone.
            returns, = Location.create([{
                        'name': "Returns", 'type': 'storage',
                        'parent': loc['wh'].id, 'stock_state': 'returned'}])
            Move.do([self.move(phone, loc['cus'], returns, cheap,
                        price='250')])

            with Transaction().set_context(company=company.id):
                lots = {m.lot: m for m in LotMargin.search([])}
                products = {m.product: m for m in ProductMargin.search([])}
            self.assertEqual(
                {l: (m.quantity, m.cost, m.revenue, m.profit, m.margin)
                    for l, m in lots.items()}, {
                    dear: (1, Decimal('500'), Decimal('700'),
                        Decimal('200'), Decimal('0.2857')),
                    cheap: (0, Decimal(0), Decimal(0), Decimal(0), None),
                    batch: (4, Decimal('12'), Decimal('36'),
                        Decimal('24'), Decimal('0.6667')),
                    })
            self.assertEqual(lots[dear].rec_name, dear.rec_name)
            self.assertEqual(
                LotMargin.search([('rec_name', '=', dear.rec_name)]),
                [lots[dear]])
            # Core's margin per product sees the unit's cost, not the
            # product's average (400).
            self.assertEqual(
                (products[phone].cost, products[phone].revenue),
                (Decimal('500'), Decimal('700')))


del ModuleTestCase
