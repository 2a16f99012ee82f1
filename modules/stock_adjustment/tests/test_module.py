# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.model.modelstorage import RequiredValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.stock_adjustment.exceptions import (
    AdjustmentApprovalError, AdjustmentError, AdjustmentLineError,
    CountError, DefectError)
from trytond.modules.stock_branch.exceptions import BranchAccessError
from trytond.modules.stock_lot_serial.tests.tools import imeis
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class StockAdjustmentTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Stock Adjustment module"
    module = 'stock_adjustment'

    def setup_stock(self, company):
        """Two branches, 10 cables and a phone in A's storage; return
        (branches, cable, phone unit)"""
        pool = Pool()
        CreateBranch = pool.get('stock.branch.create', type='wizard')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        a, b = [CreateBranch.create_branch(name=f"Branch {c}", code=c)
            for c in 'AB']
        unit, = Uom.search([('name', '=', 'Unit')])
        cable, phone = Template.create([{
                    'name': name, 'type': 'goods', 'default_uom': unit.id,
                    'tracking': tracking,
                    'products': [('create', [{'cost_price': cost}])],
                    } for name, tracking, cost in [
                    ("Cable", 'none', Decimal('3')),
                    ("Phone", 'imei', Decimal('400'))]])
        cable, = cable.products
        phone, = phone.products
        lot, = Lot.create([{
                    'product': phone.id,
                    'imei': imeis('35209011', 1)[0],
                    }])
        supplier, = Location.search([('code', '=', 'SUP')])
        moves = Move.create([{
                    'product': product.id, 'unit': unit.id,
                    'quantity': quantity, 'lot': lot_id,
                    'from_location': supplier.id,
                    'to_location': a.storage_location.id,
                    'unit_price': price, 'currency': company.currency.id,
                    'company': company.id,
                    } for product, quantity, lot_id, price in [
                    (cable, 10, None, Decimal('3')),
                    (phone, 1, lot.id, Decimal('400'))]])
        with Transaction().set_context(_skip_warnings=True):
            Move.do(moves)
        return (a, b), cable, Lot(lot.id)

    def reason(self, code):
        Reason = Pool().get('stock.adjustment.reason')
        reason, = Reason.search([('code', '=', code)])
        return reason

    def create_user(self, company, login, branches):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        group = ModelData.get_id('stock', 'group_stock')
        user, = User.create([{
                    'name': login, 'login': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'branches': [('add', [b.id for b in branches])],
                    'groups': [('add', [group])],
                    }])
        return user

    def adjust(self, company, branch, lines):
        Adjustment = Pool().get('stock.adjustment')
        adjustment, = Adjustment.create([{
                    'company': company.id,
                    'warehouse': branch.id,
                    'location': branch.storage_location.id,
                    'lines': [('create', lines)],
                    }])
        return adjustment

    @with_transaction()
    def test_reasons(self):
        "The standard reason codes exist with their target and approval"
        pool = Pool()
        Reason = pool.get('stock.adjustment.reason')
        self.assertEqual({(r.code, r.target, r.approval)
                for r in Reason.search([])}, {
                ('DAMAGE', 'scrap', False),
                ('THEFT', 'lost_found', True),
                ('FOUND', 'lost_found', False),
                ('EXPIRY', 'scrap', False),
                ('CORRECTION', 'lost_found', True),
                ('DEMO', 'lost_found', False),
                ('WRITEOFF', 'scrap', True)})

    @with_transaction()
    def test_confirm_moves_with_before_and_after(self):
        "Confirming moves the stock to and from the reasons' locations"
        pool = Pool()
        Adjustment = pool.get('stock.adjustment')
        Product = pool.get('product.product')
        company = create_company()
        with set_company(company):
            (a, _), cable, _ = self.setup_stock(company)
            adjustment = self.adjust(company, a, [
                    {'product': cable.id, 'quantity': -3,
                        'reason': self.reason('DAMAGE').id},
                    {'product': cable.id, 'quantity': 2,
                        'reason': self.reason('FOUND').id,
                        'note': "Behind the counter"},
                    {'product': cable.id, 'quantity': -1,
                        'reason': self.reason('DEMO').id},
                    ])
            self.assertTrue(adjustment.number.startswith('ADJ'))
            self.assertEqual(adjustment.value, Decimal('18.00'))
            self.assertFalse(adjustment.needs_approval)
            Adjustment.confirm([adjustment])
            adjustment = Adjustment(adjustment.id)
            self.assertEqual(adjustment.state, 'confirmed')
            self.assertEqual([(
                        l.quantity_before, l.quantity_after,
                        l.move.from_location, l.move.to_location,
                        l.move.state, l.move.origin)
                    for l in adjustment.lines], [
                    (10, 7, a.storage_location, a.scrap_location, 'done',
                        adjustment.lines[0]),
                    (7, 9, a.lost_found_location, a.storage_location, 'done',
                        adjustment.lines[1]),
                    (9, 8, a.storage_location, a.lost_found_location,
                        'done', adjustment.lines[2])])
            with Transaction().set_context(locations=[a.id]):
                self.assertEqual(Product(cable.id).quantity, 8)
            self.assertEqual(
                [l.unit_cost for l in adjustment.lines], [Decimal(3)] * 3)

    @with_transaction()
    def test_bad_lines_change_nothing(self):
        "A line without reason, of nothing or of too much is refused"
        pool = Pool()
        Adjustment = pool.get('stock.adjustment')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            (a, _), cable, unit = self.setup_stock(company)
            with self.assertRaisesRegex(AdjustmentLineError, 'nothing'):
                self.adjust(company, a, [{
                            'product': cable.id, 'quantity': 0,
                            'reason': self.reason('DAMAGE').id}])
            with self.assertRaisesRegex(AdjustmentLineError, 'unit'):
                self.adjust(company, a, [{
                            'product': unit.product.id, 'quantity': -1,
                            'reason': self.reason('THEFT').id}])
            moves = Move.search_count([])
            adjustment = self.adjust(company, a, [
                    {'product': cable.id, 'quantity': -6,
                        'reason': self.reason('DAMAGE').id},
                    {'product': cable.id, 'quantity': -6,
                        'reason': self.reason('EXPIRY').id}])
            with self.assertRaisesRegex(AdjustmentError, 'more than the 10'):
                Adjustment.confirm([adjustment])
            self.assertEqual(Move.search_count([]), moves)
            self.assertEqual(Adjustment(adjustment.id).state, 'draft')
            # Last: PostgreSQL ends the transaction on the NOT NULL
            with self.assertRaises(RequiredValidationError):
                self.adjust(company, a, [
                        {'product': cable.id, 'quantity': -1}])

    @with_transaction()
    def test_approval_by_a_second_user(self):
        "Above the threshold or for such a reason, a second user confirms"
        pool = Pool()
        Adjustment = pool.get('stock.adjustment')
        Configuration = pool.get('stock.configuration')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            (a, _), cable, unit = self.setup_stock(company)
            clerk = self.create_user(company, 'clerk', [a])
            manager = self.create_user(company, 'manager', [a])
            Configuration.write([Configuration(1)], {
                    'adjustment_approval_threshold': Decimal('20')})
            small = self.adjust(company, a, [{
                        'product': cable.id, 'quantity': -2,
                        'reason': self.reason('DAMAGE').id}])
            stolen = self.adjust(company, a, [{
                        'product': unit.product.id, 'lot': unit.id,
                        'quantity': -1,
                        'reason': self.reason('DAMAGE').id}])
            big = self.adjust(company, a, [{
                        'product': cable.id, 'quantity': -1,
                        'reason': self.reason('WRITEOFF').id}])
            self.assertEqual(
                [x.needs_approval for x in [small, stolen, big]],
                [False, True, True])

            def confirm(user, adjustment):
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_check_access=True):
                    Adjustment.confirm([Adjustment(adjustment.id)])
                return Adjustment(adjustment.id)

            self.assertEqual(confirm(clerk, small).state, 'confirmed')
            self.assertEqual(confirm(clerk, stolen).state, 'draft')
            with self.assertRaisesRegex(AdjustmentApprovalError, 'another'):
                confirm(clerk, stolen)
            stolen = confirm(manager, stolen)
            self.assertEqual(
                (stolen.state, stolen.requested_by, stolen.confirmed_by),
                ('confirmed', clerk, manager))
            self.assertEqual(Lot(unit.id).current_location, a.scrap_location)
            self.assertEqual(confirm(manager, big).state, 'draft')
            self.assertEqual(confirm(clerk, big).state, 'confirmed')

    @with_transaction()
    def test_branch_isolation(self):
        "A clerk adjusts and sees only the stock of their branches"
        pool = Pool()
        Adjustment = pool.get('stock.adjustment')
        Line = pool.get('stock.adjustment.line')
        company = create_company()
        with set_company(company):
            (a, b), cable, _ = self.setup_stock(company)
            clerk = self.create_user(company, 'clerk', [a])
            at_b = self.adjust(company, b, [{
                        'product': cable.id, 'quantity': 1,
                        'reason': self.reason('FOUND').id}])
            with Transaction().set_user(clerk.id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(Adjustment.search([]), [])
                self.assertEqual(Line.search([]), [])
                # Export once returned another branch's lines (issue 27)
                for fields_names in [
                        ['product', 'quantity', 'reason'],
                        ['adjustment/warehouse'], ['id']]:
                    with self.assertRaises(AccessError):
                        Line.export_data(
                            Line.browse([l.id for l in at_b.lines]),
                            fields_names)
                with self.assertRaises(AccessError):
                    Adjustment.export_data(
                        [Adjustment(at_b.id)], ['lines/product'])
                self.assertEqual(Line.export_data_domain(
                        [], ['product', 'quantity']), [])
                with self.assertRaisesRegex(BranchAccessError, 'Branch B'):
                    self.adjust(company, b, [{
                                'product': cable.id, 'quantity': 1,
                                'reason': self.reason('FOUND').id}])
                mine = self.adjust(company, a, [{
                            'product': cable.id, 'quantity': 1,
                            'reason': self.reason('FOUND').id}])
                self.assertEqual(Adjustment.search([]), [mine])
            self.assertEqual(Adjustment(at_b.id).state, 'draft')

    @with_transaction()
    def test_mark_defective(self):
        "A defective unit goes to rework, then to scrap, for good"
        pool = Pool()
        Defect = pool.get('stock.lot.defect')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            (a, _), _, unit = self.setup_stock(company)
            damage = self.reason('DAMAGE')
            defect, = Defect.mark([unit], 'rework', damage, note="No boot")
            unit = Lot(unit.id)
            self.assertEqual(
                (unit.current_location, unit.state, unit.rework_count),
                (a.repair_location, 'under_repair', 1))
            self.assertEqual(
                (defect.move.origin, defect.move.state, defect.warehouse),
                (defect, 'done', a))
            with self.assertRaisesRegex(DefectError, 'Rework'):
                Defect.mark([unit], 'rework', damage)
            Defect.mark([unit], 'scrap', damage, note="Board dead")
            unit = Lot(unit.id)
            self.assertEqual(
                (unit.current_location, unit.state, unit.rework_count),
                (a.scrap_location, 'scrapped', 1))
            moves = Move.search_count([])
            with self.assertRaisesRegex(DefectError, 'scrapped'):
                Defect.mark([unit], 'rework', damage)
            self.assertEqual(Move.search_count([]), moves)
            self.assertEqual(
                [d.action for d in Lot(unit.id).defects], ['scrap', 'rework'])

    def receive_units(self, company, product, location, count, prefix):
        "Receive count new units of product into location; return them"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Location = pool.get('stock.location')
        supplier, = Location.search([('code', '=', 'SUP')])
        lots = Lot.create([{'product': product.id, 'imei': imei}
                for imei in imeis(prefix, count)])
        self.move(company, lots, supplier, location)
        return Lot.browse(lots)

    def move(self, company, lots, from_location, to_location,
            product=None, quantity=1):
        "Do a move of each unit, or of quantity of product"
        pool = Pool()
        Move = pool.get('stock.move')
        if product:
            items = [(product, None, quantity)]
        else:
            items = [(l.product, l, 1) for l in lots]
        moves = Move.create([{
                    'product': product.id, 'lot': lot.id if lot else None,
                    'unit': product.default_uom.id, 'quantity': quantity,
                    'from_location': from_location.id,
                    'to_location': to_location.id,
                    'unit_price': Decimal('1'),
                    'currency': company.currency.id,
                    'company': company.id,
                    } for product, lot, quantity in items])
        with Transaction().set_context(_skip_warnings=True):
            Move.do(moves)

    def count(self, company, branch, **values):
        Inventory = Pool().get('stock.inventory')
        inventory, = Inventory.create([{
                    'company': company.id,
                    'location': branch.storage_location.id,
                    'empty_quantity': 'empty',
                    **values,
                    }])
        return inventory

    def quantity(self, product, location):
        Product = Pool().get('product.product')
        with Transaction().set_context(locations=[location.id]):
            return Product(product.id).quantity

    @with_transaction()
    def test_blind_count_by_scan(self):
        "A blind scan count finds missing, unexpected and short stock"
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Line = pool.get('stock.inventory.line')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Product = pool.get('product.product')
        Case = pool.get('stock.shrinkage.case')
        company = create_company()
        with set_company(company):
            (a, b), cable, missing = self.setup_stock(company)
            Product.write([cable], {'suffix_code': 'CABLE'})
            elsewhere, = self.receive_units(
                company, missing.product, b.storage_location, 1, '35209012')
            inventory = self.count(company, a, blind=True)
            Inventory.start_count([inventory])
            inventory = Inventory(inventory.id)
            self.assertEqual(inventory.state, 'counting')
            self.assertEqual(inventory.lines, ())
            self.assertEqual(
                {(s.product, s.lot, s.quantity) for s in inventory.snapshot},
                {(cable, None, 10), (missing.product, missing, 1)})

            with self.assertRaisesRegex(CountError, 'counts nothing'):
                Inventory.count_scanned(inventory, [('CABLE', 0)])
            self.assertEqual(Inventory(inventory.id).lines, ())
            Inventory.count_scanned(inventory, [
                    ('CABLE', 5), (elsewhere.imei, 1), ('NO-SUCH-CODE', 1)])
            Inventory.count_scanned(inventory, [
                    ('CABLE', 3), (elsewhere.imei, 1)])
            inventory = Inventory(inventory.id)
            self.assertEqual(
                {(l.product, l.lot, l.quantity, l.expected_quantity)
                    for l in inventory.lines},
                {(cable, None, 8, 0), (elsewhere.product, elsewhere, 1, 0)})
            self.assertEqual(
                [u.code for u in inventory.unknown_codes], ['NOSUCHCODE'])

            Inventory.close_count([inventory])
            inventory = Inventory(inventory.id)
            self.assertEqual(
                {(l.lot or l.product, l.expected_quantity, l.quantity,
                    l.variance, l.result) for l in inventory.lines},
                {(cable, 10, 8, -2, 'short'),
                    (missing, 1, 0, -1, 'missing'),
                    (elsewhere, 0, 1, 1, 'unexpected')})
            line_unexpected, = [
                l for l in inventory.lines if l.result == 'unexpected']
            self.assertEqual(
                line_unexpected.recorded_location, b.storage_location)
            self.assertEqual(
                (inventory.expected_total, inventory.counted_total,
                    inventory.matched_total, inventory.accuracy),
                (11, 9, 8, round(8 / 11, 4)))
            self.assertTrue(inventory.needs_approval)

            moves = Move.search_count([])
            with self.assertRaisesRegex(CountError, 'choose its reason'):
                Inventory.confirm([inventory])
            reasons = {'short': 'DAMAGE', 'missing': 'THEFT',
                'unexpected': 'CORRECTION'}
            for line in inventory.lines:
                Line.write([line], {
                        'reason': self.reason(reasons[line.result]).id})
            with self.assertRaisesRegex(CountError, 'approve'):
                Inventory.confirm([Inventory(inventory.id)])
            self.assertEqual(Move.search_count([]), moves)
            self.assertEqual(Inventory(inventory.id).state, 'counted')

            Inventory.approve([inventory])
            Inventory.confirm([Inventory(inventory.id)])
            inventory = Inventory(inventory.id)
            self.assertEqual(inventory.state, 'done')
            self.assertEqual(self.quantity(cable, a.storage_location), 8)
            self.assertEqual(self.quantity(cable, a.scrap_location), 2)
            self.assertEqual(
                Lot(missing.id).current_location, a.lost_found_location)
            self.assertEqual(
                Lot(elsewhere.id).current_location, b.storage_location)
            self.assertEqual(line_unexpected.moves, ())

            case, = inventory.shrinkage_cases
            self.assertEqual(
                (case.lot, case.branch, case.state, case.quantity),
                (missing, a, 'open', 1))
            Case.find([case])
            self.assertEqual(Case(case.id).state, 'found')
            self.assertEqual(
                Lot(missing.id).current_location, a.quarantine_location)

    @with_transaction()
    def test_count_respects_moves_after_start(self):
        "Moves done while counting settle their variances"
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Lot = pool.get('stock.lot')
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            (a, _), cable, sold = self.setup_stock(company)
            customer, = Location.search([('code', '=', 'CUS')])
            inventory = self.count(company, a)
            Inventory.start_count([inventory])
            inventory = Inventory(inventory.id)
            self.assertEqual(
                {(l.lot or l.product, l.expected_quantity, l.quantity)
                    for l in inventory.lines},
                {(cable, 10, None), (sold, 1, None)})
            # The counter counts the cables, then two are sold
            cable_line, = [l for l in inventory.lines if not l.lot]
            cable_line.quantity = 10
            cable_line.save()
            self.move(company, [], a.storage_location, customer,
                product=cable, quantity=2)
            # A unit is sold before it is scanned, one arrives and is
            self.move(company, [sold], a.storage_location, customer)
            arrived, = self.receive_units(
                company, sold.product, a.storage_location, 1, '35209013')
            Inventory.count_scanned(inventory, [(arrived.imei, 1)])

            Inventory.close_count([inventory])
            inventory = Inventory(inventory.id)
            self.assertEqual(
                {(l.lot or l.product, l.result, l.moved_since)
                    for l in inventory.lines},
                {(cable, 'match', False), (sold, 'missing', True),
                    (arrived, 'unexpected', True)})
            for line in inventory.lines:
                if line.variance:
                    line.reason = self.reason('CORRECTION')
                    line.save()
            Inventory.approve([inventory])
            Inventory.confirm([Inventory(inventory.id)])
            inventory = Inventory(inventory.id)
            self.assertEqual(inventory.state, 'done')
            self.assertEqual([l.moves for l in inventory.lines], [()] * 3)
            self.assertEqual(inventory.shrinkage_cases, ())
            self.assertEqual(self.quantity(cable, a.storage_location), 8)
            self.assertEqual(Lot(sold.id).current_location, customer)
            self.assertEqual(
                Lot(arrived.id).current_location, a.storage_location)

    @with_transaction()
    def test_count_tolerance(self):
        "A variance within the category's tolerance needs no approval"
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Category = pool.get('product.category')
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            (a, _), cable, _ = self.setup_stock(company)
            accessories, = Category.create([{
                        'name': "Accessories", 'count_tolerance': 2,
                        'childs': [('create', [{'name': "Cables"}])],
                        }])
            cables, = accessories.childs
            Template.write([cable.template], {
                    'categories': [('add', [cables.id])]})
            inventory = self.count(company, a, category=accessories.id)
            Inventory.start_count([inventory])
            inventory = Inventory(inventory.id)
            self.assertEqual(
                [(l.product, l.expected_quantity) for l in inventory.lines],
                [(cable, 10)])
            line, = inventory.lines
            line.quantity = 8
            line.save()
            Inventory.close_count([inventory])
            line, = Inventory(inventory.id).lines
            self.assertEqual(
                (line.variance, line.over_tolerance), (-2, False))
            self.assertFalse(Inventory(inventory.id).needs_approval)
            Inventory.recount([inventory])
            line.quantity = 7
            line.save()
            Inventory.close_count([inventory])
            self.assertTrue(Inventory(inventory.id).needs_approval)
            Category.write([cables], {'count_tolerance': 5})
            self.assertFalse(Inventory(inventory.id).needs_approval)
            line.reason = self.reason('DAMAGE')
            line.save()
            Inventory.confirm([Inventory(inventory.id)])
            self.assertEqual(self.quantity(cable, a.storage_location), 7)

    @with_transaction()
    def test_count_lines_frozen(self):
        "Quantities change only while counting, reasons until confirmed"
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Line = pool.get('stock.inventory.line')
        Snapshot = pool.get('stock.inventory.snapshot')
        company = create_company()
        with set_company(company):
            (a, b), cable, _ = self.setup_stock(company)
            clerk = self.create_user(company, 'clerk', [a])
            inventory = self.count(company, a)
            Inventory.start_count([inventory])
            Inventory.close_count([inventory])
            inventory = Inventory(inventory.id)
            line, = [l for l in inventory.lines if not l.lot]
            with Transaction().set_user(clerk.id), \
                    Transaction().set_context(_check_access=True):
                Line.write([line], {'reason': self.reason('DAMAGE').id})
                with self.assertRaisesRegex(AccessError, 'can no longer'):
                    Line.write([line], {'quantity': 4})
                with self.assertRaises(AccessError):
                    Snapshot.search([])
            self.assertEqual(Line(line.id).quantity, 0)
            with self.assertRaises(AccessError):
                with Transaction().set_context(_check_access=True):
                    Snapshot.write(list(inventory.snapshot), {'quantity': 3})

            other = self.count(company, b)
            Inventory.start_count([other])
            with Transaction().set_user(clerk.id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(Inventory.search([]), [inventory])
                with self.assertRaisesRegex(BranchAccessError, 'Branch B'):
                    Inventory.count_scanned(other, [('X', 1)])
                with self.assertRaisesRegex(BranchAccessError, 'Branch B'):
                    self.count(company, b)

    @with_transaction()
    def test_schedule_and_accuracy(self):
        "Schedules create one count per period; accuracy per branch"
        pool = Pool()
        Schedule = pool.get('stock.inventory.schedule')
        Inventory = pool.get('stock.inventory')
        Accuracy = pool.get('stock.inventory.accuracy')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            (a, b), cable, _ = self.setup_stock(company)
            today = Date.today()
            weekly, monthly = Schedule.create([{
                        'name': "Phones weekly", 'company': company.id,
                        'warehouse': a.id,
                        'location': a.storage_location.id,
                        'interval_number': 1, 'interval_type': 'weeks',
                        'next_date': today - dt.timedelta(days=15),
                        }, {
                        'name': "B monthly", 'company': company.id,
                        'warehouse': b.id,
                        'location': b.storage_location.id,
                        'interval_number': 1, 'interval_type': 'months',
                        'next_date': today + dt.timedelta(days=1),
                        }])
            count, = Schedule.create_inventories(today)
            self.assertEqual(Schedule.create_inventories(today), [])
            self.assertEqual(
                (count.location, count.blind, count.schedule, count.date,
                    count.branch),
                (a.storage_location, True, weekly, today, a))
            next_date = Schedule(weekly.id).next_date
            self.assertEqual(
                (next_date - today).days, 6)

            Inventory.start_count([count])
            Inventory.count_scanned(count, [])
            Inventory.close_count([count])
            count = Inventory(count.id)
            for line in count.lines:
                line.reason = self.reason('THEFT')
                line.save()
            Inventory.approve([count])
            Inventory.confirm([Inventory(count.id)])
            with Transaction().set_context(from_date=today, to_date=today):
                row, = Accuracy.search([])
            self.assertEqual(
                (row.branch, row.counts, row.expected, row.matched,
                    row.accuracy), (a, 1, 11, 0, 0))

    @with_transaction()
    def test_transfer_reason_codes(self):
        "A short transfer's case carries its reason code and its target"
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Case = pool.get('stock.shrinkage.case')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            (a, b), _, unit = self.setup_stock(company)
            transfer, = Shipment.create([{
                        'from_location': a.storage_location.id,
                        'to_location': b.storage_location.id,
                        'company': company.id,
                        'moves': [('create', [{
                                        'product': unit.product.id,
                                        'lot': unit.id,
                                        'unit': unit.product.default_uom.id,
                                        'quantity': 1,
                                        'from_location': (
                                            a.storage_location.id),
                                        'to_location': b.storage_location.id,
                                        'company': company.id,
                                        }])],
                        }])
            Shipment.wait([transfer])
            Shipment.dispatch_scanned(transfer, [(unit.imei, 1)])
            writeoff = self.reason('WRITEOFF')
            Shipment.receive_scanned(transfer, [], reason=writeoff)
            transfer = Shipment(transfer.id)
            discrepancy, = transfer.discrepancies
            case, = transfer.shrinkage_cases
            self.assertEqual(
                (discrepancy.kind, discrepancy.reason_code,
                    discrepancy.reason),
                ('short', writeoff, writeoff.rec_name))
            self.assertEqual((case.reason_code, case.branch), (writeoff, a))
            Case.lose([case])
            self.assertEqual(
                Lot(unit.id).current_location, a.scrap_location)

    @with_transaction()
    def test_write_off_report(self):
        "Write-offs and finds of every document with a reason, signed"
        pool = Pool()
        Adjustment = pool.get('stock.adjustment')
        Defect = pool.get('stock.lot.defect')
        Inventory = pool.get('stock.inventory')
        WriteOff = pool.get('stock.adjustment.write_off')
        company = create_company()
        with set_company(company):
            (a, _), cable, unit = self.setup_stock(company)
            adjustment = self.adjust(company, a, [
                    {'product': cable.id, 'quantity': -3,
                        'reason': self.reason('DAMAGE').id},
                    {'product': cable.id, 'quantity': 2,
                        'reason': self.reason('FOUND').id},
                    {'product': cable.id, 'quantity': -1,
                        'reason': self.reason('EXPIRY').id},
                    ])
            Adjustment.confirm([adjustment])
            Defect.mark([unit], 'scrap', self.reason('DAMAGE'))
            count = self.count(company, a, empty_quantity='keep')
            Inventory.start_count([count])
            line, = Inventory(count.id).lines
            line.quantity = 7
            line.reason = self.reason('THEFT')
            line.save()
            Inventory.close_count([count])
            Inventory.approve([count])
            Inventory.confirm([Inventory(count.id)])

            write_offs = WriteOff.search([])
            self.assertEqual(len(write_offs), 5)
            self.assertEqual(
                {(w.reason.code, w.lot or w.product, w.quantity,
                    w.value, w.branch) for w in write_offs}, {
                    ('DAMAGE', cable, -3, Decimal('-9.00'), a),
                    ('FOUND', cable, 2, Decimal('6.00'), a),
                    ('EXPIRY', cable, -1, Decimal('-3.00'), a),
                    ('DAMAGE', unit, -1, Decimal('-400.00'), a),
                    ('THEFT', cable, -1, Decimal('-3.00'), a)})
            waste, = WriteOff.search([('reason.code', '=', 'EXPIRY')])
            self.assertEqual(waste.origin, adjustment.lines[2])
            with Transaction().set_context(
                    from_date=adjustment.date + dt.timedelta(days=1)):
                self.assertEqual(WriteOff.search([]), [])

    @with_transaction()
    def test_confirm_draft_count(self):
        "A count that is not blind confirms from draft as in core"
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        company = create_company()
        with set_company(company):
            (a, _), cable, unit = self.setup_stock(company)
            count = self.count(company, a)
            Inventory.complete_lines([count])
            count = Inventory(count.id)
            self.assertEqual(
                {(l.lot or l.product, l.expected_quantity)
                    for l in count.lines}, {(cable, 10), (unit, 1)})
            for line in count.lines:
                line.quantity = line.expected_quantity
                line.save()
            Inventory.confirm([count])
            count = Inventory(count.id)
            self.assertEqual(
                (count.state, count.accuracy, count.approved_by),
                ('done', 1.0, None))
            self.assertEqual({l.result for l in count.lines}, {'match'})

            blind = self.count(company, a, blind=True)
            with self.assertRaisesRegex(CountError, 'is blind'):
                Inventory.confirm([blind])
            self.assertEqual(Inventory(blind.id).state, 'draft')


del ModuleTestCase
