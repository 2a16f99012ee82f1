# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.stock_lot_fefo.exceptions import ExpiredLotError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class StockLotFefoTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Stock Lot FEFO module"
    module = 'stock_lot_fefo'

    def setup_batches(self, offsets, name="Power Bank"):
        """A batch product with one lot per (days to expiry, quantity) in
        offsets, each put in storage; return (product, lots, locations)"""
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Date = pool.get('ir.date')
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': name,
                    'type': 'goods',
                    'default_uom': unit.id,
                    'shelf_life_state': 'required',
                    'shelf_life_time': 365,
                    'lot_required': ['supplier', 'customer', 'storage'],
                    'products': [('create', [{}])],
                    }])
        product, = template.products
        locations = {l.code: l for l in Location.search([
                    ('code', 'in', ['STO', 'CUS'])])}
        lost_found, = Location.search([('type', '=', 'lost_found')])
        today = Date.today()
        lots = Lot.create([{
                    'number': '%s-%s' % (name, i),
                    'product': product.id,
                    'shelf_life_expiration_date': (
                        today + dt.timedelta(days=days)),
                    } for i, (days, _) in enumerate(offsets)])
        company = Transaction().context['company']
        moves = Move.create([{
                    'product': product.id,
                    'unit': unit.id,
                    'quantity': quantity,
                    'from_location': lost_found.id,
                    'to_location': locations['STO'].id,
                    'lot': lot.id,
                    'company': company,
                    } for lot, (_, quantity) in zip(lots, offsets)])
        Move.do(moves)
        return product, lots, locations

    def sale_move(self, product, locations, quantity, lot=None):
        pool = Pool()
        Move = pool.get('stock.move')
        Company = pool.get('company.company')
        company = Company(Transaction().context['company'])
        move, = Move.create([{
                    'product': product.id,
                    'unit': product.default_uom.id,
                    'quantity': quantity,
                    'from_location': locations['STO'].id,
                    'to_location': locations['CUS'].id,
                    'company': company.id,
                    'unit_price': Decimal('10'),
                    'currency': company.currency.id,
                    'lot': lot.id if lot else None,
                    }])
        return move

    @with_transaction()
    def test_first_expiry_first_out(self):
        "Assignment picks the earliest expiry and never an expired batch"
        pool = Pool()
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            product, (late, expired, soon), locations = self.setup_batches(
                [(100, 5), (-1, 5), (10, 5)])
            self.assertEqual(
                [l.expiry_state for l in [late, expired, soon]],
                ['valid', 'expired', 'expiring'])
            move = self.sale_move(product, locations, 8)
            self.assertTrue(Move.assign_try([move]))
            moves = Move.search([
                    ('product', '=', product.id),
                    ('to_location', '=', locations['CUS'].id)],
                order=[('id', 'ASC')])
            self.assertEqual(
                [(m.lot.id, m.quantity, m.state) for m in moves],
                [(soon.id, 5, 'assigned'), (late.id, 3, 'assigned')])

            late, expired, soon = Lot.browse([late, expired, soon])
            self.assertEqual(
                [(l.available_quantity, l.reserved_quantity)
                    for l in [late, expired, soon]],
                [(2, 3), (0, 0), (0, 5)])
            Move.do(moves)
            late, soon = Lot.browse([late, soon])
            self.assertEqual(
                (late.sold_quantity, soon.sold_quantity), (3, 5))
            self.assertEqual(soon.adjusted_quantity, -5)

            # Only the expired batch is left: nothing to assign
            rest = self.sale_move(product, locations, 3)
            self.assertFalse(Move.assign_try([rest]))
            self.assertEqual(Move(rest.id).state, 'draft')
            self.assertEqual(Move(rest.id).lot, None)

    @with_transaction()
    def test_expired_batch_never_reserved(self):
        "Reserving an expired batch by name is refused with its name"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, (expired,), locations = self.setup_batches([(-3, 4)])
            move = self.sale_move(product, locations, 2, lot=expired)
            with self.assertRaisesRegex(ExpiredLotError, 'Power Bank-0'):
                Move.assign_try([move])
            self.assertEqual(Move(move.id).state, 'draft')

    @with_transaction()
    def test_expiry_state_search(self):
        "Batches are found by expiry state"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Configuration = pool.get('stock.configuration')
        company = create_company()
        with set_company(company):
            _, lots, _ = self.setup_batches([(-1, 1), (5, 1), (60, 1)])
            for state, expected in [
                    ('expired', lots[0]), ('expiring', lots[1]),
                    ('valid', lots[2])]:
                self.assertEqual(
                    Lot.search([('expiry_state', '=', state)]), [expected])
            Configuration.write([Configuration(1)], {
                    'expiry_warning_days': 90})
            self.assertEqual(
                Lot.search([('expiry_state', '=', 'expiring')],
                    order=[('id', 'ASC')]), lots[1:])

    @with_transaction()
    def test_fefo_pick_property(self):
        "Over 500 random batches and demands no expired batch is picked"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            product, _, locations = self.setup_batches([(30, 1)])
            storage = locations['STO']
            move = self.sale_move(product, locations, 1)
            today = Date.today()
            counter = iter(range(10 ** 6))

            @settings(max_examples=500, deadline=None,
                suppress_health_check=list(HealthCheck))
            @given(
                st.lists(st.tuples(
                        st.integers(-30, 60), st.integers(1, 5)),
                    min_size=1, max_size=6),
                st.integers(1, 20))
            def check(offsets, demand):
                lots = Lot.create([{
                            'number': 'L%s' % next(counter),
                            'product': product.id,
                            'shelf_life_expiration_date': (
                                today + dt.timedelta(days=days)),
                            } for days, _ in offsets])
                quantities = [((storage.id, product.id, lot.id), quantity)
                    for lot, (_, quantity) in zip(lots, offsets)]
                move.quantity = demand
                picked = move.pick_product(move.sort_quantities(
                        quantities, [storage], ('product', 'lot')))
                by_lot = {k[2]: q for k, q in picked}
                expired = {l.id for l, (d, _) in zip(lots, offsets) if d < 0}
                self.assertFalse(expired & set(by_lot))
                usable = sorted(
                    (d, l.id, q) for l, (d, q) in zip(lots, offsets)
                    if d >= 0)
                expected, left = {}, demand
                for _, lot_id, quantity in usable:
                    if left <= 0:
                        break
                    expected[lot_id] = min(quantity, left)
                    left -= quantity
                self.assertEqual(by_lot, expected)

            check()


del ModuleTestCase
