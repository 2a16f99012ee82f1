# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.model.modelstorage import RequiredValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.stock_adjustment.exceptions import (
    AdjustmentApprovalError, AdjustmentError, AdjustmentLineError,
    DefectError)
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


del ModuleTestCase
