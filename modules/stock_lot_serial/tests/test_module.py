# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.model.exceptions import (
    AccessButtonError, AccessError, SQLConstraintError)
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.stock_lot_serial.exceptions import (
    IdentifierDuplicateError, IdentifierValidationError, IdentityFrozenError,
    ReceiptImportError, SerialMoveError, TrackingChangeError)
from trytond.modules.stock_lot_serial.identifier import (
    imei_error, normalize)
from trytond.modules.stock_lot_serial.tests import tools
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

IMEI_1 = '490154203237518'
IMEI_2 = '356938035643809'
IMEI_3 = '352090119000011'
BAD_CHECK = '490154203237519'


class StockLotSerialTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Stock Lot Serial module"
    module = 'stock_lot_serial'

    def setup_shop(self, tracking='imei'):
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': 'Phone',
                    'type': 'goods',
                    'default_uom': unit.id,
                    'tracking': tracking,
                    'list_price': Decimal('500'),
                    'products': [('create', [{}])],
                    }])
        product, = template.products
        supplier, = Location.search([('code', '=', 'SUP')])
        storage, = Location.search([('code', '=', 'STO')])
        customer, = Location.search([('code', '=', 'CUS')])
        return product, supplier, storage, customer

    def move(self, product, lot, from_, to, quantity=1, price='400'):
        Move = Pool().get('stock.move')
        company = Transaction().context['company']
        move, = Move.create([{
                    'product': product.id,
                    'unit': product.default_uom.id,
                    'quantity': quantity,
                    'from_location': from_.id,
                    'to_location': to.id,
                    'lot': lot.id,
                    'company': company,
                    'unit_price': Decimal(price),
                    'currency': pool_company_currency(company),
                    }])
        return move

    def test_normalize(self):
        "Separators are stripped and letters upper-cased"
        self.assertEqual(normalize(' 49-015420.3237518 '), IMEI_1)
        self.assertEqual(normalize('ab 12/cd'), 'AB12CD')
        self.assertIsNone(normalize(' - '))
        self.assertIsNone(normalize(None))

    def test_imei_error(self):
        "An IMEI is 15 digits with a Luhn check digit"
        self.assertIsNone(imei_error(IMEI_1))
        self.assertEqual(imei_error(BAD_CHECK), 'checksum')
        self.assertEqual(imei_error(IMEI_1[:14]), 'length')
        self.assertEqual(imei_error(IMEI_1 + '0'), 'length')
        self.assertEqual(imei_error('49015420323751A'), 'digits')

    @with_transaction()
    def test_serialized_template_requires_lots_everywhere(self):
        "A serialized template requires a lot at every location type"
        company = create_company()
        with set_company(company):
            product, *_ = self.setup_shop()
            template = product.template
            self.assertEqual(set(template.lot_required), {
                    'supplier', 'customer', 'lost_found', 'storage',
                    'production'})
            self.assertEqual(template.lot_uom, template.default_uom)
            self.assertTrue(product.serialized)

    @with_transaction()
    def test_lot_identity(self):
        "The IMEI is normalised, validated and becomes the number"
        pool = Pool()
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            product, *_ = self.setup_shop()
            lot, = Lot.create([{
                        'product': product.id,
                        'imei': '49 015420 323751 8',
                        'imei2': IMEI_2,
                        }])
            self.assertEqual(lot.imei, IMEI_1)
            self.assertEqual(lot.number, IMEI_1)
            self.assertEqual(lot.unit_list_price, Decimal('500'))
            self.assertEqual(
                Lot.search([('rec_name', '=', '3569-3803-5643-809')]), [lot])
            self.assertEqual(Lot.find_by_code(IMEI_2), lot)

            for values, error in [
                    ({'imei': BAD_CHECK}, 'check digit'),
                    ({'imei': IMEI_1[:14]}, '15 digits'),
                    ({'number': 'X1'}, 'enter its IMEI'),
                    ({'imei': IMEI_3, 'imei2': IMEI_3}, 'IMEI 2'),
                    ]:
                with self.subTest(values=values):
                    with self.assertRaisesRegex(
                            IdentifierValidationError, error):
                        Lot.create([{'product': product.id, **values}])

    @with_transaction()
    def test_identifier_unique_across_fields(self):
        "An IMEI cannot identify two units, whichever field holds it"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Identifier = pool.get('stock.lot.identifier')
        company = create_company()
        with set_company(company):
            product, *_ = self.setup_shop()
            lot, = Lot.create([{
                        'product': product.id, 'imei': IMEI_1,
                        'imei2': IMEI_2}])
            with self.assertRaisesRegex(IdentifierDuplicateError, IMEI_2):
                Lot.create([{'product': product.id, 'imei': IMEI_2}])
            with self.assertRaisesRegex(IdentifierDuplicateError, IMEI_1):
                Lot.create([{
                            'product': product.id, 'imei': IMEI_3,
                            'imei2': IMEI_1}])
            # The database refuses it even when Python checks are skipped
            other, = Lot.create([{'product': product.id, 'imei': IMEI_3}])
            with self.assertRaises(SQLConstraintError):
                Identifier.create([{
                            'lot': other.id, 'kind': 'imei',
                            'code': IMEI_2}])

    @with_transaction()
    def test_unit_moves(self):
        "The unit follows its moves and never sits in two places"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, supplier, storage, customer = self.setup_shop()
            lot, = Lot.create([{'product': product.id, 'imei': IMEI_1}])

            receipt = self.move(product, lot, supplier, storage)
            Move.do([receipt])
            lot = Lot(lot.id)
            self.assertEqual(lot.current_location, storage)
            self.assertEqual(lot.current_warehouse, storage.warehouse)
            self.assertEqual(lot.owner, company.party)
            self.assertEqual(lot.unit_cost, Decimal('400'))
            self.assertEqual(lot.supplier_move, receipt)

            second = self.move(product, lot, supplier, storage)
            with self.assertRaisesRegex(SerialMoveError, 'not at "'):
                Move.do([second])
            wrong = self.move(product, lot, customer, storage)
            with self.assertRaisesRegex(SerialMoveError, 'not at'):
                Move.do([wrong])
            double = self.move(product, lot, storage, customer, quantity=2)
            with self.assertRaisesRegex(SerialMoveError, 'exactly 1'):
                Move.do([double])
            self.assertEqual(Lot(lot.id).current_location, storage)

            sale = self.move(product, lot, storage, customer)
            Move.do([sale])
            self.assertEqual(Lot(lot.id).current_location, customer)
            self.assertEqual(
                [m.id for m in Lot(lot.id).history], [receipt.id, sale.id])

    @with_transaction()
    def test_new_unit_cannot_leave_storage(self):
        "A unit never received cannot leave a storage location"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, supplier, storage, customer = self.setup_shop()
            lot, = Lot.create([{'product': product.id, 'imei': IMEI_1}])
            move = self.move(product, lot, storage, customer)
            with self.assertRaisesRegex(SerialMoveError, 'receive it first'):
                Move.do([move])

    @with_transaction()
    def test_identity_frozen_after_move(self):
        "Identity and cost change only through an audited correction"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Correct = pool.get('stock.lot.correct_identity', type='wizard')
        company = create_company()
        with set_company(company):
            product, supplier, storage, _ = self.setup_shop()
            lot, = Lot.create([{'product': product.id, 'imei': IMEI_1}])
            Lot.write([lot], {'imei2': IMEI_2})  # no move yet
            Move.do([self.move(product, lot, supplier, storage)])
            for values in [{'imei': IMEI_3}, {'unit_cost': Decimal(1)}]:
                with self.assertRaises(IdentityFrozenError):
                    Lot.write([lot], values)
            Lot.write([lot], {'battery_health': 91})

            session_id, _, _ = Correct.create()
            with Transaction().set_context(
                    active_model='stock.lot', active_id=lot.id,
                    active_ids=[lot.id]):
                correct = Correct(session_id)
                correct.start.imei = IMEI_3
                correct.start.imei2 = IMEI_2
                correct.start.meid = None
                correct.start.serial = None
                correct.start.unit_cost = Decimal('400')
                correct.start.reason = "Misread at receipt"
                correct.transition_correct()
            lot = Lot(lot.id)
            self.assertEqual((lot.imei, lot.number), (IMEI_3, IMEI_3))
            # Nor an empty cost, nor no unit at all (issue 27)
            for unit_cost in [None, Decimal(-1)]:
                session_id, _, _ = Correct.create()
                with Transaction().set_context(
                        active_model='stock.lot', active_id=lot.id,
                        active_ids=[lot.id]):
                    correct = Correct(session_id)
                    for name, value in correct.default_start(None).items():
                        setattr(correct.start, name, value)
                    correct.start.unit_cost = unit_cost
                    correct.start.reason = "Typo"
                    with self.assertRaisesRegex(
                            IdentifierValidationError, IMEI_3):
                        correct.transition_correct()
            self.assertEqual(Lot(lot.id).unit_cost, Decimal('400'))
            session_id, _, _ = Correct.create()
            with self.assertRaisesRegex(
                    IdentifierValidationError, 'needs a unit'):
                Correct(session_id).default_start(None)
            correction, = lot.corrections
            self.assertEqual(
                (correction.field, correction.old_value,
                    correction.new_value),
                ('imei', IMEI_1, IMEI_3))
            self.assertEqual(Lot.find_by_code(IMEI_3), lot)
            self.assertIsNone(Lot.find_by_code(IMEI_1))
            with self.assertRaises(AccessError):
                pool.get('stock.lot.correction').delete([correction])

            # Started without its button, the wizard checks its group
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            stock_group = ModelData.get_id('stock', 'group_stock')
            clerk, = User.create([{
                        'login': 'clerk',
                        'name': "Clerk",
                        'groups': [('add', [stock_group])],
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        }])
            for user, refused in [(clerk, True), (None, False)]:
                with Transaction().set_user(user.id if user else 1), \
                        Transaction().set_context(
                            _check_access=True, active_model='stock.lot',
                            active_id=lot.id, active_ids=[lot.id]):
                    if refused:
                        with self.assertRaisesRegex(
                                AccessError, 'correct_identity'):
                            Correct.check_access()
                    else:
                        Correct.check_access()

    @with_transaction()
    def test_tracking_change_refused_with_moves(self):
        "A product's tracking cannot change once it has moves"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            product, supplier, storage, _ = self.setup_shop()
            Template.write([product.template], {'tracking': 'serial'})
            Template.write([product.template], {'tracking': 'imei'})
            lot, = Lot.create([{'product': product.id, 'imei': IMEI_1}])
            self.move(product, lot, supplier, storage)
            with self.assertRaisesRegex(TrackingChangeError, 'Phone'):
                Template.write([product.template], {'tracking': 'batch'})

    @with_transaction()
    def test_receipt_import_reports_every_bad_line(self):
        "A receipt with bad lines reports them all and creates nothing"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Shipment = pool.get('stock.shipment.in')
        company = create_company()
        with set_company(company):
            product, supplier, storage, _ = self.setup_shop()
            in_stock, = Lot.create([{'product': product.id, 'imei': IMEI_3}])
            Move.do([self.move(product, in_stock, supplier, storage)])
            shipment = self.receipt_shipment(storage.warehouse)
            rows = [
                (2, IMEI_1, {'imei': IMEI_1, 'grade': 'new'}),
                (3, BAD_CHECK, {'imei': BAD_CHECK}),
                (4, IMEI_1, {'imei': IMEI_1}),
                (5, IMEI_3, {'imei': IMEI_3}),
                (6, IMEI_2, {'imei': IMEI_2, 'battery_health': '120'}),
                (7, IMEI_2, {'imei2': IMEI_2, 'grade': 'shiny'}),
                ]
            lots_before = Lot.search([], count=True)
            with self.assertRaises(ReceiptImportError) as raised:
                shipment.add_units(product, rows, Decimal('400'))
            message = raised.exception.message
            for expected in [
                    'Line 3: IMEI "%s" has a wrong check digit' % BAD_CHECK,
                    'Line 4: "%s" is a duplicate of line 2' % IMEI_1,
                    'Line 5: unit "%s" is already in stock' % IMEI_3,
                    'Line 6: battery health "120"',
                    'Line 7: the IMEI is missing.',
                    ]:
                self.assertIn(expected, message)
            self.assertNotIn('Line 2:', message)
            self.assertIn('5 lines are wrong', message)
            self.assertEqual(Lot.search([], count=True), lots_before)
            self.assertEqual(Shipment(shipment.id).incoming_moves, ())

            moves = shipment.add_units(product, rows[:1], Decimal('400'))
            move, = moves
            self.assertEqual(move.lot.imei, IMEI_1)
            self.assertEqual(move.lot.grade.code, 'new')
            self.assertEqual(move.from_location, shipment.supplier_location)

    def receipt_shipment(self, warehouse, supplier=None):
        pool = Pool()
        Shipment = pool.get('stock.shipment.in')
        Party = pool.get('party.party')
        if supplier is None:
            supplier, = Party.create([{'name': 'Supplier'}])
        shipment, = Shipment.create([{
                    'supplier': supplier.id,
                    'warehouse': warehouse.id,
                    'warehouse_input': warehouse.input_location.id,
                    'warehouse_storage': warehouse.storage_location.id,
                    }])
        return shipment

    @with_transaction()
    def test_receipt_at_once_equals_orm_receipt(self):
        "The set-based receipt leaves what add_units, receive and do leave"
        pool = Pool()
        Shipment = pool.get('stock.shipment.in')
        Template = pool.get('product.template')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, supplier, storage, customer = self.setup_shop()
            Template.write([product.template], {
                    'cost_price_method': 'average',
                    })
            twin, = Template.copy([product.template])
            twin = twin.products[0]
            for item in [product, twin]:
                item.cost_price = Decimal('90')
                item.save()
            warehouse = storage.warehouse
            # A unit sent back to the supplier earlier comes back.
            old, old_twin = Lot.create([
                    {'product': product.id, 'imei': IMEI_1},
                    {'product': twin.id, 'imei': IMEI_2}])
            for lot, item in [(old, product), (old_twin, twin)]:
                Move.do([self.move(item, lot, supplier, storage)])
                Move.do([self.move(item, lot, storage, supplier)])
            orm_codes = [IMEI_1] + tools.imeis('35209011', 40)
            fast_codes = [IMEI_2] + tools.imeis('35209012', 40)

            orm = self.receipt_shipment(warehouse)
            orm.add_units(product, tools.receipt_rows(orm_codes),
                Decimal('400'))
            Shipment.receive([orm])
            Shipment.do([orm])

            fast = self.receipt_shipment(warehouse, orm.supplier)
            # A small record cache makes the fast path work in 5 slices.
            with Transaction().set_context(_record_cache_size=40):
                incoming = fast.receive_units_at_once(
                    twin, tools.receipt_rows(fast_codes), Decimal('400'))

            self.assertEqual(len(incoming), 41)
            orm_snapshot = tools.receipt_snapshot(orm)
            fast_snapshot = tools.receipt_snapshot(fast)
            for snapshot in [orm_snapshot, fast_snapshot]:
                for values in snapshot['moves'] + snapshot['units']:
                    values.pop('product')
            self.assertEqual(
                tools.snapshot_differences(orm_snapshot, fast_snapshot), [])
            self.assertEqual(orm_snapshot, fast_snapshot)
            self.assertEqual(Shipment(fast.id).state, 'done')
            self.assertNotEqual(
                product.template.__class__(product.template.id).cost_price,
                Decimal('90'))
            self.assertEqual(
                product.__class__(product.id).cost_price,
                twin.__class__(twin.id).cost_price)
            unit = Lot.find_by_code(fast_codes[5])
            self.assertEqual(unit.current_location, storage)
            self.assertEqual(unit.unit_cost, Decimal('137.5'))
            self.assertEqual(Lot.find_by_code(IMEI_2), old_twin)

    @with_transaction()
    def test_receipt_at_once_refusals_change_nothing(self):
        "Bad lines, or a shipment with moves, leave the database as it was"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, supplier, storage, _ = self.setup_shop()
            shipment = self.receipt_shipment(storage.warehouse)
            codes = tools.imeis('35209011', 3)
            lots, moves = Lot.search([], count=True), Move.search(
                [], count=True)
            rows = tools.receipt_rows(codes) + [
                (9, BAD_CHECK, {'imei': BAD_CHECK})]
            with self.assertRaises(ReceiptImportError) as raised:
                shipment.receive_units_at_once(product, rows, Decimal('1'))
            self.assertIn('Line 9: IMEI "%s"' % BAD_CHECK,
                raised.exception.message)
            self.assertEqual(Lot.search([], count=True), lots)
            self.assertEqual(Move.search([], count=True), moves)

            shipment.add_units(product, tools.receipt_rows(codes[:1]),
                Decimal('1'))
            with self.assertRaises(ReceiptImportError) as raised:
                shipment.receive_units_at_once(
                    product, tools.receipt_rows(codes[1:]), Decimal('1'))
            self.assertIn('already has moves', raised.exception.message)
            self.assertEqual(Lot.search([], count=True), lots + 1)

    @with_transaction()
    def test_receipt_at_once_needs_the_receive_buttons(self):
        "A user who may not press Complete may not receive at once"
        pool = Pool()
        Button = pool.get('ir.model.button')
        Group = pool.get('res.group')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            product, supplier, storage, _ = self.setup_shop()
            shipment = self.receipt_shipment(storage.warehouse)
            button, = Button.search([
                    ('model', '=', 'stock.shipment.in'),
                    ('name', '=', 'do'),
                    ])
            group, = Group.create([{'name': "Receipt Supervisors"}])
            Button.write([button], {'groups': [('add', [group.id])]})
            lots = Lot.search([], count=True)
            with Transaction().set_user(1), \
                    Transaction().set_context(_check_access=True), \
                    self.assertRaises(AccessButtonError):
                shipment.receive_units_at_once(product, tools.receipt_rows(
                        tools.imeis('35209011', 2)), Decimal('1'))
            self.assertEqual(Lot.search([], count=True), lots)

            # With the button open to them, stock users receive at once
            # with every access check on.
            Button.write([button], {'groups': [('remove', [group.id])]})
            with Transaction().set_user(1), \
                    Transaction().set_context(_check_access=True):
                shipment.receive_units_at_once(product, tools.receipt_rows(
                        tools.imeis('35209011', 2)), Decimal('1'))
            self.assertEqual(Lot.search([], count=True), lots + 2)

    @with_transaction()
    def test_scans_match_printed_labels(self):
        "Batch numbers and product codes match as printed, then normalized"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            product, _, _, _ = self.setup_shop(tracking='batch')
            Template.write([product.template], {'code': 'CASE-X.1'})
            dashed, spaced, twin_a, twin_b = Lot.create([
                    {'product': product.id, 'number': 'PB-2406-AP'},
                    {'product': product.id, 'number': 'pb 2407'},
                    {'product': product.id, 'number': 'TW-1'},
                    {'product': product.id, 'number': 'TW.1'},
                    ])
            for code, lot in [
                    ('PB-2406-AP', dashed), (' PB-2406-AP ', dashed),
                    ('pb2406ap', dashed), ('PB 2406 AP', dashed),
                    ('PB-2407', spaced), ('TW-1', twin_a), ('TW.1', twin_b),
                    # Normalized, the twins are one code: no guess
                    ('TW1', None), ('PB-2406', None)]:
                with self.subTest(code=code):
                    self.assertEqual(Lot.find_by_code(code), lot)

            resolved, unknown = Lot.resolve_scans([
                    ('PB-2406-AP', 2), ('case-x-1', 3), ('CASE-X.1', 1),
                    ('NO-SUCH', 1)])
            self.assertEqual(
                [(q, l, p) for _, q, l, p in resolved],
                [(2, dashed, product), (3, None, product),
                    (1, None, product)])
            self.assertEqual(unknown, ['NOSUCH'])

    @with_transaction()
    def test_scan_log_append_only(self):
        "Scans are stored and cannot be changed"
        pool = Pool()
        Scan = pool.get('stock.lot.scan')
        company = create_company()
        with set_company(company):
            Scan.record('test', [('123', 'not_found', None, None)])
            scan, = Scan.search([('code', '=', '123')])
            self.assertEqual(scan.company, company)
            self.assertEqual(scan.user.id, Transaction().user)
            with self.assertRaises(AccessError):
                Scan.write([scan], {'code': '456'})
            with self.assertRaises(AccessError):
                Scan.delete([scan])


def pool_company_currency(company_id):
    return Pool().get('company.company')(company_id).currency.id


del ModuleTestCase
