# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.model.modelstorage import DomainValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.stock_branch.exceptions import (
    BranchAccessError, BranchLocationError, CreateBranchError,
    TransferScanError)
from trytond.modules.stock_lot_serial.tests.tools import imeis
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class StockBranchTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Stock Branch module"
    module = 'stock_branch'

    def create_branches(self, *codes):
        CreateBranch = Pool().get('stock.branch.create', type='wizard')
        return [CreateBranch.create_branch(name=f"Branch {c}", code=c)
            for c in codes]

    def create_clerk(self, company, branches, login='clerk'):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Group = pool.get('res.group')
        stock = Group(ModelData.get_id('stock', 'group_stock'))
        user, = User.create([{
                    'name': login.title(),
                    'login': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'branches': [('add', [b.id for b in branches])],
                    'warehouse': branches[0].id if branches else None,
                    'groups': [('add', [stock.id])],
                    }])
        return user

    def setup_units(self, company, branches):
        """A phone with one unit in the storage of each branch, a count
        and a transfer request from each branch"""
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Inventory = pool.get('stock.inventory')
        Shipment = pool.get('stock.shipment.internal')
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': "Phone",
                    'type': 'goods',
                    'default_uom': unit.id,
                    'tracking': 'imei',
                    'products': [('create', [{}])],
                    }])
        product, = template.products
        supplier, = Location.search([('code', '=', 'SUP')])
        lots = Lot.create([{'imei': i, 'product': product.id}
                for i in imeis('35209011', len(branches))])
        moves = Move.create([{
                    'product': product.id,
                    'unit': unit.id,
                    'quantity': 1,
                    'lot': lot.id,
                    'from_location': supplier.id,
                    'to_location': branch.storage_location.id,
                    'unit_price': Decimal('100'),
                    'currency': company.currency.id,
                    'company': company.id,
                    } for lot, branch in zip(lots, branches)])
        with Transaction().set_context(_skip_warnings=True):
            Move.do(moves)
        inventories = Inventory.create([{
                    'location': b.storage_location.id,
                    'company': company.id,
                    } for b in branches])
        transfers = Shipment.create([{
                    'from_location': b.storage_location.id,
                    'to_location': branches[i - 1].storage_location.id,
                    'company': company.id,
                    } for i, b in enumerate(branches)])
        return product, lots, moves, inventories, transfers

    def request_transfer(self, company, source, target, items):
        "A waiting transfer of items [(product, quantity)] between branches"
        Shipment = Pool().get('stock.shipment.internal')
        transfer, = Shipment.create([{
                    'from_location': source.storage_location.id,
                    'to_location': target.storage_location.id,
                    'company': company.id,
                    'moves': [('create', [{
                                    'product': product.id,
                                    'unit': product.default_uom.id,
                                    'quantity': quantity,
                                    'from_location': (
                                        source.storage_location.id),
                                    'to_location': target.storage_location.id,
                                    'company': company.id,
                                    } for product, quantity in items])],
                    }])
        Shipment.wait([transfer])
        return Shipment(transfer.id)

    @with_transaction()
    def test_create_branch(self):
        "The wizard creates a warehouse with its standard sub-locations"
        pool = Pool()
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            branch, = self.create_branches('DT')
            self.assertEqual(branch.type, 'warehouse')
            zones = {
                'input_location': ('storage', 'available', 'company'),
                'output_location': ('storage', 'picked', 'company'),
                'storage_location': ('storage', 'available', 'company'),
                'defective_location': ('storage', 'defective', 'company'),
                'repair_location': ('storage', 'under_repair', 'company'),
                'quarantine_location': ('storage', 'returned', 'company'),
                'custody_location': ('storage', 'under_repair', 'customer'),
                'custody_bench_location': (
                    'storage', 'under_repair', 'customer'),
                'scrap_location': ('lost_found', 'scrapped', 'company'),
                }
            for field, expected in zones.items():
                zone = getattr(branch, field)
                self.assertEqual(
                    (zone.type, zone.stock_state, zone.ownership), expected,
                    msg=field)
                if zone.type == 'storage':
                    self.assertEqual(zone.parent, branch, msg=field)
                    self.assertEqual(zone.warehouse, branch, msg=field)
            self.assertEqual(zones.keys() - {'scrap_location'}, {
                    f for f in zones if getattr(branch, f).parent == branch})
            self.assertIn(branch.scrap_location, branch.waste_locations)
            self.assertEqual(branch.custody_location.code, 'DT-CUS')
            self.assertEqual(branch.custody_bench_location.code, 'DT-CBE')

            with self.assertRaisesRegex(CreateBranchError, 'DT'):
                self.create_branches('DT')

            # The default warehouse gets only what it lacks
            warehouse, = Location.search([('code', '=', 'WH')])
            storage = warehouse.storage_location
            CreateBranch = pool.get('stock.branch.create', type='wizard')
            CreateBranch.create_branch(warehouse=warehouse)
            self.assertEqual(warehouse.storage_location, storage)
            self.assertEqual(
                warehouse.repair_location.stock_state, 'under_repair')

    @with_transaction()
    def test_non_sellable_never_under_storage(self):
        "Defective, repair and custody locations stay out of storage"
        pool = Pool()
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            branch, = self.create_branches('DT')
            with self.assertRaisesRegex(BranchLocationError, 'DT Storage'):
                Location.write([branch.defective_location], {
                        'parent': branch.storage_location.id})
            with self.assertRaisesRegex(BranchLocationError, 'Shelf'):
                Location.create([{
                            'name': "Shelf", 'type': 'storage',
                            'ownership': 'customer',
                            'parent': branch.storage_location.id,
                            }])
            shelf, = Location.create([{
                        'name': "Shelf 2", 'type': 'storage',
                        'parent': branch.storage_location.id,
                        }])
            with self.assertRaises(BranchLocationError):
                Location.write([shelf], {'stock_state': 'defective'})

    @with_transaction()
    def test_moves_store_their_branches(self):
        "Moves, transfers and counts store the branches of their locations"
        pool = Pool()
        Move = pool.get('stock.move')
        Shipment = pool.get('stock.shipment.internal')
        company = create_company()
        with set_company(company):
            a, b = self.create_branches('A', 'B')
            product, lots, moves, inventories, transfers = self.setup_units(
                company, [a, b])
            self.assertEqual(
                [(m.from_branch, m.to_branch) for m in moves],
                [(None, a), (None, b)])
            self.assertEqual([i.branch for i in inventories], [a, b])
            self.assertEqual(
                [(t.from_branch, t.to_branch) for t in transfers],
                [(a, b), (b, a)])
            self.assertEqual([l.current_warehouse for l in lots], [a, b])

            # Moves of a transfer through transit belong to both branches
            transfer = transfers[0]
            Shipment.write([transfer], {'moves': [('create', [{
                                'product': product.id,
                                'unit': product.default_uom.id,
                                'quantity': 1,
                                'lot': lots[0].id,
                                'from_location': a.storage_location.id,
                                'to_location': b.storage_location.id,
                                'company': company.id,
                                }])]})
            Shipment.wait([transfer])
            transfer = Shipment(transfer.id)
            self.assertTrue(transfer.transit_location)
            self.assertEqual(
                sorted((m.from_branch.code, m.to_branch.code)
                    for m in transfer.moves),
                [('A', 'B'), ('A', 'B')])

            # A move written to another location follows it
            move, = Move.create([{
                        'product': product.id,
                        'unit': product.default_uom.id,
                        'quantity': 1,
                        'lot': lots[1].id,
                        'from_location': b.storage_location.id,
                        'to_location': b.defective_location.id,
                        'company': company.id,
                        }])
            self.assertEqual((move.from_branch, move.to_branch), (b, b))
            Move.write([move], {'to_location': a.storage_location.id})
            self.assertEqual(Move(move.id).to_branch, a)

    @with_transaction()
    def test_branch_isolation(self):
        "A clerk of branch A cannot see or act on branch B's stock"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Inventory = pool.get('stock.inventory')
        Shipment = pool.get('stock.shipment.internal')
        ShipmentIn = pool.get('stock.shipment.in')
        company = create_company()
        with set_company(company):
            a, b, c = self.create_branches('A', 'B', 'C')
            product, lots, moves, inventories, transfers = self.setup_units(
                company, [a, b, c])
            clerk = self.create_clerk(company, [a])
            receipt_b, = ShipmentIn.create([{
                        'supplier': company.party.id,
                        'warehouse': b.id,
                        'warehouse_input': b.input_location.id,
                        'warehouse_storage': b.storage_location.id,
                        'company': company.id,
                        }])
            # Records of A and the transfer B sends to A, the others
            models = [
                (Lot, lots[:1], lots[1:]),
                (Move, moves[:1], moves[1:]),
                (Inventory, inventories[:1], inventories[1:]),
                (Shipment, transfers[:2], transfers[2:]),
                (ShipmentIn, [], [receipt_b]),
                ]

            with Transaction().set_user(clerk.id), \
                    Transaction().set_context(
                        _check_access=True, company=company.id,
                        branches=[b.id, c.id], warehouse=b.id):
                for Model, mine, others in models:
                    name = Model.__name__
                    self.assertEqual(
                        sorted(r.id for r in Model.search([])),
                        sorted(r.id for r in mine), msg=name)
                    others = [r.id for r in others]
                    # No domain trick reaches the others
                    self.assertEqual(Model.search(['OR',
                                ('id', 'in', others),
                                ('id', '<', 0)]), [], msg=name)
                    self.assertEqual(Model.search_count(
                            [('id', 'in', others)]), 0, msg=name)
                    with self.assertRaises(AccessError, msg=name):
                        Model.read(others, ['id'])
                    with self.assertRaises(AccessError, msg=name):
                        Model.export_data(Model.browse(others), ['id'])
                # Quantity contexts: another branch's stock is not shown
                Product = pool.get('product.product')
                Location = pool.get('stock.location')
                ByWarehouse = pool.get('stock.product_quantities_warehouse')
                for context in [
                        {'locations': [b.storage_location.id]},
                        {'locations': [a.storage_location.id, c.id]},
                        {'location': b.id}]:
                    with Transaction().set_context(context), \
                            self.assertRaisesRegex(
                                BranchAccessError, 'Branch [BC]'):
                        Product.read([product.id], ['quantity'])
                    with Transaction().set_context(context), \
                            self.assertRaises(BranchAccessError):
                        Product.search([('quantity', '>', 0)])
                with Transaction().set_context(
                        locations=[a.storage_location.id]):
                    self.assertEqual(Product.read(
                            [product.id], ['quantity'])[0]['quantity'], 1)
                with Transaction().set_context(product=product.id):
                    quantities = {r['id']: r['quantity']
                        for r in Location.read([
                                a.storage_location.id,
                                b.storage_location.id, b.id],
                            ['quantity', 'cost_value'])}
                self.assertEqual(quantities, {
                        a.storage_location.id: 1,
                        b.storage_location.id: None, b.id: None})
                with Transaction().set_context(warehouse=b.id), \
                        self.assertRaises(BranchAccessError):
                    ByWarehouse.search([('product', '=', product.id)])
                # Where Is This Unit? says another branch has it, not where
                Lookup = pool.get('stock.lot.lookup', type='wizard')
                for lot, found in [(lots[0], True), (lots[1], False)]:
                    session_id, _, _ = Lookup.create()
                    lookup = Lookup(session_id)
                    lookup.start.code = lot.imei
                    # Wizard transitions run without access check
                    with Transaction().set_context(_check_access=False):
                        lookup.transition_find()
                        result = lookup.default_result(None)
                    self.assertEqual(result['found'], found)
                    self.assertEqual(
                        'current_location' in result, found, msg=result)
                    if not found:
                        self.assertNotIn('lot', result)
                        self.assertIn('another branch', result['message'])
                        self.assertNotIn('Branch B', result['message'])
                with self.assertRaises(AccessError):
                    Inventory.write(
                        [Inventory(inventories[1].id)], {'date': None})
                with self.assertRaises(AccessError):
                    Inventory.confirm([Inventory(inventories[1].id)])
                with self.assertRaises(AccessError):
                    Shipment.wait([Shipment(transfers[2].id)])
                # A count or a move at another branch is refused by name
                with self.assertRaisesRegex(
                        BranchAccessError, 'Branch B'):
                    Inventory.create([{
                                'location': b.storage_location.id,
                                'company': company.id,
                                }])
                with self.assertRaisesRegex(
                        BranchAccessError, 'Branch C'):
                    Move.create([{
                                'product': product.id,
                                'unit': product.default_uom.id,
                                'quantity': 1,
                                'from_location': c.storage_location.id,
                                'to_location': c.defective_location.id,
                                'company': company.id,
                                }])
                with self.assertRaises(BranchAccessError):
                    ShipmentIn.create([{
                                'supplier': company.party.id,
                                'warehouse': c.id,
                                'warehouse_input': c.input_location.id,
                                'warehouse_storage': c.storage_location.id,
                                'company': company.id,
                                }])
                # Its own branch works, and a transfer to another branch
                inventory, = Inventory.create([{
                            'location': a.storage_location.id,
                            'company': company.id,
                            }])
                Shipment.create([{
                            'from_location': a.storage_location.id,
                            'to_location': c.storage_location.id,
                            'company': company.id,
                            }])
            self.assertEqual(Inventory.search(
                    [('location', '=', b.storage_location.id)],
                    count=True), 1)

    @with_transaction()
    def test_create_reserved_at_own_branch(self):
        "A clerk's fast sale is refused by name at another branch"
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            a, b = self.create_branches('A', 'B')
            unit, = Uom.search([('name', '=', 'Unit')])
            template, = Template.create([{
                        'name': "Charger",
                        'type': 'goods',
                        'default_uom': unit.id,
                        'products': [('create', [{}])],
                        }])
            product, = template.products
            supplier, = Location.search([('code', '=', 'SUP')])
            customer, = Location.search([('code', '=', 'CUS')])

            def values(from_, to):
                return {
                    'product': product.id,
                    'unit': unit.id,
                    'quantity': 1,
                    'from_location': from_.id,
                    'to_location': to.id,
                    'unit_price': Decimal('10'),
                    'currency': company.currency.id,
                    'company': company.id,
                    }
            receipts = Move.create([values(supplier, w.storage_location)
                    for w in [a, b]])
            with Transaction().set_context(_skip_warnings=True):
                Move.do(receipts)
            clerk = self.create_clerk(company, [a])
            with Transaction().set_user(clerk.id), \
                    Transaction().set_context(_check_access=True,
                        company=company.id, _skip_warnings=True):
                other = values(b.storage_location, customer)
                self.assertIsNotNone(Move._create_reserved_plan([other]))
                for create_reserved in [
                        lambda v: Move.reserve(Move.create(v)),
                        Move.create_reserved]:
                    with self.assertRaisesRegex(
                            BranchAccessError, 'Branch B'):
                        create_reserved([other])
                sale, = Move.create_reserved(
                    [values(a.storage_location, customer)])
            self.assertEqual(
                (sale.state, sale.from_branch, sale.to_branch),
                ('assigned', a, None))
            self.assertEqual(Move.search([
                        ('from_location', '=', b.storage_location.id),
                        ], count=True), 0)

    @with_transaction()
    def test_branches_change_visibility(self):
        "Giving a branch to a user shows its records at once"
        pool = Pool()
        User = pool.get('res.user')
        Lot = pool.get('stock.lot')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        with set_company(company):
            a, b = self.create_branches('A', 'B')
            _, lots, _, _, _ = self.setup_units(company, [a, b])
            clerk = self.create_clerk(company, [a])

            def visible():
                with Transaction().set_user(clerk.id), \
                        Transaction().set_context(_check_access=True):
                    return sorted(l.id for l in Lot.search([]))
            self.assertEqual(visible(), [lots[0].id])
            User.write([clerk], {'branches': [('add', [b.id])]})
            self.assertEqual(visible(), sorted(l.id for l in lots))
            User.write([clerk], {'branches': [('remove', [a.id, b.id])]})
            User.write([clerk], {'warehouse': None})
            self.assertEqual(visible(), [])
            group = ModelData.get_id('stock_branch', 'group_branch_all')
            User.write([clerk], {'groups': [('add', [group])]})
            self.assertEqual(visible(), sorted(l.id for l in lots))

    @with_transaction()
    def test_current_branch_among_branches(self):
        "The current branch is one of the user's branches"
        pool = Pool()
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            a, b = self.create_branches('A', 'B')
            clerk = self.create_clerk(company, [a])
            with self.assertRaises(DomainValidationError):
                User.write([clerk], {'warehouse': b.id})
            with Transaction().set_user(clerk.id):
                # As the client does, through RPC without access check
                with self.assertRaises(DomainValidationError):
                    User.set_preferences({'warehouse': b.id})
            with Transaction().set_user(clerk.id), \
                    Transaction().set_context(_check_access=True):
                with self.assertRaises(AccessError):
                    User.write([User(clerk.id)], {
                            'branches': [('add', [b.id])]})
            self.assertEqual(User(clerk.id).branches, (a,))

    @with_transaction(context={'_skip_warnings': True})
    def test_transfer_dispatch_and_receive_by_scan(self):
        "A transfer is dispatched and received by scan, shorts on a case"
        pool = Pool()
        Template = pool.get('product.template')
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        Shipment = pool.get('stock.shipment.internal')
        Case = pool.get('stock.shrinkage.case')
        company = create_company()
        with set_company(company):
            a, b = self.create_branches('A', 'B')
            phone, units, _, _, _ = self.setup_units(company, [a, a, a, b])
            cable, = Template.create([{
                        'name': "Cable", 'code': 'CBL', 'type': 'goods',
                        'default_uom': phone.default_uom.id,
                        'products': [('create', [{}])],
                        }])
            cable, = cable.products
            supplier = Move.search([])[0].from_location
            receipt, = Move.create([{
                        'product': cable.id, 'unit': cable.default_uom.id,
                        'quantity': 10, 'from_location': supplier.id,
                        'to_location': a.storage_location.id,
                        'unit_price': Decimal('2'),
                        'currency': company.currency.id,
                        'company': company.id,
                        }])
            Move.do([receipt])
            transfer = self.request_transfer(
                company, a, b, [(phone, 3), (cable, 4)])
            count = Move.search_count([])

            def refused(entries, pattern):
                with self.assertRaisesRegex(TransferScanError, pattern):
                    Shipment.dispatch_scanned(transfer, entries)
                self.assertEqual(Move.search_count([]), count)
                self.assertEqual(Shipment(transfer.id).state, 'waiting')
            imei = [u.imei for u in units]
            refused([(imei[0], 1), ('NOPE', 1)], 'NOPE')
            refused([(imei[0], 1), (imei[3], 1)], imei[3])
            refused([(imei[0], 1), (imei[0], 1)], 'more than once')
            refused([('CBL', 5)], 'only 4')

            # Two phones and three cables leave; the rest stays home
            Shipment.dispatch_scanned(
                transfer, [(imei[0], 1), (imei[1], 1), ('CBL', 3)])
            transfer = Shipment(transfer.id)
            self.assertEqual(transfer.state, 'shipped')
            self.assertEqual(sorted(
                    (m.product.name, m.lot.imei if m.lot else None,
                        m.quantity, m.state)
                    for m in transfer.outgoing_moves), [
                    ('Cable', None, 3, 'done'),
                    ('Phone', imei[0], 1, 'done'),
                    ('Phone', imei[1], 1, 'done')])
            self.assertEqual(
                [Lot(u.id).state for u in units[:3]],
                ['in_transit', 'in_transit', 'available'])
            self.assertEqual(transfer.transit_days, 0)

            # A short phone needs a reason; nothing changes without it
            with self.assertRaisesRegex(TransferScanError, 'Short'):
                Shipment.receive_scanned(transfer, [('CBL', 3), (imei[1], 1)])
            self.assertEqual(Shipment(transfer.id).state, 'shipped')

            Shipment.receive_scanned(
                transfer, [('CBL', 3), (imei[1], 1), ('999', 1)],
                damaged=[imei[1]], reason="Box opened")
            transfer = Shipment(transfer.id)
            self.assertEqual(transfer.state, 'done')
            self.assertEqual(sorted(
                    (d.kind, d.lot.imei if d.lot else d.code, d.quantity)
                    for d in transfer.discrepancies), [
                    ('damaged', imei[1], 1),
                    ('short', imei[0], 1),
                    ('unexpected', '999', 1)])
            lots = Lot.browse([u.id for u in units[:2]])
            self.assertEqual(lots[1].current_location, b.defective_location)
            self.assertEqual(lots[0].state, 'in_transit')
            case, = transfer.shrinkage_cases
            self.assertEqual(
                (case.branch, case.lot, case.state), (a, lots[0], 'open'))
            self.assertEqual(case.move.to_location, b.storage_location)

            Case.lose([case])
            lot = Lot(lots[0].id)
            self.assertEqual(Case(case.id).state, 'lost')
            self.assertEqual(lot.current_location, a.lost_found_location)
            self.assertEqual(Case(case.id).move.state, 'cancelled')
            with Transaction().set_context(locations=[b.id]):
                self.assertEqual(
                    pool.get('product.product')(cable.id).quantity, 3)

    @with_transaction(context={'_skip_warnings': True})
    def test_transfer_found_and_branch_ends(self):
        "Only the sender ships, only the receiver receives; found arrives"
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Case = pool.get('stock.shrinkage.case')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            a, b = self.create_branches('A', 'B')
            phone, units, _, _, _ = self.setup_units(company, [a, a])
            transfer = self.request_transfer(company, a, b, [(phone, 2)])
            clerk_a = self.create_clerk(company, [a], 'clerk_a')
            clerk_b = self.create_clerk(company, [b], 'clerk_b')
            codes = [(u.imei, 1) for u in units]
            with Transaction().set_user(clerk_b.id), \
                    Transaction().set_context(_check_access=True):
                with self.assertRaisesRegex(BranchAccessError, 'Branch A'):
                    Shipment.dispatch_scanned(Shipment(transfer.id), codes)
            with Transaction().set_user(clerk_a.id), \
                    Transaction().set_context(_check_access=True):
                Shipment.dispatch_scanned(Shipment(transfer.id), codes)
                with self.assertRaisesRegex(BranchAccessError, 'Branch B'):
                    Shipment.receive_scanned(
                        Shipment(transfer.id), codes[:1], reason="Lost")
            with Transaction().set_user(clerk_b.id), \
                    Transaction().set_context(_check_access=True):
                Shipment.receive_scanned(
                    Shipment(transfer.id), codes[:1], reason="Not in box")
                # The case is the sender's to resolve
                self.assertEqual(Case.search([]), [])
            case, = Case.search([])
            self.assertEqual(case.branch, a)
            # The sender finds it was sent after all: it arrives
            Case.find([case])
            self.assertEqual(Case(case.id).state, 'found')
            self.assertEqual(
                [Lot(u.id).current_location for u in units],
                [b.storage_location, b.storage_location])


del ModuleTestCase
