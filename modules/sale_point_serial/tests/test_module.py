# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.modules.account.exceptions import PeriodNotFoundError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.device_retail.tests.roles import (
    acting_as, create_staff_user)
from trytond.modules.repair.tests.tools import create_unit, receive
from trytond.modules.sale_point_serial.exceptions import (
    POSError, POSScanError, POSUnitError)
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.sale_point_serial import sale as sale_module
from trytond.modules.stock_availability.exceptions import AtpError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import create_till, paid_sale

# The receipts of the tests have no purchase behind them
NO_ORIGIN = {'_skip_warnings': True}


class SalePointSerialTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Sale Point Serial module"
    module = 'sale_point_serial'
    extras = ['warranty', 'rma', 'sale_point_cash']

    @property
    def _skip_company_rule(self):
        # sale_point's rule on transfers is on the point's company
        return super()._skip_company_rule | {
            ('sale.point.cash.transfer', 'company')}

    @with_transaction(context=NO_ORIGIN)
    def test_scan_adds_units_at_their_price(self):
        "A scanned unit comes with its price; bad scans add nothing"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            Lot.write([unit], {'unit_list_price': Decimal('750')})
            away = create_unit(phone, branch.quarantine_location, index=1)
            receive(cable, branch.storage_location, 10, '2')
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with acting_as(cashier):
                sale, = Sale.create([{'point': point.id}])
                for entries, message in [
                        ([('nope', 1)], 'no unit'),
                        ([(away.imei, 1)], 'not available in'),
                        ([(unit.imei, 1), (unit.imei, 1)], 'already'),
                        ]:
                    with self.assertRaisesRegex(POSScanError, message):
                        Sale.add_scans(sale, entries)
                    self.assertEqual(Sale(sale.id).lines, ())
                lines = Sale.add_scans(sale, [
                        (unit.imei, 1), ('CABLE', 3)])
            self.assertEqual(
                [(l.product, l.lot, l.quantity, l.unit_list_price)
                    for l in lines],
                [(phone, unit, 1, Decimal('750')), (cable, None, 3,
                        Decimal('10'))])
            self.assertEqual(Move.search([('lot', '=', unit.id),
                        ('to_location.type', '=', 'customer')]), [])

    @with_transaction(context=NO_ORIGIN)
    def test_unit_sold_to_a_customer_with_warranty(self):
        "A unit needs a customer, who gets its warranty when paying"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        Policy = pool.get('warranty.policy')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            Policy.create([{'name': "Phones", 'replacement_days': 14,
                        'service_months': 12, 'terms': "Terms"}])
            alice, = Party.create([{'name': "Alice"}])
            cashier = create_staff_user(company, 'cashier', branches=[branch])

            values = paid_sale(point, [(phone, 1, unit)])
            with acting_as(cashier):
                sale, = Sale.create([values])
                with self.assertRaisesRegex(POSUnitError, 'customer'):
                    Sale.process([sale])
                self.assertEqual(Sale(sale.id).state, 'open')

                Sale.write([sale], {'party': alice.id})
                Sale.process([sale])
                unit = Lot(unit.id)
                # The certificate prints at the counter, before the close
                # posts
                self.assertEqual(
                    (unit.state, unit.warranty.customer,
                        unit.warranty.origin, unit.warranty.start_date),
                    ('reserved', alice, Sale(sale.id), Sale(sale.id).date))

                # Reopened, the sale gives the unit back with its warranty
                Sale.open([sale])
                self.assertEqual(
                    (Lot(unit.id).state, Lot(unit.id).warranties),
                    ('available', ()))
                Sale.process([sale])
                warranty = Lot(unit.id).warranty
                self.assertEqual(warranty.customer, alice)
            # The back office, or the session's close, posts
            Sale.post([sale])
            sale = Sale(sale.id)
            unit = Lot(unit.id)
            self.assertEqual(sale.state, 'posted')
            self.assertEqual(
                (unit.state, unit.owner, unit.current_location),
                ('sold', alice, point.customer_location))
            self.assertEqual(unit.warranties, (warranty,))
            # Posting again changes nothing
            Sale.post([sale])
            self.assertEqual(sorted(m.state for m in sale.lines[0].moves),
                ['cancelled', 'done'])

            # The unit is gone: another sale of it is refused
            with acting_as(cashier):
                other, = Sale.create([paid_sale(point, [(phone, 1, unit)],
                            party=alice)])
                with self.assertRaisesRegex(POSUnitError, 'not available'):
                    Sale.process([other])

    @with_transaction(context=NO_ORIGIN)
    def test_unit_refund_to_inspection(self):
        "A refunded unit goes to the quarantine, where it waits inspection"
        pool = Pool()
        Inspection = pool.get('rma.inspection')
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            shelf = create_unit(phone, branch.storage_location, index=1)
            alice, bob = Party.create([{'name': "Alice"}, {'name': "Bob"}])
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with acting_as(cashier):
                sale, = Sale.create([paid_sale(
                            point, [(phone, 1, unit)], party=alice)])
                Sale.process([sale])
            Sale.post([sale])

            with acting_as(cashier):
                for lot, party in [(shelf, alice), (unit, bob)]:
                    refund, = Sale.create([paid_sale(
                                point, [(phone, -1, lot)], party=party)])
                    with self.assertRaisesRegex(POSUnitError, 'not with'):
                        Sale.process([refund])
                    self.assertEqual(Sale(refund.id).state, 'open')

                refund, = Sale.create([paid_sale(
                            point, [(phone, -1, unit)], party=alice)])
                Sale.process([refund])
            Sale.post([refund])
            unit = Lot(unit.id)
            self.assertEqual(
                (unit.state, unit.current_location, unit.owner),
                ('returned', branch.quarantine_location, company.party))
            inspection, = Inspection.search([('lot', '=', unit.id)])
            self.assertEqual(inspection.state, 'pending')

    @with_transaction(context=NO_ORIGIN)
    def test_refund_before_the_close(self):
        """A unit paid for and brought back before the close is refunded
        to its buyer only, after its sale is posted"""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            alice, bob = Party.create([{'name': "Alice"}, {'name': "Bob"}])
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with acting_as(cashier):
                sale, = Sale.create([paid_sale(
                            point, [(phone, 1, unit)], party=alice)])
                Sale.process([sale])

                to_bob, = Sale.create([paid_sale(
                            point, [(phone, -1, unit)], party=bob)])
                with self.assertRaisesRegex(POSUnitError,
                        'to "Bob": it was sold to "Alice" by sale "%s"'
                        % Sale(sale.id).number):
                    Sale.process([to_bob])
                self.assertEqual(
                    (Sale(to_bob.id).state, Sale(sale.id).state),
                    ('open', 'done'))

                refund, = Sale.create([paid_sale(
                            point, [(phone, -1, unit)], party=alice)])
                Sale.process([refund])
                # The unit reached Alice before it came back
                self.assertEqual(
                    (Sale(sale.id).state, Sale(refund.id).state),
                    ('posted', 'done'))
            Sale.post([refund])
            self.assertEqual(Lot(unit.id).state, 'returned')

    @with_transaction(context=NO_ORIGIN)
    def test_payment_refused_where_the_close_cannot_post(self):
        "A sale dated in no open period is refused when paid, not at close"
        pool = Pool()
        Move = pool.get('stock.move')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            receive(cable, branch.storage_location, 3, '2')
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with acting_as(cashier):
                sale, = Sale.create([paid_sale(point, [(cable, 1, None)])])
                Sale.write([sale], {'date': dt.date(2000, 1, 1)})
                with self.assertRaises(PeriodNotFoundError):
                    Sale.process([sale])
                self.assertEqual(Sale(sale.id).state, 'open')
            self.assertEqual(Move.search([
                        ('origin', 'like', 'sale.point.sale.line,%'),
                        ]), [])

    @with_transaction(context=NO_ORIGIN)
    def test_batches_first_expiry_and_atp(self):
        "Batches sell by first expiry; what is not there is refused"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Sale = pool.get('sale.point.sale')
        Template = pool.get('product.template')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            Template.write([cable.template], {
                    'tracking': 'batch', 'expiration_state': 'optional'})
            today = Date.today()
            late, early = Lot.create([
                    {'product': cable.id, 'number': 'LATE',
                        'expiration_date': today.replace(year=today.year + 2)},
                    {'product': cable.id, 'number': 'EARLY',
                        'expiration_date': today.replace(year=today.year + 1)},
                    ])
            receive(cable, branch.storage_location, 5, '2', lot=late)
            receive(cable, branch.storage_location, 3, '2', lot=early)

            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with acting_as(cashier):
                sale, = Sale.create([paid_sale(point, [(cable, 4, None)])])
                Sale.process([sale])
            Sale.post([sale])
            sale = Sale(sale.id)
            self.assertEqual(sorted(
                    (m.lot.number, m.quantity) for m in sale.lines[0].moves),
                [('EARLY', 3), ('LATE', 1)])

            # Refused when it is paid, with nothing reserved
            with acting_as(cashier):
                too_many, = Sale.create([paid_sale(
                            point, [(cable, 5, None)])])
                with self.assertRaises(AtpError):
                    Sale.process([too_many])
                self.assertEqual(Sale(too_many.id).state, 'open')

    @with_transaction(context=NO_ORIGIN)
    def test_submit_once_per_client_key(self):
        "A till's sale submitted twice is one sale, paid once"
        pool = Pool()
        Move = pool.get('stock.move')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            receive(cable, branch.storage_location, 10, '2')
            values = paid_sale(point, [(cable, 2, None)], client_key='T1-42')
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with acting_as(cashier):
                first, = Sale.submit([values])
                again, = Sale.submit([values])
            self.assertEqual(first, again)
            # Paid, its stock reserved: the session's close posts it
            self.assertEqual(first.state, 'done')
            self.assertEqual(Sale.search([], count=True), 1)
            self.assertEqual([m.state for m in Move.search([
                            ('product', '=', cable.id),
                            ('to_location.type', '=', 'customer'),
                            ])], ['assigned'])

    @with_transaction(context=NO_ORIGIN)
    def test_plain_stock_reserved_by_one_insert(self):
        "A till's sale of plain stock takes create_reserved's fast path"
        pool = Pool()
        Move = pool.get('stock.move')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            receive(cable, branch.storage_location, 10, '2')
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            fast = Move._create_reserved_fast
            with patch.object(Move, '_create_reserved_fast',
                    side_effect=fast) as inserted, acting_as(cashier):
                sale, = Sale.submit([paid_sale(
                            point, [(cable, 2, None)], client_key='T1-1')])
            inserted.assert_called_once()
            move, = Sale(sale.id).lines[0].moves
            self.assertEqual(
                (move.state, move.quantity, move.internal_quantity),
                ('assigned', 2, 2))

    @with_transaction(context=NO_ORIGIN)
    def test_submit_waits_in_line_before_its_work(self):
        """A submit queues on its till before it builds, never on the
        journal-entry sequence that all tills share"""
        pool = Pool()
        Period = pool.get('account.period')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            receive(cable, branch.storage_location, 10, '2')
            sequence = Period.find(company).move_sequence_used
            holds = []

            def hold(queued=None, records=None):
                holds.append((queued, records, Sale.search([], count=True)))
                return locking_hold(queued=queued, records=records)
            locking_hold = sale_module.locking.hold
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with patch.object(sale_module.locking, 'hold', hold), \
                    acting_as(cashier):
                sale, = Sale.submit([paid_sale(
                            point, [(cable, 1, None)], client_key='T1-1')])
            self.assertEqual(sale.state, 'done')
            (queued, records, sales), *later = holds
            # In line, with the till locked, before the sale is built
            self.assertEqual((queued, records, sales),
                ({'sale_point': {point.id}}, None, 0))
            # Its own number sequence, not the journal's
            self.assertNotIn(sequence.id, {i for q, _, _ in later if q
                    for i in q.get('ir_sequence_strict', ())})
            self.assertIn(point.sequence.id, {i for q, _, _ in later if q
                    for i in q.get('ir_sequence_strict', ())})

            # The close's post queues on the journal's
            holds.clear()
            with patch.object(sale_module.locking, 'hold', hold):
                Sale.post([sale])
            self.assertIn(sequence.id, {i for q, _, _ in holds if q
                    for i in q.get('ir_sequence_strict', ())})

    @with_transaction(context=NO_ORIGIN)
    def test_paid_unit_leaves_at_once(self):
        "A paid sale reserves its stock; posting moves it, reopening frees it"
        pool = Pool()
        Availability = pool.get('stock.availability')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Party = pool.get('party.party')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            receive(cable, branch.storage_location, 3, '2')
            alice, bob = Party.create([{'name': "Alice"}, {'name': "Bob"}])
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with acting_as(cashier):
                first, second = Sale.create([
                        paid_sale(point, [(phone, 1, unit),
                                (cable, 2, None)], party=alice),
                        paid_sale(point, [(phone, 1, unit)], party=bob),
                        ])

                Sale.process([first])
                self.assertEqual(Lot(unit.id).state, 'reserved')
                self.assertEqual(
                    Availability.atp_of(cable, branch), 1)
                self.assertEqual(sorted(m.state for l in Sale(first.id).lines
                            for m in l.moves), ['assigned', 'assigned'])

                # Paid for, the phone cannot be scanned or paid for again
                message = 'is on sale "%s"' % Sale(first.id).number
                scanning, = Sale.create([{'point': point.id}])
                with self.assertRaisesRegex(POSScanError, message):
                    Sale.add_scans(scanning, [(unit.imei, 1)])
                with self.assertRaisesRegex(POSUnitError, message):
                    Sale.process([second])
                self.assertEqual(Sale(second.id).state, 'open')

                # Reopened before posting, the sale gives its stock back
                Sale.open([first])
                self.assertEqual(Lot(unit.id).state, 'available')
                self.assertEqual(Availability.atp_of(cable, branch), 3)
                self.assertEqual(sorted(m.state for l in Sale(first.id).lines
                            for m in l.moves), ['cancelled', 'cancelled'])

                Sale.process([first])
            Sale.post([first])
            unit = Lot(unit.id)
            self.assertEqual((unit.state, unit.owner), ('sold', alice))
            # Posting did the reserved moves and made no other
            self.assertEqual(sorted((m.product.rec_name, m.state)
                    for m in Move.search([
                            ('origin', 'like', 'sale.point.sale.line,%'),
                            ])), [
                    ('[CABLE] Cable', 'cancelled'), ('[CABLE] Cable', 'done'),
                    ('[PHONE] Phone', 'cancelled'), ('[PHONE] Phone', 'done'),
                    ])
            self.assertEqual(Availability.atp_of(cable, branch), 1)

            # A unit refunded once is not refunded by a second sale
            with acting_as(cashier):
                refund, again = Sale.create([
                        paid_sale(point, [(phone, -1, unit)], party=alice)
                        for _ in range(2)])
                Sale.process([refund])
                with self.assertRaisesRegex(POSUnitError,
                        'is on sale "%s"' % Sale(refund.id).number):
                    Sale.process([again])
            Sale.post([refund])
            self.assertEqual(Lot(unit.id).state, 'returned')

    @with_transaction(context=NO_ORIGIN)
    def test_submit_refuses_bad_input(self):
        "A bad submit gets a message naming what is wrong, and adds nothing"
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            receive(cable, branch.storage_location, 10, '2')
            good = paid_sale(point, [(cable, 1, None)], client_key='K1')

            def line(**values):
                sale = dict(good)
                lines = [dict(good['lines'][0][1][0], **values)]
                sale['lines'] = [('create', lines)]
                return sale

            cashier = create_staff_user(company, 'cashier', branches=[branch])
            for vlist, message in [
                    ('nope', 'list of sales'),
                    ([], 'list of sales'),
                    (['nope'], 'dictionary'),
                    ([dict(good, point='1')], 'Point'),
                    ([dict(good, point=10 ** 6)], 'does not exist'),
                    ([dict(good, client_key=None)], 'client key'),
                    ([dict(good, client_key={'a': 1})], 'text'),
                    ([dict(good, nope=1)], "'nope'"),
                    ([dict(good, id=5)], "'id'"),
                    ([dict(good, lines={'a': 1})], 'create'),
                    ([dict(good, lines=[('delete', [1])])], 'create'),
                    ([dict(good, payments=[('create', ['x'])])],
                        'dictionary'),
                    ([line(quantity='2')], 'Quantity'),
                    ([line(quantity=float('nan'))], 'finite'),
                    ([line(quantity=1e308)], 'finite'),
                    ([line(quantity=True)], 'Quantity'),
                    ([line(product=10 ** 6)], 'does not exist'),
                    ([line(unit_list_price=float('inf'))], 'finite'),
                    ]:
                with self.subTest(vlist=vlist), acting_as(cashier):
                    with self.assertRaisesRegex(POSError, message):
                        Sale.submit(vlist)
                    self.assertEqual(Sale.search([], count=True), 0)
            # A unit sells by one, or comes back by one: refused by the
            # line's domain when created (the call's transaction rolls back)
            unit = create_unit(phone, branch.storage_location)
            alice, = Pool().get('party.party').create([{'name': "Alice"}])
            for quantity in [0.5, 2, -2]:
                with self.subTest(quantity=quantity), acting_as(cashier):
                    with self.assertRaisesRegex(UserError, '"Quantity"'):
                        Sale.submit([paid_sale(point, [(phone, 1, unit)],
                                    party=alice, client_key='U-%s' % quantity)
                            | {'lines': [('create', [{
                                                'product': phone.id,
                                                'lot': unit.id,
                                                'quantity': quantity,
                                                'unit_list_price': 800,
                                                'unit_gross_price': 800,
                                                }])]}])
            with acting_as(cashier):
                sale, = Sale.submit([good])
            self.assertEqual(sale.state, 'done')

    @with_transaction(context=NO_ORIGIN)
    def test_till_user_submits_and_posts(self):
        "A till user without the posting group submits; the close posts"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Party = pool.get('party.party')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            alice, = Party.create([{'name': "Alice"}])
            receive(cable, branch.storage_location, 5, '2')
            other, = Sale.create([paid_sale(point, [(cable, 1, None)])])
            Sale.process([other])
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            values = paid_sale(point, [(phone, 1, unit)], party=alice,
                client_key='T1-1')
            with acting_as(cashier):
                sale, = Sale.submit([values])
                self.assertEqual(sale.state, 'done')
                # The posting group is needed to post a sale
                with self.assertRaises(AccessButtonError):
                    Sale.post([other])
            self.assertEqual(Sale(other.id).state, 'done')
            self.assertEqual(Lot(unit.id).state, 'reserved')

    @with_transaction(context=NO_ORIGIN)
    def test_till_user_only_at_own_branch(self):
        """A till user sees, sells at and counts only the tills of their
        branches, on every path a client has"""
        pool = Pool()
        CloseWizard = pool.get('sale.point.cash.session.close', type='wizard')
        CreateBranch = pool.get('stock.branch.create', type='wizard')
        Point = pool.get('sale.point')
        Sale = pool.get('sale.point.sale')
        Session = pool.get('sale.point.cash.session')
        ZReport = pool.get('sale.point.cash.session.z_report', type='report')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            downtown = point.storage_location.warehouse
            uptown = CreateBranch.create_branch(name="Uptown", code='UP')
            receive(cable, downtown.storage_location, 5, '2')
            receive(cable, uptown.storage_location, 5, '2')
            other, = Point.copy([point], {
                    'name': "Uptown Till",
                    'storage_location': uptown.storage_location.id,
                    'return_location': uptown.quarantine_location.id,
                    })
            self.assertEqual((point.branch, other.branch), (downtown, uptown))
            theirs, = Sale.create([paid_sale(other, [(cable, 1, None)])])
            Sale.process([theirs])
            their_session = Session.search([('point', '=', other.id)])
            self.assertEqual(len(their_session), 1)
            cashier = create_staff_user(
                company, 'cashier', branches=[downtown])

            def count_and_close(session_id):
                "The Count and Close wizard started on session_id"
                with Transaction().set_context(
                        active_model=Session.__name__,
                        active_id=session_id, active_ids=[session_id]):
                    wizard_id, _, _ = CloseWizard.create()
                    try:
                        CloseWizard.execute(wizard_id, {}, 'start')
                    finally:
                        CloseWizard.delete(wizard_id)
            with acting_as(cashier):
                self.assertEqual(Point.search([]), [point])
                self.assertEqual(Sale.search([]), [])
                self.assertEqual(
                    Session.search([('point', '=', other.id)]), [])
                for path, read in [
                        ('z report', lambda: ZReport.execute(
                                [s.id for s in their_session], {})),
                        ('count and close', lambda: count_and_close(
                                their_session[0].id)),

                        ('read till', lambda: Point.read(
                                [other.id], ['name'])),
                        ('read sale', lambda: Sale.read(
                                [theirs.id], ['number'])),
                        ('export sale', lambda: Sale.export_data(
                                [Sale(theirs.id)], ['number'])),
                        ('export session', lambda: Session.export_data(
                                their_session, ['id'])),
                        ]:
                    with self.subTest(path=path), \
                            self.assertRaises(AccessError):
                        read()
                with self.assertRaises(AccessError):
                    Sale.submit([paid_sale(other, [(cable, 1, None)],
                                client_key='U-1')])
                with self.assertRaises(AccessError):
                    Sale.create([{'point': other.id}])
                # At their own till, all goes
                sale, = Sale.submit([paid_sale(point, [(cable, 1, None)],
                            client_key='D-1')])
                self.assertEqual(sale.state, 'done')
                own, = Session.search([('point', '=', point.id)])
                count_and_close(own.id)

    @with_transaction(context=NO_ORIGIN)
    def test_walk_in_customer(self):
        """A sale starts with the till's walk-in customer, which buys
        accessories but never a unit"""
        pool = Pool()
        Party = pool.get('party.party')
        Point = pool.get('sale.point')
        Sale = pool.get('sale.point.sale')
        company = create_company()
        with set_company(company):
            point, phone, cable = create_till(company)
            branch = point.storage_location.warehouse
            unit = create_unit(phone, branch.storage_location)
            receive(cable, branch.storage_location, 5, '2')
            walk_in, alice = Party.create(
                [{'name': "Walk-in"}, {'name': "Alice"}])
            Point.write([point], {'walk_in_customer': walk_in.id})
            cashier = create_staff_user(company, 'cashier', branches=[branch])
            with acting_as(cashier):
                # Their branch's till, from their preferences
                self.assertEqual(Sale.default_point(), point.id)
                self.assertEqual(Sale.default_party(), walk_in.id)
                sale = Sale(point=point, party=None)
                sale.on_change_point()
                self.assertEqual(sale.party, walk_in)

                accessory, = Sale.create([paid_sale(
                            point, [(cable, 1, None)], party=walk_in)])
                Sale.process([accessory])
                self.assertEqual(Sale(accessory.id).state, 'done')

                phone_sale, = Sale.create([paid_sale(
                            point, [(phone, 1, unit)], party=walk_in)])
                with self.assertRaisesRegex(POSUnitError,
                        'walk-in customer: .* Choose the customer'):
                    Sale.process([phone_sale])
                self.assertEqual(Sale(phone_sale.id).state, 'open')
                Sale.write([phone_sale], {'party': alice.id})
                Sale.process([phone_sale])
                self.assertEqual(Sale(phone_sale.id).state, 'done')


del ModuleTestCase
