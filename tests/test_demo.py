# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""The demo command (scripts/demo) and the shop it loads."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest
from shop import PASSWORD, ROOT, free_port, run_demo
from stdnum import imei

from proteus import Model, Wizard
from proteus import config as proteus_config

STAFF_ROLES = {
    'manager': 'Branch Manager',
    'cashier': 'Cashier / Front Desk',
    'clerk': 'Stock Clerk',
    'technician': 'Technician',
    'technician2': 'Technician',
    'accountant': 'Accountant',
    'auditor': 'Auditor',
    }


@pytest.fixture(scope='module')
def admin(demo_server):
    return proteus_config.set_xmlrpc(demo_server.xmlrpc_url())


def search_read(config, model, domain, fields):
    "The fields of the records of domain, in one call"
    return config.get_proxy(model).search_read(
        domain, 0, None, [('id', 'ASC')], fields, config.context)


def test_demo_prints_the_logins(demo_shop):
    for login in ['admin'] + list(STAFF_ROLES):
        assert f'login {login} ' in demo_shop.output
    assert PASSWORD in demo_shop.output
    # Without a server, no address to open
    assert 'http://' not in demo_shop.output


def test_demo_shows_its_progress(demo_shop):
    "Each long step says how far it is"
    lines = demo_shop.output.splitlines()
    progress = [l for l in lines if l.startswith('demo: activating: ')]
    assert len(progress) >= 5, demo_shop.output
    counts = [tuple(map(int, re.search(r'(\d+)/(\d+) modules', l).groups()))
        for l in progress]
    assert [d for d, _ in counts] == sorted(d for d, _ in counts)
    assert counts[-1][0] == counts[-1][1], counts
    # The loader's steps, relayed as they come
    assert 'demo: staff users created' in lines
    assert lines.index('demo: staff users created') < lines.index(
        next(l for l in lines if l.startswith('demo: demo shop loaded')))


def test_demo_serves_quietly(demo_shop):
    """The server logs no request, and the logins are the last lines, once
    it answers"""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / 'scripts' / 'demo.py'), '--no-sao',
            '--port', str(port), '--var', str(demo_shop.var),
            '--database', demo_shop.database],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    output = []
    try:
        deadline = time.monotonic() + 300
        for line in process.stdout:
            output.append(line.rstrip('\n'))
            if 'serving; press Ctrl-C' in line:
                break
            assert time.monotonic() < deadline, output
        url = f'http://localhost:{port}/'
        assert f'demo: the shop is at {url}#{demo_shop.database}' in output
        # It answers now: a call of the API, and a page
        server = xmlrpc.client.ServerProxy(
            f'http://cashier:{PASSWORD}@127.0.0.1:{port}/'
            f'{demo_shop.database}/rpc/')
        preferences = server.model.res.user.get_preferences(True, {})
        assert preferences['company'], preferences
        for _ in range(3):
            try:
                urllib.request.urlopen(url, timeout=10)
            except urllib.error.HTTPError:
                pass
        time.sleep(1)
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    output += rest.splitlines()
    assert process.returncode == 0, output
    assert not [l for l in output if 'HTTP/1.1' in l or 'POST /' in l], (
        output)
    assert output[-1] == 'demo: stopped', output
    end = output.index('demo: serving; press Ctrl-C to stop')
    logins = output[end - len(STAFF_ROLES) - 1:end]
    assert [l.split()[1] for l in logins] == ['admin', *STAFF_ROLES], output


def test_branches_and_accounting(admin):
    Location = Model.get('stock.location')
    FiscalYear = Model.get('account.fiscalyear')
    warehouses = {w.code: w for w in Location.find(
            [('type', '=', 'warehouse')])}
    assert set(warehouses) == {'WH', 'DT', 'AP'}
    assert warehouses['WH'].name == "Central Warehouse"
    for warehouse in warehouses.values():
        assert warehouse.storage_location.parent == warehouse
    fiscalyear, = FiscalYear.find([])
    assert fiscalyear.account_stock_method == 'continental'
    assert fiscalyear.periods


def test_count_schedules(admin):
    Schedule = Model.get('stock.inventory.schedule')
    schedules = {s.warehouse.code: (
            s.interval_type, s.location == s.warehouse.storage_location)
        for s in Schedule.find([])}
    assert schedules == {'DT': ('weeks', True), 'AP': ('months', True)}


def test_warranty_policies(admin):
    "New and refurbished phones each have their policy, at version 1"
    Policy = Model.get('warranty.policy')
    policies = {p.condition: (
            p.replacement_days, p.service_months, p.version)
        for p in Policy.find([])}
    assert policies == {'new': (14, 24, 1), 'refurbished': (7, 12, 1)}


def test_phones_have_valid_unique_imeis_in_stock(admin):
    Product = Model.get('product.product')
    Lot = Model.get('stock.lot')
    phones = Product.find([('template.attribute_set.name', '=', "Phone")])
    assert len(phones) == 5
    assert len({(p.template.id, tuple(sorted(p.attributes.items())))
                for p in phones}) == 5
    for phone in phones:
        assert phone.template.tracking == 'imei'
        assert 'customer' in phone.template.lot_required
    # The fields asserted on only: a unit's other fields are computed
    lots = search_read(admin, 'stock.lot',
        [('product', 'in', [p.id for p in phones])],
        ['imei', 'number', 'current_warehouse.code', 'unit_cost',
            'supplier', 'grade.code'])
    numbers = [l['imei'] for l in lots]
    assert all(l['number'] == l['imei'] for l in lots)

    def warehouse(lot):
        return (lot['current_warehouse.'] or {}).get('code')
    # Two sold at the till (one came back), two in transit
    assert {warehouse(l) for l in lots if warehouse(l)} == {'WH', 'DT', 'AP'}
    assert len([l for l in lots if not warehouse(l)]) == 3
    assert all(l['unit_cost'] and l['supplier'] for l in lots)
    # Graded: the last of each model received centrally is an open box
    grades = [(warehouse(l), l['grade.']['code']) for l in lots]
    assert grades.count(('WH', 'open_box')) == 5
    assert {g for _, g in grades} == {'new', 'open_box'}
    assert len(numbers) == 5 * (6 + 3 + 3)
    assert len(set(numbers)) == len(numbers)
    assert all(imei.is_valid(n) and len(n) == 15 for n in numbers)
    downtown, = Model.get('stock.location').find([('code', '=', 'DT')])
    with admin.set_context(locations=[downtown.id]):
        quantities = [l.quantity for l in Lot.find(
                [('product', '=', phones[0].id)])]
    assert sorted(quantities) == [0] * 9 + [1] * 3


def test_batches_expire_and_untracked_items_do_not(admin):
    Product = Model.get('product.product')
    Lot = Model.get('stock.lot')
    batches = Product.find([('template.shelf_life_state', '=', 'required')])
    assert len(batches) == 2
    assert {p.template.tracking for p in batches} == {'batch'}
    for product in batches:
        lots = Lot.find([('product', '=', product.id)])
        assert len(lots) == 6
        assert all(l.shelf_life_expiration_date for l in lots)
    untracked = Product.find([
            ('template.type', '=', 'goods'),
            ('template.tracking', '=', 'none'),
            ])
    assert {p.template.name for p in untracked} >= {
        "USB-C Cable 1 m", "Universal Phone Case"}
    warehouses = Model.get('stock.location').find(
        [('type', '=', 'warehouse')])
    # Several locations count their children only when asked.
    with admin.set_context(
            locations=[w.id for w in warehouses], with_childs=True):
        cable, = [p for p in untracked if p.template.name.startswith('USB')]
        cable = Product(cable.id)
        # Received 200 centrally and 100 per branch; 3 sold at the till.
        assert cable.quantity == 200 + 100 + 100 - 3


def test_receipts_posted_to_the_general_ledger(admin):
    moves = search_read(admin, 'account.move', [('journal.code', '=', 'STO')],
        ['state'])
    assert moves
    assert {m['state'] for m in moves} == {'posted'}
    lines = search_read(admin, 'account.move.line',
        [('move', 'in', [m['id'] for m in moves])], ['debit', 'credit'])
    assert (sum(l['debit'] for l in lines)
        == sum(l['credit'] for l in lines) > 0)


def test_balance_sheet_and_income_statement(admin):
    "The ledgers show the capital, purchases, debts, cash and margin"
    Account = Model.get('account.account')
    Type = Model.get('account.account.type')
    Invoice = Model.get('account.invoice')
    Sale = Model.get('sale.point.sale')

    def balance(code):
        account, = Account.find([('code', '=', code)])
        return account.balance

    def amount(name):
        type_, = Type.find([('name', '=', name)])
        return type_.amount

    invoices = Invoice.find([('type', '=', 'in')])
    assert {i.state for i in invoices} == {'posted', 'paid'}
    Lot = Model.get('stock.lot')
    sales = Sale.find([])
    assert len(sales) == 4 and {s.state for s in sales} == {'posted'}
    unpaid = sum(i.total_amount for i in invoices if i.state == 'posted')
    paid = sum(i.total_amount for i in invoices if i.state == 'paid')
    assert balance('3.1.1') == -250000
    assert balance('2.1.1') == -unpaid
    assert balance('1.1.1') == 250000 - paid + sum(s.total for s in sales)
    # Continental: purchases less the stock kept are the cost of sales:
    # the 3 cables (3 each) and 4 cases (5 each) sold, the phone sold to
    # Bob (Alice's came back to stock at its cost) and the 2 screens (40
    # each) used in repairs.
    assert balance('5.1.1') == paid + unpaid
    revenue = sum(s.total - s.total_tax for s in sales)
    assert amount("Revenue") == revenue
    bobs_phone, = Lot.find([
            ('owner.name', '=', "Bob Martin"),
            ('product.template.salable', '=', True),
            ])
    cost_of_sales = 3 * 3 + 4 * 5 + bobs_phone.unit_cost + 2 * 40
    assert amount("Cost of Sales") == -cost_of_sales
    profit = amount("Current Period Profit or Lost")
    assert profit == revenue - cost_of_sales > 0
    # The balance sheet balances, the profit in the equity.
    assert amount("Equity / capital") == 250000 + profit
    assert (amount("Assets") + amount("Liabilities")
        + amount("Equity / capital")) == 0


def staff(server, login):
    "A proteus configuration logged in as the demo user login"
    return proteus_config.set_xmlrpc(server.xmlrpc_url(login, PASSWORD))


def test_each_role_finds_work_waiting(demo_server, admin):
    """Each role logs in to work it can do, made in the demo by the roles
    themselves"""
    try:
        # The front desk: a quote to put to the customer, a repaired
        # phone delivered, a warranty claim to decide
        config = staff(demo_server, 'cashier')
        Job = Model.get('repair.job', config=config)
        Claim = Model.get('warranty.claim', config=config)
        assert {j.state for j in Job.find([])} == {
            'intake', 'quoted', 'quality_check', 'delivered'}
        quoted, = Job.find([('state', '=', 'quoted')])
        assert quoted.total > 0 and quoted.customer.name == "Bob Martin"
        claim, = Claim.find([])
        assert claim.state == 'draft' and claim.customer.name == "Bob Martin"

        # The technician: a device to diagnose, another technician's repair
        # to check, a returned phone to inspect
        config = staff(demo_server, 'technician')
        Job = Model.get('repair.job', config=config)
        Inspection = Model.get('rma.inspection', config=config)
        to_diagnose, = Job.find([('state', '=', 'intake')])
        to_check, = Job.find([('state', '=', 'quality_check')])
        assert to_check.repaired_by.login == 'technician2'
        assert [l.product.name for l in to_check.lines
            if l.type == 'part'] == ["Nova X1 Screen"]
        inspection, = Inspection.find([('state', '=', 'pending')])
        assert inspection.lot.owner.name == "Device Retail Demo Ltd"

        # The clerk: two phones in transit from the airport, a blind count
        config = staff(demo_server, 'clerk')
        Transfer = Model.get('stock.shipment.internal', config=config)
        Inventory = Model.get('stock.inventory', config=config)
        transfer, = Transfer.find([('state', '=', 'shipped')])
        assert transfer.to_location.code == 'STO'  # core's, centrally
        assert len(transfer.outgoing_moves) == 2
        count, = Inventory.find([('state', '=', 'draft')])
        assert count.blind and count.location.code == 'STO'

        # The manager: the transfer out of the airport, the claim
        config = staff(demo_server, 'manager')
        Transfer = Model.get('stock.shipment.internal', config=config)
        Claim = Model.get('warranty.claim', config=config)
        assert len(Transfer.find([('state', '=', 'shipped')])) == 1
        assert len(Claim.find([('state', '=', 'draft')])) == 1

        # A customer's device in the shop is still the customer's
        config = staff(demo_server, 'auditor')
        Lot = Model.get('stock.lot', config=config)
        devices = Lot.find([('product.template.name', '=', "Nova X0")])
        assert len(devices) == 4
        assert {d.owner.name for d in devices} == {
            "Alice Walker", "Bob Martin", "Chen Li"}
    finally:
        proteus_config.set_xmlrpc(demo_server.xmlrpc_url())


def test_checklist_complete(admin):
    checklist = Wizard('device_retail.checklist')
    assert checklist.form.complete
    checklist.execute('end')


def test_each_staff_user_logs_in_with_their_role(demo_server, admin):
    User = Model.get('res.user')
    for login, role in STAFF_ROLES.items():
        user, = User.find([('login', '=', login)])
        assert role in [r.role.name for r in user.roles], login
    try:
        config = proteus_config.set_xmlrpc(
            demo_server.xmlrpc_url('cashier', PASSWORD))
        Location = Model.get('stock.location', config=config)
        assert len(Location.find([('type', '=', 'warehouse')])) == 3
        with pytest.raises(xmlrpc.client.ProtocolError) as refused:
            proteus_config.set_xmlrpc(
                demo_server.xmlrpc_url('cashier', 'wrong-password'))
        assert refused.value.errcode == 401
    finally:
        proteus_config.set_xmlrpc(demo_server.xmlrpc_url())


def test_second_run_reuses_the_database(demo_shop):
    started = time.monotonic()
    process = run_demo(
        '--no-serve', '--no-sao', '--var', demo_shop.var,
        '--database', demo_shop.database, timeout=120)
    assert process.returncode == 0, process.stderr
    assert f'reusing the database {demo_shop.database}' in process.stdout
    assert time.monotonic() - started < 60


def test_changed_suite_upgrades_the_database(demo_shop):
    "A database made by older code is upgraded, not served stale"
    fingerprint = demo_shop.var / 'db' / f'{demo_shop.database}.suite'
    current = fingerprint.read_text()
    fingerprint.write_text('made by an older suite\n')
    process = run_demo(
        '--no-serve', '--no-sao', '--var', demo_shop.var,
        '--database', demo_shop.database, timeout=600)
    assert process.returncode == 0, process.stderr
    assert 'the suite changed' in process.stdout
    assert fingerprint.read_text() == current


def assert_one_line_error(process, words, var):
    assert process.returncode == 1
    assert 'Traceback' not in process.stderr + process.stdout
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    assert words in lines[0]
    assert not list(Path(var).glob('db/*')), "a database was left behind"


def test_port_taken(tmp_path):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        sock.listen()
        port = sock.getsockname()[1]
        process = run_demo('--port', port, '--no-sao', '--var', tmp_path)
    assert_one_line_error(process, f'port {port} is already in use', tmp_path)
    assert '--port' in process.stderr


def test_npm_missing(tmp_path):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    process = run_demo('--port', free_port(), '--var', tmp_path, env=env)
    assert_one_line_error(process, 'npm is missing', tmp_path)


def test_postgresql_unreachable(tmp_path):
    env = dict(os.environ,
        TRYTOND_DATABASE_URI='postgresql://postgres@127.0.0.1:1/')
    process = run_demo(
        '--port', free_port(), '--no-sao', '--var', tmp_path, env=env)
    assert_one_line_error(process, 'unreachable', tmp_path)
    assert 'TRYTOND_DATABASE_URI' in process.stderr
