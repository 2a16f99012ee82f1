# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import csv
import inspect
import os
from pathlib import Path

from defusedxml import ElementTree

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.model import ModelStorage, fields
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.device_retail.tests.roles import (
    STAFF_ROLE_GROUPS, acting_as, create_staff_user, staff_groups)
from trytond.modules.repair.tests.tools import create_shop, create_unit
from trytond.modules.stock_branch.ir import BranchRule, branch_scope
from trytond.modules.stock_ledger.exceptions import LedgerError
from trytond.modules.stock_ledger.tests.test_module import (
    changed_value, check_ledger_fields, frozen_fields)
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


DOC = Path(__file__).resolve().parent.parent / 'doc'
BRANCH_FIELDS = {
    'warehouse', 'branch', 'from_branch', 'to_branch', 'current_warehouse'}
# Models that name a branch without belonging to it, and why
BRANCH_SCOPE_EXEMPT = {
    'res.user': "the branches a user works in, managed by administrators",
    'stock.location': "branches and their places are named on every "
    "document; their stock is scoped where it is computed",
    'account.move.line': "the general ledger is the company's, read by "
    "accountants of every branch",
    'stock.location.waste': "a warehouse's waste places: configuration",
    }


SUITE_MODULES = sorted(p.parent.name
    for p in Path(__file__).resolve().parents[2].glob('*/tryton.cfg'))


def button_actions(pool):
    """(model, (button, action xml id)) of every button that opens an
    action, as ModelView.button_action declares it"""
    for model, Model in pool.iterobject():
        for name in getattr(Model, '_buttons', {}):
            for klass in Model.__mro__:
                if name in vars(klass):
                    method = vars(klass)[name]
                    function = getattr(method, '__func__', method)
                    try:
                        closure = inspect.getclosurevars(function).nonlocals
                    except TypeError:
                        continue
                    if isinstance(closure.get('action'), str):
                        yield model, (name, closure['action'])
                        break


def branch_owned_models(pool):
    for _, Model in pool.iterobject():
        if issubclass(Model, BranchOwnedMixin):
            yield Model


def branch_scope_audit(pool):
    """Yield each stored model that stores a branch or a required link to
    a branch-owned record, with whether a branch scope applies to it"""
    for _, Model in pool.iterobject():
        # A relation ("a-b") holds ids only, its ends are scoped
        if (not issubclass(Model, ModelStorage)
                or not hasattr(Model, '__table__')
                or Model.__name__.startswith('ir.')
                or '-' in Model.__name__):
            continue
        scoped = bool(branch_scope(Model))
        for name, field in Model._fields.items():
            if isinstance(field, fields.Function) or field._type != 'many2one':
                continue
            Target = pool.get(field.model_name)
            stores_branch = (
                field.model_name == 'stock.location'
                and name in BRANCH_FIELDS)
            belongs = (field.required
                and issubclass(Target, BranchOwnedMixin)
                and Target is not Model)
            if stores_branch or belongs:
                yield Model, scoped
                break


class DeviceRetailTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Device Retail module"
    module = 'device_retail'

    @with_transaction()
    def test_roles_bundle_staff_group(self):
        "Each staff role grants its own group and only read for the auditor"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Role = pool.get('res.role')
        for key in [
                'cashier', 'technician', 'stock_clerk', 'branch_manager',
                'accountant', 'auditor']:
            role = Role(ModelData.get_id('device_retail', 'role_%s' % key))
            group_ids = {g.id for g in role.groups}
            self.assertIn(
                ModelData.get_id('device_retail', 'group_%s' % key),
                group_ids, key)
        # The auditor sees every branch, and that grants no access
        Access = pool.get('ir.model.access')
        auditor = Role(ModelData.get_id('device_retail', 'role_auditor'))
        all_branches = ModelData.get_id('stock_branch', 'group_branch_all')
        self.assertEqual({g.id for g in auditor.groups}, {
                ModelData.get_id('device_retail', 'group_auditor'),
                all_branches})
        self.assertEqual(Access.search([('group', '=', all_branches)]), [])

    @with_transaction()
    def test_staff_role_groups_are_the_roles(self):
        """The role table the modules' tests build their staff from is the
        demo's roles, group for group"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Role = pool.get('res.role')
        roles = ModelData.search([
                ('module', '=', 'device_retail'), ('model', '=', 'res.role'),
                ])
        self.assertEqual(
            sorted(d.fs_id for d in roles),
            sorted('role_%s' % r for r in STAFF_ROLE_GROUPS))
        xml_ids = {d.db_id: '%s.%s' % (d.module, d.fs_id)
            for d in ModelData.search([('model', '=', 'res.group')])}
        company = create_company()
        with set_company(company):
            for role, groups in STAFF_ROLE_GROUPS.items():
                with self.subTest(role=role):
                    record = Role(ModelData.get_id(
                            'device_retail', 'role_%s' % role))
                    self.assertEqual(
                        sorted(xml_ids[g.id] for g in record.groups),
                        sorted(groups))
                    user = create_staff_user(company, role)
                    self.assertEqual(
                        sorted(xml_ids[g.id] for g in user.groups),
                        sorted(groups))

    @with_transaction()
    def test_auditor_reads_but_never_writes(self):
        "The auditor group reads the stock and money trail and writes nothing"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Access = pool.get('ir.model.access')
        auditor = ModelData.get_id('device_retail', 'group_auditor')
        accesses = Access.search([('group', '=', auditor)])
        models = {a.model for a in accesses}
        self.assertTrue(
            {'stock.move', 'account.move.line', 'sale.point.sale',
                'stock.valuation.reconciliation',
                'stock.valuation.snapshot'} <= models)
        for access in accesses:
            self.assertTrue(access.perm_read, access.model)
            self.assertFalse(
                access.perm_write or access.perm_create or access.perm_delete,
                access.model)

    @with_transaction()
    def test_auditor_writes_nothing_anywhere(self):
        """With the auditor role, no model of the shop, core's included, can
        be written, created or deleted; it still reads the trail"""
        pool = Pool()
        Access = pool.get('ir.model.access')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            auditor = create_staff_user(company, 'auditor')
            alice, = Party.create([{'name': "Alice"}])
            models = sorted(name for name, Model in pool.iterobject()
                if issubclass(Model, ModelStorage)
                and not name.startswith(('ir.', 'res.')))
            self.assertGreater(len(models), 200)
            with acting_as(auditor):
                access = Access.get_access(models)
                writable = [m for m, perms in access.items()
                    if perms['write'] or perms['create'] or perms['delete']]
                self.assertEqual(writable, [])
                for model in ['party.party', 'stock.move', 'stock.lot',
                        'account.move.line', 'sale.point.sale']:
                    self.assertTrue(access[model]['read'], model)

                # Party has no access record in core: open to all but them
                self.assertIn(alice, Party.search([]))
                for action in [
                        lambda: Party.create([{'name': "Mallory"}]),
                        lambda: Party.write([alice], {'name': "Eve"}),
                        lambda: Party.delete([alice]),
                        lambda: Party.copy([alice]),
                        ]:
                    with self.assertRaises(AccessError):
                        action()
            self.assertEqual(Party(alice.id).name, "Alice")
            # Other staff, and admin who holds every staff group, still do
            cashier = create_staff_user(company, 'cashier')
            for user in [cashier.id, 1]:
                with Transaction().set_user(user):
                    self.assertTrue(
                        Access.get_access(['party.party'])[
                            'party.party']['write'])

    @with_transaction(context={'_skip_warnings': True})
    def test_branch_manager_cancels_shipped_transfer(self):
        """The sending branch's manager brings a shipped transfer back; the
        clerk and another branch's manager cannot"""
        pool = Pool()
        CreateBranch = pool.get('stock.branch.create', type='wizard')
        Shipment = pool.get('stock.shipment.internal')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            downtown, phone, _ = create_shop()
            airport, central = [
                CreateBranch.create_branch(name=n, code=c)
                for n, c in [("Airport", 'AP'), ("Central", 'CE')]]
            unit = create_unit(phone, downtown.storage_location)
            transfer, = Shipment.create([{
                        'from_location': downtown.storage_location.id,
                        'to_location': airport.storage_location.id,
                        'company': company.id,
                        'moves': [('create', [{
                                        'product': phone.id,
                                        'unit': phone.default_uom.id,
                                        'quantity': 1,
                                        'from_location': (
                                            downtown.storage_location.id),
                                        'to_location': (
                                            airport.storage_location.id),
                                        'company': company.id,
                                        }])],
                        }])
            Shipment.wait([transfer])
            Shipment.dispatch_scanned(transfer, [(unit.imei, 1)])
            self.assertEqual(Shipment(transfer.id).state, 'shipped')
            clerk = create_staff_user(
                company, 'stock_clerk', 'clerk', [downtown])
            manager = create_staff_user(
                company, 'branch_manager', 'manager', [downtown])
            other = create_staff_user(
                company, 'branch_manager', 'other', [central])

            with acting_as(clerk), self.assertRaises(AccessButtonError):
                Shipment.cancel([Shipment(transfer.id)])
            with acting_as(other), self.assertRaises(AccessError):
                Shipment.cancel([Shipment(transfer.id)])
            self.assertEqual(Shipment(transfer.id).state, 'shipped')
            with acting_as(manager):
                Shipment.cancel([Shipment(transfer.id)])
            self.assertEqual(Shipment(transfer.id).state, 'cancelled')
            self.assertEqual(
                Lot(unit.id).current_location, downtown.storage_location)

    @with_transaction()
    def test_each_role_opens_its_daily_work(self):
        """Under Device Retail each role finds its own folders, none empty,
        and every entry opens for the role as the client opens it: its
        views load and its list reads, its wizard starts"""
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        CreateBranch = pool.get('stock.branch.create', type='wizard')
        company = create_company()
        with set_company(company):
            branch = CreateBranch.create_branch(name="Downtown", code='DT')
            top = ModelData.get_id('device_retail', 'menu_device_retail')
            roles = {
                'cashier': {'Front Desk'},
                'technician': {'Workshop'},
                'stock_clerk': {'Stock Room'},
                'branch_manager': {
                    'Front Desk', 'Workshop', 'Stock Room', 'Branch',
                    'Configuration'},
                'accountant': {'Accounts', 'Configuration'},
                'auditor': {'Audit'},
                }
            defined = {}
            for menu in Menu.search([('parent', 'child_of', [top])]):
                defined.setdefault(menu.parent, set()).add(menu)
            for role, folders in roles.items():
                user = create_staff_user(company, role, branches=[branch])
                with self.subTest(role=role), acting_as(user):
                    menus = Menu.search([('parent', 'child_of', [top])])
                    children = {}
                    for menu in menus:
                        children.setdefault(menu.parent, set()).add(menu)
                    self.assertEqual(
                        {m.name for m in children[Menu(top)]}, folders)
                    # No entry is hidden from its role: all the folder's work
                    for folder in children[Menu(top)]:
                        self.assertEqual(
                            {m.name for m in children.get(folder, [])},
                            {m.name for m in defined[folder]}, folder.name)
                    for menu in menus:
                        if not menu.action:
                            self.assertTrue(
                                children.get(menu), menu.complete_name)
                            continue
                        with self.subTest(menu=menu.complete_name):
                            self.open_action(menu.action)

    def open_action(self, action):
        "Open action as the client does for the user of the transaction"
        pool = Pool()
        transaction = Transaction()
        if action.__name__ == 'ir.action.wizard':
            Wizard = pool.get(action.wiz_name, type='wizard')
            with transaction.set_context(action_id=action.action.id):
                session_id, start, _ = Wizard.create()
                # execute is not access checked over RPC but for its groups
                with transaction.set_context(_check_access=False):
                    result = Wizard.execute(session_id, {}, start)
                self.assertIn('view', result)
                Wizard.delete(session_id)
            return
        self.assertEqual(action.__name__, 'ir.action.act_window')
        Model = pool.get(action.res_model)
        views = [(v.view.id, v.view.type) for v in action.act_window_views]
        views = views or [(None, 'tree'), (None, 'form')]
        fields = set()
        for view_id, view_type in views:
            fields.update(Model.fields_view_get(
                    view_id=view_id, view_type=view_type)['fields'])
        records = Model.search([], limit=5)
        Model.read([r.id for r in records], sorted(fields))

    @with_transaction()
    def test_role_matrix(self):
        """Each role's rights on every model and its buttons are those of
        the written matrix (doc/role_matrix.csv, doc/role_buttons.csv); an
        export of a model the role cannot read is refused

        ROLE_MATRIX_WRITE=1 rewrites both files from the pool, for review
        in the diff, when a change of rights is meant."""
        pool = Pool()
        Access = pool.get('ir.model.access')
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        company = create_company()
        roles = list(STAFF_ROLE_GROUPS)
        models = sorted(name for name, Model in pool.iterobject()
            if issubclass(Model, ModelStorage)
            and not name.startswith(('ir.', 'res.')))
        buttons = [(m, b) for m in models
            for b in sorted(getattr(pool.get(m), '_buttons', {}))]
        rights = {m: [] for m in models}
        clicks = {b: [] for b in buttons}
        with set_company(company):
            for role in roles:
                user = create_staff_user(company, role)
                with acting_as(user):
                    access = Access.get_access(models)
                    groups = set(User.get_groups())
                    for model in models:
                        perms = access[model]
                        rights[model].append(''.join(
                                letter if perms[perm] else '-'
                                for letter, perm in [('r', 'read'),
                                    ('c', 'create'), ('w', 'write'),
                                    ('d', 'delete')]))
                        if not perms['read']:
                            # A client's export is refused as its read is
                            with self.subTest(role=role, model=model), \
                                    self.assertRaises(AccessError):
                                pool.get(model).export_data_domain(
                                    [], ['id'], limit=1)
                    for model, name in buttons:
                        button_groups = Button.get_groups(model, name)
                        allowed = (groups & button_groups if button_groups
                            else access[model]['write'])
                        clicks[model, name].append('x' if allowed else '-')
        matrix = [['model'] + roles] + [[m] + rights[m] for m in models]
        button_matrix = [['model', 'button'] + roles] + [
            [m, b] + clicks[m, b] for m, b in buttons]
        doc = DOC
        for name, rows in [('role_matrix.csv', matrix),
                ('role_buttons.csv', button_matrix)]:
            path = doc / name
            if os.environ.get('ROLE_MATRIX_WRITE'):
                with open(path, 'w', newline='') as file:
                    csv.writer(file, lineterminator='\n').writerows(rows)
            with open(path, newline='') as file:
                written = list(csv.reader(file))
            missing = [r for r in rows if r not in written]
            extra = [r for r in written if r not in rows]
            self.assertEqual((missing, extra), ([], []),
                f"{name}: the pool gives the first rows, the matrix the "
                "second; fix the rights, or the matrix if the change is "
                "meant (ROLE_MATRIX_WRITE=1)")

    @with_transaction()
    def test_refusals_name_the_roles_that_may(self):
        """A button, a wizard or a model refused to a role names the roles
        that may use it"""
        pool = Pool()
        Access = pool.get('ir.model.access')
        ActionWizard = pool.get('ir.action.wizard')
        Button = pool.get('ir.model.button')
        ModelData = pool.get('ir.model.data')
        Role = pool.get('res.role')
        User = pool.get('res.user')
        company = create_company()
        roles = list(STAFF_ROLE_GROUPS)
        names = {r: Role(ModelData.get_id('device_retail', 'role_' + r)).name
            for r in roles}
        models = sorted(name for name, Model in pool.iterobject()
            if issubclass(Model, ModelStorage)
            and not name.startswith(('ir.', 'res.')))
        buttons = [(m, b) for m in models
            for b in sorted(getattr(pool.get(m), '_buttons', {}))
            if callable(getattr(pool.get(m), b, None))]
        # Not Tryton's own housekeeping (activating modules rolls back)
        wizards = {a.wiz_name: {g.id for g in a.action.groups}
            for a in ActionWizard.search([('action.groups', '!=', None)])
            if not a.wiz_name.startswith(('ir.', 'res.'))}

        def refusal(call):
            try:
                call()
            except (AccessError, AccessButtonError) as error:
                return f'{error.message} {error.description}'
            self.fail("not refused")

        with set_company(company):
            users = {r: create_staff_user(company, r) for r in roles}
            may_click, may_run, groups = {}, {}, {}
            for role, user in users.items():
                with acting_as(user):
                    groups[role] = set(User.get_groups())
                    access = Access.get_access(models)
                    for model, name in buttons:
                        button_groups = Button.get_groups(model, name)
                        if (groups[role] & button_groups if button_groups
                                else access[model]['write']):
                            may_click.setdefault((model, name), set()).add(
                                role)
                    for wizard, wizard_groups in wizards.items():
                        if groups[role] & wizard_groups:
                            may_run.setdefault(wizard, set()).add(role)
            refused = named = 0
            for role, user in users.items():
                with acting_as(user):
                    access = Access.get_access(models)
                    for model, name in buttons:
                        others = may_click.get((model, name), set())
                        if role in others or not access[model]['read']:
                            continue
                        text = refusal(
                            lambda: getattr(pool.get(model), name)([]))
                        refused += 1
                        with self.subTest(role=role, button=(model, name)):
                            if others:
                                named += 1
                                self.assertTrue(
                                    any(names[o] in text for o in others),
                                    text)
                    for wizard, wizard_groups in wizards.items():
                        others = may_run.get(wizard, set())
                        if role in others:
                            continue
                        text = refusal(pool.get(wizard, type='wizard').create)
                        refused += 1
                        with self.subTest(role=role, wizard=wizard):
                            if others:
                                named += 1
                                self.assertTrue(
                                    any(names[o] in text for o in others),
                                    text)
            self.assertGreater(refused, 100)
            self.assertGreater(named, 100)
            # The technician asks to approve the customer's quote
            with acting_as(users['technician']):
                text = refusal(lambda: pool.get('repair.job').approve([]))
            self.assertIn("not allowed", text)
            self.assertIn(names['cashier'], text)
            self.assertIn(names['branch_manager'], text)
            # The clerk starts the stock value reconciliation directly
            with acting_as(users['stock_clerk']):
                text = refusal(pool.get(
                        'stock.valuation.reconcile', type='wizard').create)
            self.assertIn(names['accountant'], text)
            # A model's read refused: the stock clerk reads no cash session
            with acting_as(users['stock_clerk']):
                text = refusal(lambda: pool.get('sale.point.cash.session')
                    .search([]))
            self.assertIn(names['accountant'], text)

    @with_transaction()
    def test_branch_owned_models_declare_their_scope(self):
        """Every model that stores a branch, or belongs to a document that
        does, is scoped to the user's branches by the one mechanism"""
        pool = Pool()
        Location = pool.get('stock.location')
        Rule = pool.get('ir.rule')
        User = pool.get('res.user')
        for Model, scoped in branch_scope_audit(pool):
            with self.subTest(model=Model.__name__):
                self.assertTrue(
                    scoped or Model.__name__ in BRANCH_SCOPE_EXEMPT,
                    "stores a branch or belongs to a branch-owned record, "
                    "but declares no branch scope (BranchOwnedMixin) and "
                    "is not exempt with a reason")
        for Model in branch_owned_models(pool):
            for path in Model._branch_paths:
                with self.subTest(model=Model.__name__, path=path):
                    Target = Model
                    for name in path.split('.'):
                        field = Target._fields[name]
                        Target = pool.get(field.model_name)
                    self.assertEqual(Target, Location)
        # A user of one branch gets every scope as a global clause
        company = create_company()
        with set_company(company):
            warehouse, = Location.search([('type', '=', 'warehouse')])
            user, = User.create([{
                        'login': 'one_branch',
                        'name': "One Branch",
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'branches': [('add', [warehouse.id])],
                        }])
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                for Model, _ in branch_scope_audit(pool):
                    if not branch_scope(Model):
                        continue
                    with self.subTest(model=Model.__name__):
                        _, clause_global = Rule.get(Model.__name__)
                        scopes = [k for k in clause_global
                            if isinstance(k, BranchRule)]
                        self.assertTrue(scopes)
                        self.assertIn(
                            str(warehouse.id),
                            str(Rule.domain_get(Model.__name__)))

    @with_transaction()
    def test_wizards_check_the_groups_of_their_buttons(self):
        """A wizard that a button opens cannot be started directly by a
        role that may not click the button (Correct Identity once could)"""
        pool = Pool()
        ActionWizard = pool.get('ir.action.wizard')
        Button = pool.get('ir.model.button')
        ModelData = pool.get('ir.model.data')
        ModelAccess = pool.get('ir.model.access')
        suite = set(SUITE_MODULES)
        checked = []
        company = create_company()
        role_access = {}
        with set_company(company):
            for role in STAFF_ROLE_GROUPS:
                user = create_staff_user(company, role)
                with acting_as(user):
                    role_access[role] = ModelAccess.get_access(
                        [m for m, _ in pool.iterobject()])
        for model, action in button_actions(pool):
            module, fs_id = action[1].split('.')
            if module not in suite:
                continue
            action_wizard = ActionWizard.search([
                    ('id', '=', ModelData.get_id(module, fs_id))])
            if not action_wizard:
                continue
            wiz_name = action_wizard[0].wiz_name
            button_groups = Button.get_groups(model, action[0])
            wizard_groups = ActionWizard.get_groups(wiz_name)
            with self.subTest(model=model, button=action[0], wizard=wiz_name):
                if not button_groups:
                    # Clicking needs write access to the model
                    for role, access in role_access.items():
                        may_start = access[model]['read'] and (
                            not wizard_groups
                            or bool(set(staff_groups(role)) & wizard_groups))
                        self.assertLessEqual(
                            may_start, access[model]['write'], role)
                    continue
                self.assertTrue(wizard_groups, "the wizard has no group")
                self.assertLessEqual(wizard_groups, button_groups)
                for role in STAFF_ROLE_GROUPS:
                    groups = set(staff_groups(role))
                    self.assertLessEqual(
                        bool(groups & wizard_groups),
                        bool(groups & button_groups), role)
                checked.append(wiz_name)
        self.assertIn('stock.lot.correct_identity', checked)

    @with_transaction(context={'_skip_warnings': True})
    def test_done_move_frozen_for_every_role(self):
        """Every stored field of stock.move, from every module, is in the
        ledger chain or listed with a reason; no role, the administrator
        included, writes one of a done move"""
        pool = Pool()
        Move = pool.get('stock.move')
        User = pool.get('res.user')
        check_ledger_fields(self)
        company = create_company()
        with set_company(company):
            branch, phone, _ = create_shop()
            unit = create_unit(phone, branch.storage_location)
            move, = Move.search([('lot', '=', unit.id)])
            self.assertEqual(move.state, 'done')
            values = {n: changed_value(Move, move, n)
                for n in frozen_fields(Move)}
            self.assertIn('transfer_cost', values)
            self.assertIn('from_branch', values)
            admin, = User.search([('login', '=', 'admin')])
            users = [admin] + [
                create_staff_user(company, role, branches=[branch])
                for role in STAFF_ROLE_GROUPS]
            for user in users:
                for name, value in values.items():
                    with self.subTest(user=user.login, field=name), \
                            self.assertRaises(AccessError):
                        with acting_as(user):
                            Move.write([Move(move.id)], {name: value})
            # Prices and cost, by the server itself
            for name in ['unit_price', 'cost_price', 'currency']:
                with self.subTest(field=name), \
                        self.assertRaises(LedgerError):
                    Move.write([move], {name: values[name]})

    @with_transaction()
    def test_list_views_open_in_the_web_client(self):
        "No list shows a date-time column sao 8.0 cannot build"
        # sao's list columns have no datetime or timestamp widget: Tryton
        # lists show such a field as a date and a time column
        pool = Pool()
        View = pool.get('ir.ui.view')
        unbuildable = []
        for view in View.search([
                    ('type', '=', 'tree'),
                    ('inherit', '=', None),
                    ]):
            Model = pool.get(view.model)
            result = Model.fields_view_get(view_id=view.id)
            for node in ElementTree.fromstring(result['arch']).iter('field'):
                field = result['fields'].get(node.get('name'), {})
                if (field.get('type') in {'datetime', 'timestamp'}
                        and node.get('widget') not in {'date', 'time'}):
                    unbuildable.append(
                        (view.module, view.model, node.get('name')))
        self.assertEqual(sorted(set(unbuildable)), [])

    @with_transaction()
    def test_checklist_without_setup(self):
        "The checklist lists what a new company still has to configure"
        pool = Pool()
        Checklist = pool.get('device_retail.checklist', type='wizard')
        company = create_company()
        with set_company(company):
            session_id, _, _ = Checklist.create()
            checklist = Checklist(session_id)
            result = checklist.default_start([])
        checks = {l['check']: l for l in result['lines']}
        self.assertFalse(result['complete'])
        self.assertEqual(len(checks), len(Checklist.checks()))
        company_line = result['lines'][0]
        self.assertTrue(company_line['ok'])
        self.assertEqual(company_line['advice'], '')
        fiscalyear_line = result['lines'][1]
        self.assertFalse(fiscalyear_line['ok'])
        self.assertIn('Continental', fiscalyear_line['advice'])

    @with_transaction()
    def test_checklist_staff_branches(self):
        "Staff of a branch without any branch is reported"
        pool = Pool()
        Checklist = pool.get('device_retail.checklist', type='wizard')
        CreateBranch = pool.get('stock.branch.create', type='wizard')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        with set_company(company):
            branch = CreateBranch.create_branch(name="Downtown", code='DT')
            cashier, = User.create([{
                        'name': "Casey", 'login': 'casey',
                        'roles': [('create', [{
                                        'role': ModelData.get_id(
                                            'device_retail', 'role_cashier'),
                                        }])],
                        }])
            session_id, _, _ = Checklist.create()
            check = Checklist(session_id).check_staff_branches
            self.assertFalse(check())
            User.write([cashier], {'branches': [('add', [branch.id])]})
            self.assertTrue(check())


del ModuleTestCase
