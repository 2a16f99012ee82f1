# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal
from unittest.mock import patch

from trytond.exceptions import UserError, UserWarning
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.stock_availability.stock import TRANSITIONS
from trytond.modules.stock_lot_serial.tests import tools as serial_tools
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class StockAvailabilityTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Stock Availability module"
    module = 'stock_availability'

    def setup_shop(self, tracking=None):
        "A product and the locations of the default warehouse"
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        unit, = Uom.search([('name', '=', 'Unit')])
        values = {
            'name': "Phone",
            'type': 'goods',
            'default_uom': unit.id,
            'products': [('create', [{}])],
            }
        if tracking:
            values['tracking'] = tracking
        template, = Template.create([values])
        locations = {l.code: l for l in Location.search([
                    ('code', 'in', ['WH', 'SUP', 'STO', 'CUS', 'OUT', 'IN'])])}
        locations['LF'], = Location.search([('type', '=', 'lost_found')])
        return template.products[0], locations

    def move(self, product, from_, to, quantity=1, lot=None, do=True):
        pool = Pool()
        Move = pool.get('stock.move')
        company = Transaction().context['company']
        values = {
            'product': product.id,
            'unit': product.default_uom.id,
            'quantity': quantity,
            'from_location': from_.id,
            'to_location': to.id,
            'lot': lot.id if lot else None,
            'company': company,
            }
        if {from_.type, to.type} & {'supplier', 'customer'}:
            values['unit_price'] = Decimal('100')
            values['currency'] = pool.get('company.company')(
                company).currency.id
        move, = Move.create([values])
        if do:
            Move.do([move])
        return move

    def sale_values(self, product, locations, quantity):
        company = Pool().get('company.company')(
            Transaction().context['company'])
        return {
            'product': product.id,
            'unit': product.default_uom.id,
            'quantity': quantity,
            'from_location': locations['STO'].id,
            'to_location': locations['CUS'].id,
            'company': company.id,
            'unit_price': Decimal('100'),
            'currency': company.currency.id,
            }

    def move_rows(self, moves):
        "The stored columns of moves, but their ids, users and dates"
        Move = Pool().get('stock.move')
        table = Move.__table__()
        names = sorted(n for n, f in Move._fields.items()
            if not hasattr(f, 'set') and n not in {
                'id', 'create_uid', 'create_date', 'write_uid',
                'write_date'})
        cursor = Transaction().connection.cursor()
        rows = []
        for move in moves:
            cursor.execute(*table.select(
                    *[getattr(table, n) for n in names],
                    where=table.id == move.id))
            rows.append(dict(zip(names, cursor.fetchone())))
        return rows

    def cache_lines(self):
        Line = Pool().get('stock.availability.line')
        table = Line.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.product, table.branch, table.ownership, table.state,
                table.quantity))
        return {tuple(r[:4]): r[4] for r in cursor}

    def logs(self, move):
        return [(l.event, l.target) for l in Transaction().log_records
            if l.resource == move]

    def refusal(self, func, *args):
        """Return the class and message of the UserError or UserWarning func
        raises, or None; what it wrote is rolled back in both cases"""
        cursor = Transaction().connection.cursor()
        cursor.execute('SAVEPOINT attempt')
        try:
            func(*args)
        except (UserError, UserWarning) as error:
            return type(error), error.message
        finally:
            # Also after a failed statement of PostgreSQL
            cursor.execute('ROLLBACK TO SAVEPOINT attempt')
            # The ids of the rolled back records come again.
            Transaction().cache.clear()

    def atp(self, product, warehouse):
        Availability = Pool().get('stock.availability')
        return Availability.atp_of(product, warehouse)

    @with_transaction(context={'_skip_warnings': True})
    def test_location_states(self):
        "Default locations get their states and the transit location too"
        pool = Pool()
        Location = pool.get('stock.location')
        Configuration = pool.get('stock.configuration')
        company = create_company()
        with set_company(company):
            _, locations = self.setup_shop()
            self.assertEqual(locations['STO'].stock_state, 'available')
            self.assertEqual(locations['OUT'].stock_state, 'picked')
            self.assertEqual(locations['LF'].unit_state, 'scrapped')
            self.assertEqual(locations['CUS'].unit_state, 'sold')
            transit = Configuration(1).shipment_internal_transit
            self.assertEqual(transit.stock_state, 'in_transit')
            warehouse, = Location.copy([locations['WH']])
            self.assertEqual(warehouse.output_location.stock_state, 'picked')

    @with_transaction(context={'_skip_warnings': True})
    def test_ownership_consistency(self):
        "Ownership follows the consignment party and is checked"
        pool = Pool()
        Location = pool.get('stock.location')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            _, locations = self.setup_shop()
            supplier, = Party.create([{'name': "Supplier"}])
            consignment, = Location.create([{
                        'name': "Consignment",
                        'type': 'supplier',
                        'parent': locations['STO'].id,
                        'consignment_party': supplier.id,
                        }])
            self.assertEqual(consignment.ownership, 'supplier_consignment')
            with self.assertRaises(UserError):
                Location.create([{
                            'name': "Custody",
                            'type': 'storage',
                            'parent': locations['STO'].id,
                            'ownership': 'customer',
                            'consignment_party': supplier.id,
                            }])

    @with_transaction(context={'_skip_warnings': True})
    def test_heads_always_exist(self):
        "Every product has a head per branch and one outside branches"
        pool = Pool()
        Availability = pool.get('stock.availability')
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            product, locations = self.setup_shop()
            heads = Availability.search([('product', '=', product.id)])
            self.assertEqual(
                {h.branch for h in heads}, {locations['WH'], None})
            warehouse, = Location.copy([locations['WH']])
            self.assertEqual(Availability.search([
                        ('product', '=', product.id)], count=True), 3)

    @with_transaction(context={'_skip_warnings': True})
    def test_cache_follows_moves(self):
        "Receipts, reservations and sales keep the cache equal to the ledger"
        pool = Pool()
        Availability = pool.get('stock.availability')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop()
            wh = loc['WH']
            self.move(product, loc['SUP'], loc['STO'], 10)
            self.assertEqual(self.atp(product, wh), 10)
            move = self.move(product, loc['STO'], loc['CUS'], 3, do=False)
            Move.reserve([move])
            self.assertEqual(move.state, 'assigned')
            head, = Availability.search([
                    ('product', '=', product.id), ('branch', '=', wh.id)])
            self.assertEqual((head.on_hand, head.reserved, head.atp),
                (10, 3, 7))
            Move.do([move])
            head = Availability(head.id)
            self.assertEqual((head.on_hand, head.reserved, head.atp),
                (7, 0, 7))
            self.assertEqual(Availability.check_cache(), [])
            self.assertEqual(product.atp, 7)

    @with_transaction(context={'_skip_warnings': True})
    def test_sale_beyond_atp(self):
        "Selling or reserving beyond ATP is refused and changes nothing"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop()
            self.move(product, loc['SUP'], loc['STO'], 5)
            reserved = self.move(product, loc['STO'], loc['CUS'], 4, do=False)
            Move.reserve([reserved])
            sale = self.move(product, loc['STO'], loc['CUS'], 2, do=False)
            with self.assertRaisesRegex(UserError, 'Only 1\\xa0u of Phone'):
                Move.do([sale])
            with self.assertRaisesRegex(UserError, 'not 2\\xa0u'):
                Move.reserve([sale])
            self.assertEqual(sale.state, 'draft')
            self.assertEqual(self.atp(product, loc['WH']), 1)
            # A count that finds less is recorded all the same.
            self.move(product, loc['STO'], loc['LF'], 2)
            self.assertEqual(self.atp(product, loc['WH']), -1)

    @with_transaction(context={'_skip_warnings': True})
    def test_unassign_releases(self):
        "Cancelling or resetting a reservation gives the quantity back"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop()
            self.move(product, loc['SUP'], loc['STO'], 5)
            first = self.move(product, loc['STO'], loc['CUS'], 2, do=False)
            second = self.move(product, loc['STO'], loc['CUS'], 2, do=False)
            Move.reserve([first, second])
            self.assertEqual(self.atp(product, loc['WH']), 1)
            Move.cancel([first])
            Move.draft([second])
            self.assertEqual(self.atp(product, loc['WH']), 5)
            self.assertEqual(
                Pool().get('stock.availability').check_cache(), [])

    @with_transaction(context={'_skip_warnings': True})
    def test_unit_states(self):
        "A unit's state follows its moves through the transition table"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop(tracking='serial')
            lot, = Lot.create([{'product': product.id, 'serial': 'SN1'}])
            self.assertIsNone(lot.state)
            self.move(product, loc['SUP'], loc['STO'], lot=lot)
            self.assertEqual((lot.state, lot.ownership),
                ('available', 'company'))
            sale = self.move(product, loc['STO'], loc['CUS'], do=False)
            Move.reserve([sale])
            self.assertEqual(sale.lot, lot)
            self.assertEqual(Lot(lot.id).state, 'reserved')
            Move.do([sale])
            self.assertEqual(Lot(lot.id).state, 'sold')
            # sold → available is not a legal change
            with self.assertRaisesRegex(UserError, '"Sold" to "Available"'):
                self.move(product, loc['CUS'], loc['STO'], lot=lot)
            self.assertEqual(Lot(lot.id).state, 'sold')
            with self.assertRaises(UserError):
                Lot.write([lot], {'state': 'available'})

    @with_transaction(context={'_skip_warnings': True})
    def test_reserve_units_short(self):
        "Reserving more units than available names what is missing"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop(tracking='serial')
            lot, = Lot.create([{'product': product.id, 'serial': 'SN1'}])
            self.move(product, loc['SUP'], loc['STO'], lot=lot)
            sale = self.move(product, loc['STO'], loc['CUS'], 2, do=False)
            with self.assertRaisesRegex(UserError, 'not 2'):
                Move.reserve([sale])

    @with_transaction(context={'_skip_warnings': True})
    def test_create_reserved_as_orm(self):
        "create_reserved gives the rows, cache and logs of create + reserve"
        pool = Pool()
        Date = pool.get('ir.date')
        Move = pool.get('stock.move')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop()
            self.move(product, loc['SUP'], loc['STO'], 14)
            stock_group = ModelData.get_id('stock', 'group_stock')
            clerk, = User.create([{
                        'name': "Clerk",
                        'login': 'clerk',
                        'groups': [('add', [stock_group])],
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        }])
            sale = self.sale_values(product, loc, 1)
            # A till's move carries its effective date
            till = dict(sale, effective_date=Date.today())
            # A move built as a record and saved gives its derived
            # internal quantity too: both paths compute it again
            saved = dict(till, internal_quantity=42.0)
            cases = [
                (values, user, logs)
                for values in [sale, till, saved]
                for user, logs in [
                    (0, [('transition', 'state:assigned')]),
                    (clerk.id, [
                            ('button', 'assign'),
                            ('transition', 'state:assigned')]),
                    ]]
            for values, user, logs in cases:
                self.assertIsNotNone(Move._create_reserved_plan([values]))
                with Transaction().set_user(user), \
                        Transaction().set_context(_check_access=bool(user)):
                    before = self.cache_lines()
                    orm, = Move.create([values])
                    Move.reserve([orm])
                    between = self.cache_lines()
                    fast, = Move.create_reserved([values])
                    after = self.cache_lines()

                self.assertEqual(fast.state, 'assigned')
                self.assertEqual(
                    self.move_rows([fast]), self.move_rows([orm]))
                self.assertEqual(
                    {k: after[k] - between.get(k, 0) for k in after},
                    {k: between[k] - before.get(k, 0) for k in after})
                self.assertEqual(self.logs(orm), logs)
                self.assertEqual(self.logs(fast), logs)
            self.assertEqual(self.atp(product, loc['WH']), 2)
            self.assertEqual(
                pool.get('stock.availability').check_cache(), [])

    @with_transaction(context={'_skip_warnings': True})
    def test_create_reserved_refuses_as_orm(self):
        "create_reserved refuses what create + reserve refuses, writes nothing"
        pool = Pool()
        Move = pool.get('stock.move')
        Template = pool.get('product.template')
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop()
            self.move(product, loc['SUP'], loc['STO'], 10)
            template, = Template.create([{
                        'name': "Screen Fitting",
                        'type': 'service',
                        'default_uom': product.default_uom.id,
                        'products': [('create', [{}])],
                        }])
            service, = template.products
            clerk, = User.create([{'name': "Clerk", 'login': 'clerk'}])
            no_price = self.sale_values(product, loc, 1)
            del no_price['unit_price']
            cases = [
                ("beyond ATP", self.sale_values(product, loc, 11), 0),
                ("digits", self.sale_values(product, loc, 1.5), 0),
                ("no unit price", no_price, 0),
                ("service", self.sale_values(service, loc, 1), 0),
                ("no access", self.sale_values(product, loc, 1), clerk.id),
                ]

            def attempt(method, values, user):
                with Transaction().set_user(user), \
                        Transaction().set_context(_check_access=bool(user)):
                    return self.refusal(method, values)

            def orm(values):
                Move.reserve(Move.create([values]))

            def fast(values):
                Move.create_reserved([values])

            moves = Move.search([], count=True)
            cache = self.cache_lines()
            for name, values, user in cases:
                with self.subTest(name=name):
                    self.assertIsNotNone(
                        Move._create_reserved_plan([values]))
                    refusal = attempt(orm, values, user)
                    self.assertIsNotNone(refusal)
                    self.assertEqual(attempt(fast, values, user), refusal)
                    self.assertEqual(Move.search([], count=True), moves)
                    self.assertEqual(self.cache_lines(), cache)

    @with_transaction()
    def test_create_reserved_warns_of_no_origin(self):
        "Where sales need an origin, both paths warn alike, write nothing"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            with Transaction().set_context(_skip_warnings=True):
                product, loc = self.setup_shop()
                self.move(product, loc['SUP'], loc['STO'], 10)
            values = self.sale_values(product, loc, 1)
            moves = Move.search([], count=True)
            cache = self.cache_lines()
            with patch.object(Move, 'check_origin_types',
                    return_value={'customer'}):
                self.assertIsNotNone(Move._create_reserved_plan([values]))
                orm = self.refusal(
                    lambda: Move.reserve(Move.create([values])))
                fast = self.refusal(Move.create_reserved, [values])
                self.assertEqual(Move.search([], count=True), moves)
                self.assertEqual(self.cache_lines(), cache)
                with Transaction().set_context(_skip_warnings=True):
                    move, = Move.create_reserved([values])
            self.assertEqual(orm[0].__name__, 'MoveOriginWarning')
            self.assertRegex(orm[1], r'^Stock moves "1\xa0u Phone" have no '
                'origin')
            self.assertEqual(fast, orm)
            self.assertEqual(move.state, 'assigned')

    @with_transaction(context={'_skip_warnings': True})
    def test_create_reserved_falls_back(self):
        "Units, transfers and unreviewed overrides take the ORM path"
        pool = Pool()
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop(tracking='serial')
            lot, = Lot.create([{'product': product.id, 'serial': 'SN1'}])
            self.move(product, loc['SUP'], loc['STO'], lot=lot)
            values = self.sale_values(product, loc, 1)
            self.assertIsNone(Move._create_reserved_plan([values]))
            move, = Move.create_reserved([values])
            self.assertEqual((move.state, move.lot), ('assigned', lot))
            self.assertEqual(Lot(lot.id).state, 'reserved')

            plain, loc = self.setup_shop()
            self.move(plain, loc['SUP'], loc['STO'], 2)
            transfer = dict(self.sale_values(plain, loc, 1),
                to_location=loc['OUT'].id, unit_price=None, currency=None)
            self.assertIsNone(Move._create_reserved_plan([transfer]))
            move, = Move.create_reserved([transfer])
            self.assertEqual(move.state, 'assigned')

            sale = self.sale_values(plain, loc, 1)
            self.assertIsNotNone(Move._create_reserved_plan([sale]))
            for name in ['product', 'unit', 'to_location']:
                unknown = dict(sale, **{name: 10 ** 9})
                self.assertIsNone(Move._create_reserved_plan([unknown]))
                self.assertIsNotNone(
                    self.refusal(Move.create_reserved, [unknown]))
            Move._create_reserved_unaudited = {('other', 'write')}
            try:
                self.assertIsNone(Move._create_reserved_plan([sale]))
            finally:
                Move._create_reserved_unaudited = set()

            # A product with a replacement, even while still active
            Product = pool.get('product.product')
            successor, = Product.copy([plain])
            Product.write([plain], {'replaced_by': successor.id})
            self.assertIsNone(Move._create_reserved_plan([sale]))
            move, = Move.create_reserved([sale])
            self.assertEqual((move.state, move.product), ('assigned', plain))
            self.assertEqual(self.atp(plain, loc['WH']), 0)

    def test_transition_table(self):
        "The table refuses the documented illegal changes"
        self.assertNotIn('available', TRANSITIONS['scrapped'])
        self.assertNotIn('in_transit', TRANSITIONS['sold'])
        self.assertNotIn('available', TRANSITIONS['sold'])
        states = set(TRANSITIONS) - {None}
        for targets in TRANSITIONS.values():
            self.assertLessEqual(targets, states)

    @with_transaction(context={'_skip_warnings': True})
    def test_rebuild(self):
        "A drift is found by the check and fixed by the rebuild"
        pool = Pool()
        Availability = pool.get('stock.availability')
        Line = pool.get('stock.availability.line')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop()
            self.move(product, loc['SUP'], loc['STO'], 4)
            line, = Line.search([('product', '=', product.id)])
            Line.write([line], {'quantity': 6})
            drifts = Availability.check_cache()
            self.assertEqual(len(drifts), 1)
            self.assertEqual(drifts[0][1:], (6, 4))
            with self.assertRaises(UserError):
                Availability.check_availability()
            self.assertEqual(Availability.rebuild(), 1)
            self.assertEqual(Availability.check_cache(), [])

    def setup_receipts(self, one_step=False):
        """Two IMEI products and two draft supplier shipments of the
        default warehouse; one step: straight into storage"""
        pool = Pool()
        Party = pool.get('party.party')
        Shipment = pool.get('stock.shipment.in')
        product, loc = self.setup_shop(tracking='imei')
        twin, _ = self.setup_shop(tracking='imei')
        supplier, = Party.create([{'name': "Supplier"}])
        warehouse = loc['WH']
        shipments = Shipment.create([{
                    'supplier': supplier.id,
                    'warehouse': warehouse.id,
                    'warehouse_input': (warehouse.storage_location.id
                        if one_step else warehouse.input_location.id),
                    'warehouse_storage': warehouse.storage_location.id,
                    } for _ in range(2)])
        return product, twin, warehouse, shipments

    def test_receipt_at_once_equals_orm_receipt(self):
        "The set-based receipt leaves the same states and cache as the ORM"
        for one_step in [False, True]:
            with self.subTest(one_step=one_step):
                self.check_receipt_at_once(one_step)

    @with_transaction(context={'_skip_warnings': True})
    def check_receipt_at_once(self, one_step):
        pool = Pool()
        Availability = pool.get('stock.availability')
        Shipment = pool.get('stock.shipment.in')
        company = create_company()
        with set_company(company):
            product, twin, warehouse, shipments = self.setup_receipts(
                one_step)
            orm, fast = shipments
            orm.add_units(product, serial_tools.receipt_rows(
                    serial_tools.imeis('35209011', 30)), Decimal('400'))
            Shipment.receive([orm])
            Shipment.do([orm])
            fast.receive_units_at_once(twin, serial_tools.receipt_rows(
                    serial_tools.imeis('35209012', 30)), Decimal('400'))

            snapshots = [serial_tools.receipt_snapshot(s) for s in shipments]
            for snapshot in snapshots:
                for values in snapshot['moves'] + snapshot['units']:
                    values.pop('product')
            self.assertEqual(serial_tools.snapshot_differences(*snapshots),
                [])
            self.assertEqual(len(snapshots[1]['moves']), 30 if one_step
                else 60)
            self.assertEqual({u['state'] for u in snapshots[1]['units']},
                {'available'})
            self.assertEqual(self.atp(product, warehouse), 30)
            self.assertEqual(self.atp(twin, warehouse), 30)

            def lines(item):
                Line = pool.get('stock.availability.line')
                return sorted((l.branch, l.ownership, l.state, l.quantity)
                    for l in Line.search([('product', '=', item.id)]))
            self.assertEqual(lines(product), lines(twin))
            self.assertEqual(Availability.check_cache(), [])

    @with_transaction()
    def test_receipt_at_once_warns_of_no_origin(self):
        "Without purchases, the set-based receipt warns as the ORM one"
        pool = Pool()
        Shipment = pool.get('stock.shipment.in')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, twin, _, (orm, fast) = self.setup_receipts()
            orm.add_units(product, serial_tools.receipt_rows(
                    serial_tools.imeis('35209011', 7)), Decimal('400'))
            with self.assertRaises(UserWarning) as orm_warning:
                Shipment.receive([orm])
            moves = Move.search([], count=True)
            with self.assertRaises(UserWarning) as fast_warning:
                fast.receive_units_at_once(twin, serial_tools.receipt_rows(
                        serial_tools.imeis('35209012', 7)), Decimal('400'))
            # The same five moves named, the same key for each receipt
            for warning in [orm_warning, fast_warning]:
                self.assertRegex(warning.exception.message,
                    r'^Stock moves "(1\xa0u Phone @ \d+, ){4}'
                    r'1\xa0u Phone @ \d+\.\.\." have no origin')
            self.assertEqual(Move.search([
                        ('state', '=', 'done'),
                        ('shipment', '=', str(fast))], count=True), 0)
            self.assertGreater(Move.search([], count=True), moves)

    @with_transaction(context={'_skip_warnings': True})
    def test_history(self):
        "Stock at a past date is rebuilt from the ledger"
        pool = Pool()
        History = pool.get('stock.availability.history')
        Move = pool.get('stock.move')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_shop()
            today = Date.today()
            import datetime as dt
            yesterday = today - dt.timedelta(days=1)
            move = self.move(product, loc['SUP'], loc['STO'], 4, do=False)
            Move.write([move], {'effective_date': yesterday})
            Move.do([move])
            self.move(product, loc['STO'], loc['CUS'], 1)
            with Transaction().set_context(stock_date_end=yesterday):
                rows = History.search([('product', '=', product.id)])
                self.assertEqual(
                    [(r.branch, r.state, r.quantity) for r in rows],
                    [(loc['WH'], 'available', 4)])
            rows = History.search([('product', '=', product.id)])
            self.assertEqual([r.quantity for r in rows], [3])


del ModuleTestCase
