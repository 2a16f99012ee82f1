# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Properties over random sequences of stock operations."""
import unittest
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

UNITS = 3
OPERATIONS = [
    'receive', 'reserve', 'sell', 'release', 'return', 'restock',
    'dispatch', 'arrive', 'scrap']
BATCH_OPERATIONS = ['receive', 'reserve', 'sell', 'release', 'scrap']
# Every step is a few round trips more on PostgreSQL: fewer examples
# keep the suite's run there within minutes.
EXAMPLES = 60 if backend.name == 'sqlite' else 25


class StockAvailabilityPropertyTestCase(unittest.TestCase):
    "Conservation, one place and state per unit, cache = ledger"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['stock_availability'])

    def setup_places(self):
        pool = Pool()
        Location = pool.get('stock.location')
        Configuration = pool.get('stock.configuration')
        places = {l.code: l for l in Location.search([
                    ('code', 'in', ['WH', 'SUP', 'STO', 'CUS'])])}
        places['TRA'] = Configuration(1).shipment_internal_transit
        places['RET'], places['SCR'] = Location.create([{
                    'name': "Returns", 'type': 'storage',
                    'parent': places['STO'].id, 'stock_state': 'returned',
                    }, {
                    'name': "Scrap", 'type': 'storage',
                    'parent': places['STO'].id, 'stock_state': 'scrapped',
                    }])
        return places

    def new_product(self, name, tracking):
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': name,
                    'type': 'goods',
                    'default_uom': unit.id,
                    'tracking': tracking,
                    'products': [('create', [{}])],
                    }])
        return template.products[0]

    def new_move(self, product, from_, to, quantity=1, lot=None):
        pool = Pool()
        Move = pool.get('stock.move')
        Company = pool.get('company.company')
        company = Company(Transaction().context['company'])
        values = {
            'product': product.id,
            'unit': product.default_uom.id,
            'quantity': quantity,
            'from_location': from_.id,
            'to_location': to.id,
            'lot': lot.id if lot else None,
            'company': company.id,
            }
        if {from_.type, to.type} & {'supplier', 'customer'}:
            values['unit_price'] = Decimal('10')
            values['currency'] = company.currency.id
        move, = Move.create([values])
        return move

    def unit_step(self, places, product, lots, reservations, operation,
            index):
        "Try operation on unit index; refusals must change nothing"
        pool = Pool()
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        lot = Lot(lots[index].id)
        where = lot.current_location
        route = {
            'receive': ('SUP', 'STO'),
            'sell': ('STO', 'CUS'),
            'return': ('CUS', 'RET'),
            'restock': ('RET', 'STO'),
            'dispatch': ('STO', 'TRA'),
            'arrive': ('TRA', 'STO'),
            'scrap': ('STO', 'SCR'),
            }
        if operation == 'reserve':
            move = self.new_move(product, places['STO'], places['CUS'])
            Move.reserve([move])
            reservations.append(move)
        elif operation == 'release':
            if reservations:
                Move.cancel([reservations.pop()])
        elif operation == 'sell' and reservations:
            Move.do([reservations.pop(0)])
        else:
            from_, to = route[operation]
            source = where if where and operation != 'receive' else (
                places[from_])
            if source == places[to]:
                # A move onto its own source breaks the database check
                # constraint, which on PostgreSQL aborts the transaction
                # every example shares; it is no operation to test.
                return
            move = self.new_move(product, source, places[to], lot=lot)
            Move.do([move])

    def check_invariants(self, product, places, lots=()):
        pool = Pool()
        Availability = pool.get('stock.availability')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        pbl = defaultdict(float)
        for move in Move.search([
                    ('product', '=', product.id), ('state', '=', 'done')]):
            lot_id = move.lot.id if move.lot else None
            pbl[(move.from_location.id, lot_id)] -= move.internal_quantity
            pbl[(move.to_location.id, lot_id)] += move.internal_quantity
        # Stock is conserved over all locations.
        self.assertAlmostEqual(sum(pbl.values()), 0)
        # Each unit is in exactly one place and one state.
        for lot in Lot.browse([l.id for l in lots]):
            places_of_lot = {k[0]: q for k, q in pbl.items()
                if k[1] == lot.id and q}
            if lot.current_location is None:
                self.assertEqual(places_of_lot, {})
                self.assertIsNone(lot.state)
                continue
            location = lot.current_location
            inside = {k: q for k, q in places_of_lot.items()
                if k != location.id}
            self.assertTrue(all(
                    Location(k).type in {'supplier', 'customer'}
                    for k, q in inside.items() if q < 0), places_of_lot)
            self.assertEqual([k for k, q in places_of_lot.items()
                    if q > 0 and Location(k).type != 'customer'
                    and Location(k).type != 'supplier'],
                [location.id] if location.type not in {
                    'customer', 'supplier'} else [])
            assigned = Move.search([
                    ('lot', '=', lot.id), ('state', '=', 'assigned')])
            expected = location.unit_state
            if assigned and expected == 'available':
                expected = 'reserved'
            self.assertEqual(lot.state, expected)
        # The cache agrees with the ledger.
        self.assertEqual([d for d in Availability.check_cache()
                if d[0][0] == product.id], [])

    @with_transaction(context={'_skip_warnings': True})
    def test_units(self):
        "Random unit operations keep every invariant"
        company = create_company()
        with set_company(company):
            pool = Pool()
            Lot = pool.get('stock.lot')
            places = self.setup_places()
            counter = iter(range(10 ** 6))

            @settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=list(HealthCheck))
            @given(st.lists(st.tuples(
                        st.sampled_from(OPERATIONS),
                        st.integers(0, UNITS - 1)),
                    max_size=15))
            def check(steps):
                product = self.new_product('P%s' % next(counter), 'serial')
                lots = Lot.create([{
                            'product': product.id,
                            'serial': 'S%s' % next(counter),
                            } for _ in range(UNITS)])
                reservations = []
                for operation, index in steps:
                    try:
                        self.unit_step(places, product, lots, reservations,
                            operation, index)
                        outcomes['done'] += 1
                    except UserError:
                        outcomes['refused'] += 1
                    self.check_invariants(product, places, lots)

            outcomes = defaultdict(int)
            check()
            # The sequences did real work and hit refusals too.
            self.assertGreater(outcomes['done'], EXAMPLES)
            self.assertGreater(outcomes['refused'], EXAMPLES // 10)

    @with_transaction(context={'_skip_warnings': True})
    def test_batches(self):
        "Random quantity operations keep the cache equal to the ledger"
        pool = Pool()
        Move = pool.get('stock.move')
        Availability = pool.get('stock.availability')
        company = create_company()
        with set_company(company):
            places = self.setup_places()
            counter = iter(range(10 ** 6))

            @settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=list(HealthCheck))
            @given(st.lists(st.tuples(
                        st.sampled_from(BATCH_OPERATIONS),
                        st.integers(1, 8)),
                    max_size=15))
            def check(steps):
                product = self.new_product('Q%s' % next(counter), 'none')
                reservations = []
                for operation, quantity in steps:
                    try:
                        if operation == 'receive':
                            Move.do([self.new_move(product, places['SUP'],
                                        places['STO'], quantity)])
                        elif operation == 'reserve':
                            move = self.new_move(product, places['STO'],
                                places['CUS'], quantity)
                            Move.reserve([move])
                            reservations.append(move)
                        elif operation == 'release' and reservations:
                            Move.cancel([reservations.pop()])
                        elif operation == 'sell':
                            Move.do([self.new_move(product, places['STO'],
                                        places['CUS'], quantity)])
                        elif operation == 'scrap':
                            Move.do([self.new_move(product, places['STO'],
                                        places['SCR'], quantity)])
                        outcomes['done'] += 1
                    except UserError:
                        outcomes['refused'] += 1
                    self.check_invariants(product, places)
                    # What is promised never exceeds what is there.
                    self.assertGreaterEqual(
                        Availability.atp_of(product, places['WH']), 0)

            outcomes = defaultdict(int)
            check()
            self.assertGreater(outcomes['done'], EXAMPLES)
            self.assertGreater(outcomes['refused'], EXAMPLES // 10)
