# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime
from decimal import Decimal

from sql import Column, Table

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.model import fields
from trytond.modules.stock_ledger.exceptions import (
    CompensationError, LedgerError, MoveAmountError)
from trytond.modules.stock_ledger.ledger import (
    LEDGER_FIELDS, LEDGER_VERSION)
from trytond.modules.stock_ledger.stock import (
    LEDGER_CHAIN_FIELDS, ORM_IGNORED, SERVER_WRITABLE_DONE)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    ModuleTestCase, USER, with_transaction)
from trytond.transaction import Transaction


class StockLedgerTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Stock Ledger module"
    module = 'stock_ledger'

    def setup_stock(self):
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': 'Cable',
                    'type': 'goods',
                    'default_uom': unit.id,
                    'products': [('create', [{}])],
                    }])
        locations = {l.code: l for l in Location.search([
                    ('code', 'in', ['SUP', 'STO', 'CUS'])])}
        return template.products[0], locations

    def done_move(self, product, from_, to, quantity=5, **values):
        Move = Pool().get('stock.move')
        company = Transaction().context['company']
        move, = Move.create([{
                    'product': product.id,
                    'unit': product.default_uom.id,
                    'quantity': quantity,
                    'from_location': from_.id,
                    'to_location': to.id,
                    'company': company,
                    'unit_price': Decimal('2'),
                    'currency': Pool().get('company.company')(
                        company).currency.id,
                    **values,
                    }])
        Move.do([move])
        return move

    @with_transaction()
    def test_done_move_is_never_cancelled_edited_or_deleted(self):
        "A done move cannot be cancelled, its state changed or deleted"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            move = self.done_move(product, loc['SUP'], loc['STO'])
            with self.assertRaisesRegex(LedgerError, 'Cable'):
                Move.cancel([move])
            with self.assertRaises(LedgerError):
                Move.write([move], {'state': 'draft'})
            with self.assertRaises(AccessError):
                Move.write([move], {'quantity': 1})
            with self.assertRaises(AccessError):
                Move.delete([move])
            # Stock lets a done move of nothing be deleted; the ledger not
            empty = self.done_move(product, loc['SUP'], loc['STO'], 0)
            with self.assertRaisesRegex(LedgerError, 'cannot be deleted'):
                Move.delete([empty])
            self.assertEqual(Move(move.id).state, 'done')

    @with_transaction()
    def test_amounts_are_finite_and_in_range(self):
        "A copy of a done move with 1e308 units once saved (issue 27)"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            move = self.done_move(product, loc['SUP'], loc['STO'])
            for default in [
                    {'quantity': 1e308}, {'quantity': float('nan')},
                    {'quantity': float('inf')},
                    {'unit_price': Decimal('1e20')},
                    {'unit_price': Decimal('NaN')}]:
                with self.subTest(default=default), \
                        self.assertRaisesRegex(MoveAmountError, 'Cable'):
                    Move.copy([move], default=default)
            copy, = Move.copy([move], default={'quantity': 10 ** 6})
            self.assertEqual(copy.state, 'draft')

    @with_transaction()
    def test_state_not_writable_through_rpc(self):
        "Clients cannot write the state of a move directly"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            move, = Move.create([{
                        'product': product.id,
                        'unit': product.default_uom.id,
                        'quantity': 1,
                        'from_location': loc['STO'].id,
                        'to_location': loc['CUS'].id,
                        'company': company.id,
                        'unit_price': Decimal('2'),
                        'currency': company.currency.id,
                        }])
            with Transaction().set_user(USER), \
                    Transaction().set_context(_check_access=True):
                # The user may write the move: only the state is refused
                Move.write([Move(move.id)], {'quantity': 2})
                with self.assertRaisesRegex(AccessError, 'State'):
                    Move.write([Move(move.id)], {'state': 'assigned'})
            self.assertEqual(Move(move.id).state, 'draft')

    @with_transaction()
    def test_compensate(self):
        "A correction is a new move that points to the move it reverses"
        pool = Pool()
        Move = pool.get('stock.move')
        Product = pool.get('product.product')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            move = self.done_move(product, loc['SUP'], loc['STO'])
            reverse, = Move.compensating_moves([move])
            self.assertEqual(reverse.state, 'done')
            self.assertEqual(reverse.compensated_move, move)
            self.assertEqual(reverse.origin, move)
            self.assertEqual(
                (reverse.from_location, reverse.to_location),
                (loc['STO'], loc['SUP']))
            with Transaction().set_context(locations=[loc['STO'].id]):
                self.assertEqual(Product(product.id).quantity, 0)
            with self.assertRaisesRegex(CompensationError, 'already'):
                Move.compensating_moves([move])

    @with_transaction()
    def test_chain_detects_tampering(self):
        "The sealed chain finds a changed, an undone and a removed move"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            moves = [self.done_move(product, loc['SUP'], loc['STO'], q)
                for q in [1, 2, 3, 4]]
            self.assertEqual(Move.seal_ledger(), 4)
            self.assertEqual(Move.seal_ledger(), 0)
            self.assertEqual(Move.verify_ledger(), [])
            self.assertEqual(
                [Move(m.id).ledger_sequence for m in moves], [1, 2, 3, 4])
            self.done_move(product, loc['STO'], loc['CUS'], 1)
            self.assertEqual(Move.seal_ledger(), 1)
            self.assertEqual(Move.verify_ledger(), [])
            Move.check_ledger()

            table = Table('stock_move')
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.quantity, table.internal_quantity], [9, 9],
                    where=table.id == moves[2].id))
            Move._record_cache.clear() if hasattr(
                Move, '_record_cache') else None
            Transaction().cache.clear()
            (broken_company, sequence, move_id, reason), = (
                Move.verify_ledger())
            self.assertEqual((sequence, move_id, reason),
                (3, moves[2].id, 'hash'))
            with self.assertRaisesRegex(LedgerError, 'sequence 3'):
                Move.check_ledger()

            cursor.execute(*table.update(
                    [table.quantity, table.internal_quantity], [3, 3],
                    where=table.id == moves[2].id))
            cursor.execute(*table.update(
                    [table.state], ['cancelled'],
                    where=table.id == moves[1].id))
            Transaction().cache.clear()
            self.assertEqual(
                [b[1:] for b in Move.verify_ledger()],
                [(2, moves[1].id, 'state')])

            cursor.execute(*table.update(
                    [table.state], ['done'],
                    where=table.id == moves[1].id))
            cursor.execute(*table.delete(where=table.id == moves[0].id))
            Transaction().cache.clear()
            self.assertEqual(
                [b[1:] for b in Move.verify_ledger()],
                [(1, None, 'missing')])

    @with_transaction()
    def test_check_wizard_tells_whether_intact(self):
        """The Check Stock Ledger wizard verifies the chain as the cron does,
        for stock administrators only, and writes nothing"""
        pool = Pool()
        Move = pool.get('stock.move')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Check = pool.get('stock.ledger.check', type='wizard')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            moves = [self.done_move(product, loc['SUP'], loc['STO'], q)
                for q in [1, 2, 3]]
            Move.seal_ledger()
            self.done_move(product, loc['STO'], loc['CUS'], 1)
            clerk, admin = User.create([{
                        'login': login, 'name': login,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'groups': [('add', [ModelData.get_id('stock', g)])],
                        } for login, g in [('clerk', 'group_stock'),
                        ('stock_admin', 'group_stock_admin')]])

            def check(user):
                transaction = Transaction()
                with transaction.set_user(user.id), \
                        transaction.set_context(_check_access=True):
                    session_id, _, _ = Check.create()
                # execute runs unchecked, as over RPC
                with transaction.set_user(user.id):
                    result = Check.execute(session_id, {}, 'start')
                return result['view']['defaults']

            with self.assertRaises(AccessError):
                check(clerk)
            result = check(admin)
            self.assertEqual(
                (result['intact'], result['sealed'], result['unsealed']),
                (True, 3, 1))
            self.assertIn("is intact", result['message'])
            self.assertEqual(Move.search(
                    [('ledger_sequence', '!=', None)], count=True), 3)

            table = Table('stock_move')
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.quantity, table.internal_quantity], [9, 9],
                    where=table.id == moves[1].id))
            Transaction().cache.clear()
            result = check(admin)
            self.assertFalse(result['intact'])
            self.assertIn(
                f"sequence 2 (move {moves[1].id}, hash)", result['message'])

    @with_transaction()
    def test_cancel_shipped_transfer_returns_goods(self):
        "Cancelling a shipped transfer brings the goods back with new moves"
        pool = Pool()
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        Product = pool.get('product.product')
        Shipment = pool.get('stock.shipment.internal')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            source = loc['STO']
            self.done_move(product, loc['SUP'], source, 5)
            other_storage, = Location.create([{
                        'name': "Branch Storage", 'type': 'storage'}])
            other, = Location.create([{
                        'name': "Branch", 'type': 'warehouse',
                        'storage_location': other_storage.id,
                        'input_location': other_storage.id,
                        'output_location': other_storage.id,
                        }])
            shipment, = Shipment.create([{
                        'company': company.id,
                        'from_location': source.id,
                        'to_location': other_storage.id,
                        'moves': [('create', [{
                                        'product': product.id,
                                        'unit': product.default_uom.id,
                                        'quantity': 3,
                                        'from_location': source.id,
                                        'to_location': other_storage.id,
                                        'company': company.id,
                                        }])],
                        }])
            Shipment.wait([shipment])
            Shipment.assign_try([shipment])
            self.assertEqual(Shipment(shipment.id).state, 'assigned')
            Shipment.pack([shipment])
            Shipment.ship([shipment])
            shipment = Shipment(shipment.id)
            self.assertEqual(shipment.state, 'shipped')
            outgoing, = shipment.outgoing_moves
            self.assertEqual(outgoing.state, 'done')

            Shipment.cancel([shipment])
            shipment = Shipment(shipment.id)
            self.assertEqual(shipment.state, 'cancelled')
            outgoing = Move(outgoing.id)
            self.assertEqual(outgoing.state, 'done')
            back, = outgoing.compensations
            self.assertEqual(back.state, 'done')
            self.assertEqual(back.to_location, source)
            self.assertEqual(
                {m.state for m in shipment.incoming_moves}, {'cancelled'})
            with Transaction().set_context(locations=[source.id]):
                self.assertEqual(Product(product.id).quantity, 5)
            with Transaction().set_context(
                    locations=[outgoing.to_location.id]):
                self.assertEqual(Product(product.id).quantity, 0)

    @with_transaction()
    def test_every_stored_field_hashed_or_listed(self):
        "A stored field of a move is in the chain or listed with a reason"
        check_ledger_fields(self)

    @with_transaction()
    def test_done_move_frozen_on_every_field(self):
        """No stored field of a done move can be written, by the server or
        by a user, but the listed links and counters"""
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            move = self.done_move(product, loc['SUP'], loc['STO'])
            refused = []
            for name in frozen_fields(Move):
                value = changed_value(Move, move, name)
                for user, check in [(0, False), (USER, True)]:
                    with Transaction().set_user(user), \
                            Transaction().set_context(_check_access=check):
                        try:
                            Move.write([Move(move.id)], {name: value})
                        except (LedgerError, AccessError):
                            refused.append((name, user))
            self.assertEqual(
                sorted(set(frozen_fields(Move)) - {n for n, u in refused
                        if u == 0}), [])
            self.assertEqual(
                sorted(set(frozen_fields(Move)) - {n for n, u in refused
                        if u == USER}), [])
            # Prices and cost: the ledger's own message, naming the move
            with self.assertRaisesRegex(
                    LedgerError, r'done .*Unit Price.*Compensate'):
                Move.write([move], {'unit_price': Decimal('3')})
            self.assertEqual(Move(move.id).unit_price, Decimal('2'))

            # The server's counters and links, the chain while unsealed
            other = self.done_move(product, loc['SUP'], loc['STO'])
            Move.write([move], {
                    'unit_price_updated': False, 'origin': str(other)})
            with Transaction().set_user(USER), \
                    Transaction().set_context(_check_access=True):
                with self.assertRaises(LedgerError):
                    Move.write([Move(move.id)], {'unit_price_updated': True})
                with self.assertRaisesRegex(LedgerError, 'Origin'):
                    Move.write([Move(move.id)], {'origin': str(move)})
                with self.assertRaises(AccessError):
                    Move.write([Move(move.id)], {'ledger_hash': 'f' * 64})
            Move.seal_ledger()
            with self.assertRaisesRegex(LedgerError, 'Ledger Hash'):
                Move.write([move], {'ledger_hash': 'f' * 64})
            self.assertEqual(Move.verify_ledger(), [])

    @with_transaction()
    def test_tampering_any_hashed_field_is_found(self):
        "Each field of the chain, changed in SQL, breaks it at its move"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        create_company(name="Other Company")
        with set_company(company):
            product, loc = self.setup_stock()
            self.setup_stock()
            pool.get('res.user').create([{'login': 'other', 'name': "Other"}])
            first = self.done_move(product, loc['SUP'], loc['STO'])
            move = self.done_move(product, loc['STO'], loc['CUS'], 2)
            Move.write([move], {'origin': str(first)})
            Move.seal_ledger()
            self.assertEqual(Move(move.id).ledger_version, LEDGER_VERSION)
            self.assertEqual(Move.verify_ledger(), [])
            table = Table('stock_move')
            cursor = Transaction().connection.cursor()
            tested = []
            for name in LEDGER_FIELDS[LEDGER_VERSION]:
                if name not in Move._fields:
                    continue
                original = Move(move.id)
                cursor.execute(*table.select(
                        Column(table, name), where=table.id == move.id))
                stored, = cursor.fetchone()
                cursor.execute(*table.update([Column(table, name)],
                        [changed_value(Move, original, name, sql=True)],
                        where=table.id == move.id))
                Transaction().cache.clear()
                broken = [b[1:] for b in Move.verify_ledger()]
                if name == 'company':
                    # The move left its company's chain
                    self.assertIn((1, None, 'missing'), broken)
                else:
                    self.assertIn(broken, [
                            [(2, move.id, 'hash')], [(2, move.id, 'state')]],
                        msg=name)
                cursor.execute(*table.update([Column(table, name)],
                        [stored], where=table.id == move.id))
                Transaction().cache.clear()
                self.assertEqual(Move.verify_ledger(), [], msg=name)
                tested.append(name)
            self.assertGreaterEqual(len(tested), 18)

    @with_transaction()
    def test_old_version_still_verified(self):
        "Moves sealed with the first version of the hash stay intact"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            old = self.done_move(product, loc['SUP'], loc['STO'])
            Move.seal_ledger()
            # As sealed before the version was recorded
            from trytond.modules.stock_ledger.ledger import (
                GENESIS, move_digest)
            table = Table('stock_move')
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.ledger_version, table.ledger_hash],
                    [None, move_digest(GENESIS, Move(old.id), 1)],
                    where=table.id == old.id))
            Chain = pool.get('stock.ledger.chain')
            chain = Chain.get(company)
            Chain.write([chain], {
                    'hash': move_digest(GENESIS, Move(old.id), 1)})
            Transaction().cache.clear()
            new = self.done_move(product, loc['STO'], loc['CUS'], 1)
            Move.seal_ledger()
            self.assertEqual(
                [Move(m.id).ledger_version for m in [old, new]],
                [None, LEDGER_VERSION])
            self.assertEqual(Move.verify_ledger(), [])
            # v1 does not cover the price: v2 does
            cursor.execute(*table.update([table.unit_price], [Decimal(9)],
                    where=table.id.in_([old.id, new.id])))
            Transaction().cache.clear()
            self.assertEqual(
                [b[1:] for b in Move.verify_ledger()], [(2, new.id, 'hash')])

    @with_transaction()
    def test_recompute_cost_keeps_done_moves(self):
        """Recomputing a product's cost changes the product's cost, never
        the cost a done move was done at"""
        pool = Pool()
        Move = pool.get('stock.move')
        Product = pool.get('product.product')
        company = create_company()
        with set_company(company):
            product, loc = self.setup_stock()
            product.template.cost_price_method = 'average'
            product.template.save()
            today = datetime.date.today()
            receipt = self.done_move(product, loc['SUP'], loc['STO'], 1)
            sale = self.done_move(product, loc['STO'], loc['CUS'], 1)
            cost = Move(sale.id).cost_price
            self.assertEqual(cost, Decimal('2'))
            # A receipt done late, dated before the sale
            self.done_move(product, loc['SUP'], loc['STO'], 1,
                unit_price=Decimal('8'),
                effective_date=today - datetime.timedelta(1))
            Move.write([receipt, sale], {'unit_price_updated': True})
            with self.assertRaises(LedgerError):
                Move.write([sale], {'cost_price': Decimal('5')})
            Product.recompute_cost_price(
                [product], start=today - datetime.timedelta(1))
            self.assertEqual(Move(sale.id).cost_price, cost)
            self.assertEqual(
                Product(product.id).cost_price, Decimal('5'))


def frozen_fields(Move):
    "The stored fields of a done move that nothing may write"
    allowed = (SERVER_WRITABLE_DONE | LEDGER_CHAIN_FIELDS | ORM_IGNORED
        | {'state'})
    return sorted(n for n, f in Move._fields.items()
        if n not in allowed and not isinstance(f, fields.Function)
        and f._type not in {'one2many', 'many2many'})


def changed_value(Model, record, name, sql=False):
    "Another value for field name of record, as a write or SQL would take"
    pool = Pool()
    field = Model._fields[name]
    current = getattr(record, name, None)
    type_ = field._type
    if type_ == 'many2one':
        Target = pool.get(field.model_name)
        others = Target.search([
                ('id', '!=', current.id if current else -1),
                ], limit=1, order=[('id', 'DESC')])
        # A write is refused for its field, whatever the value
        assert others or not sql, name
        return others[0].id if others else current.id
    elif type_ == 'reference':
        return None if sql and current else str(record)
    elif type_ in {'integer', 'float'}:
        return (current or 0) + 1
    elif type_ == 'numeric':
        return (current or Decimal(0)) + 1
    elif type_ == 'date':
        return (current or datetime.date.today()) + datetime.timedelta(1)
    elif type_ in {'datetime', 'timestamp'}:
        return (current or datetime.datetime.now()
            ) + datetime.timedelta(seconds=1)
    elif type_ == 'selection':
        return 'cancelled' if current == 'done' else 'done'
    elif type_ == 'boolean':
        return not current
    return (current or '') + 'x'


def check_ledger_fields(test):
    "Every stored field of stock.move in the pool is hashed or listed"
    Move = Pool().get('stock.move')
    hashed = set(LEDGER_FIELDS[LEDGER_VERSION])
    unlisted = sorted(n for n, f in Move._fields.items()
        if not isinstance(f, fields.Function)
        and f._type not in {'one2many', 'many2many'}
        and n not in hashed and n not in Move._ledger_unhashed)
    test.assertEqual(unlisted, [],
        msg="Add these fields to a new version of LEDGER_FIELDS, or to "
        "Move._ledger_unhashed with a reason")
    for name, reason in Move._ledger_unhashed.items():
        test.assertTrue(reason, msg=name)
        test.assertNotIn(name, hashed)


del ModuleTestCase
