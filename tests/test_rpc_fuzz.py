# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Hostile values at the suite's RPC entry points, over JSON-RPC.

A careless or hostile client sends wrong types, NaN, +-1e308, 2^63, huge
strings, unknown and negative ids, dicts in place of id lists.  Each call
goes through trytond's dispatcher as a client's does, on a copy of the
demo.  A refusal is a UserError; an internal error is allowed only when
its deepest frame is trytond's own (core's missing checks, listed in the
log of the run), never the suite's, and no query that fails, whose error
text would reach the client, is the suite's."""
import base64
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import serve, stop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shop import PASSWORD, ROOT

MODULES = ROOT / 'modules'
SUITE = sorted(p.parent.name for p in MODULES.glob('*/tryton.cfg'))
EXAMPLES = 1500
FORBIDDEN = 403
# Values a client can send that no entry point expects
HOSTILE = [
    -1, 0, 2 ** 63, -999999999, 2 ** 31, 1.5, float('nan'), 1e308, -1e308,
    'x' * 10000, '', '1', None, True, {}, {'id': 1}, [], [None], [-1],
    [2 ** 63], ['x'], [[1]], [{'id': 1}], [1.5],
    ]
# Where a query runs: the frame that called it ran the query
DATABASE_LAYER = re.compile(r'/trytond/backend/|/psycopg/|/sqlite3/')


class JSONClient:
    def __init__(self, server, login):
        self.url = f'http://127.0.0.1:{server.port}/{server.database}/rpc/'
        self.headers = {'Content-Type': 'application/json'}
        # A session, as clients hold one: a password is checked once
        user_id, session, _ = self(
            'common.db.login', login, {'password': PASSWORD}, 'en')
        credentials = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        self.headers['Authorization'] = f'Session {credentials}'
        self.context = self('model.res.user.get_preferences', True, {})

    def __call__(self, method, *params):
        body = json.dumps({'id': 1, 'method': method, 'params': params})
        request = urllib.request.Request(
            self.url, body.encode(), self.headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code == FORBIDDEN:
                # Not served over RPC: no client reaches it
                raise RPCError(['Forbidden'])
            # trytond answers a database error so; the log tells whose
            raise RPCError([f'HTTP {error.code}', error.reason])
        if 'error' in answer:
            raise RPCError(answer['error'])
        return answer['result']

    def model(self, model, method, *args):
        return self(f'model.{model}.{method}', *args, self.context)


class RPCError(Exception):
    @property
    def user_error(self):
        "A refusal for the user, or a concurrent change"
        error = self.args[0]
        return isinstance(error, list) and bool(error) and error[0] in {
            'UserError', 'UserWarning', 'LoginException', 'Forbidden'} or (
            isinstance(error, list) and len(error) == 1)


@pytest.fixture(scope='module')
def fuzz_server(demo_shop_fuzz, sao_root, tmp_path_factory):
    "A trytond of its own over a copy of the demo, its log kept"
    log_dir = tmp_path_factory.mktemp('fuzz-server')
    process, server = serve(demo_shop_fuzz, sao_root, log_dir)
    yield server, log_dir / 'trytond.log'
    stop(process)


def entry_points(admin):
    """(login, model, method, arguments strategy) of the suite's entry
    points: its own RPC methods, the buttons and deletion of its models
    and its wizards"""
    ids = st.one_of(st.sampled_from(HOSTILE), st.lists(
            st.sampled_from([-1, 0, 1, 2, 3, 2 ** 63, -2 ** 63, None]),
            max_size=3))
    value = st.sampled_from(HOSTILE)
    values = st.dictionaries(st.sampled_from([
                'product', 'unit', 'quantity', 'from_location', 'to_location',
                'company', 'unit_price', 'currency', 'planned_date', 'lot',
                'effective_date', 'origin', 'point', 'client_key', 'lines',
                'payments', 'party', 'state', 'id']),
        value, max_size=5)
    vlist = st.one_of(value, st.lists(values, max_size=3))
    points = [
        ('clerk', 'stock.move', 'create_reserved', st.tuples(vlist)),
        ('clerk', 'stock.move', 'reserve', st.tuples(ids)),
        ('cashier', 'sale.point.sale', 'submit', st.tuples(vlist)),
        ('admin', 'sale.point.cash.session', 'check_drawers', st.tuples(ids)),
        ('admin', 'stock.availability', 'check_cache', st.just(())),
        ]
    models = {m['name']: m['module'] for m in admin.model(
            'ir.model', 'search_read', [('module', 'in', SUITE)],
            0, None, None, ['name', 'module'])}
    for button in admin.model('ir.model.button', 'search_read',
            [('model', 'in', list(models))], 0, None, None,
            ['model', 'name']):
        points.append(('admin', button['model'], button['name'],
                st.tuples(ids)))
    for model in models:
        points.append(('admin', model, 'delete', st.tuples(ids)))
        points.append(('admin', model, 'write', st.tuples(ids, values)))
    wizards = admin.model('ir.action.wizard', 'search_read',
        [], 0, None, None, ['wiz_name', 'model'])
    for wizard in wizards:
        if wizard['wiz_name'].split('.')[0] in {'ir', 'res'}:
            continue
        points.append(('admin', wizard['wiz_name'], '__wizard__',
                st.tuples(st.sampled_from([wizard['model'], None, 'x']),
                    ids, st.dictionaries(
                        st.sampled_from(['start', 'scan', 'result']),
                        st.dictionaries(st.sampled_from([
                                    'unit', 'lot', 'codes', 'quantity',
                                    'imei', 'unit_cost', 'reason',
                                    'warehouse']), value, max_size=3),
                        max_size=2))))
    return points


def call(client, model, method, args):
    if method != '__wizard__':
        return client.model(model, method, *args)
    active_model, active_ids, data = args
    context = dict(client.context, active_model=active_model,
        active_ids=active_ids,
        active_id=active_ids[0] if isinstance(active_ids, list)
        and active_ids else active_ids)
    session, state, _ = client(f'wizard.{model}.create', context)
    try:
        result = client(f'wizard.{model}.execute', session, data, state,
            context)
        for name in data:
            client(f'wizard.{model}.execute', session, data, name, context)
        return result
    finally:
        client(f'wizard.{model}.delete', session, context)


def suite_crashes(log):
    """The tracebacks of the log whose deepest frame is the suite's code,
    or whose failed SQL query the suite's code ran"""
    crashes = []
    for block in log.split('Traceback (most recent call last):')[1:]:
        frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', block)
        if not frames:
            continue
        culprit = frames[-1]
        for index, (path, _, _) in enumerate(frames[1:], 1):
            if DATABASE_LAYER.search(path):
                culprit = frames[index - 1]
                break
        path, line, function = culprit
        if path.startswith(str(MODULES)):
            last = block.strip().splitlines()
            error = next((l for l in last if re.match(r'^\w[\w.]*: ', l)),
                last[-1])
            crashes.append(
                f'{Path(path).relative_to(ROOT)}:{line} {function}: {error}')
    return crashes


@pytest.mark.filterwarnings('ignore::DeprecationWarning')
def test_hostile_values_never_crash_suite_code(fuzz_server):
    server, log_path = fuzz_server
    admin = JSONClient(server, 'admin')
    clients = {'admin': admin}
    points = entry_points(admin)
    outcomes = {'result': 0, 'refused': 0, 'internal': 0}

    @settings(max_examples=EXAMPLES, derandomize=True, database=None,
        deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def fuzz(data):
        login, model, method, arguments = data.draw(st.sampled_from(points))
        args = data.draw(arguments)
        if login not in clients:
            clients[login] = JSONClient(server, login)
        try:
            call(clients[login], model, method, args)
        except RPCError as error:
            if error.user_error:
                outcomes['refused'] += 1
            else:
                outcomes['internal'] += 1
        else:
            outcomes['result'] += 1

    fuzz()
    crashes = sorted(set(suite_crashes(log_path.read_text())))
    print(f"{sum(outcomes.values())} calls to {len(points)} entry points: "
        f"{outcomes}")
    assert not crashes, '\n'.join(crashes)


def test_reported_calls_are_refused(fuzz_server):
    "The calls of the first report, each now a refusal for the user"
    server, _ = fuzz_server
    admin = JSONClient(server, 'admin')
    clerk = JSONClient(server, 'clerk')
    cashier = JSONClient(server, 'cashier')
    move, = clerk.model('stock.move', 'search', [], 0, 1, None)
    calls = [
        (clerk, 'stock.move', 'create_reserved', '\u2026'),
        (clerk, 'stock.move', 'reserve', {'id': move, 'state': 'draft'}),
        (cashier, 'sale.point.sale', 'submit',
            [{'point': -1e308, 'client_key': 'x'}]),
        (admin, 'sale.point.cash.session', 'check_drawers', [-999999999]),
        (admin, 'sale.point.cash.session', 'check_drawers', 7),
        (admin, 'repair.job', 'write', 1, {'state': 'done'}),
        (admin, 'rma.inspection', 'delete', 1),
        ]
    for model in ['stock.adjustment', 'rma.supplier', 'warranty.claim']:
        calls.append((admin, model, 'delete', [-1]))
    for client, model, method, *args in calls:
        with pytest.raises(RPCError) as info:
            client.model(model, method, *args)
        assert info.value.user_error, (model, method, args, info.value)
    # Correct Identity started without a unit
    with pytest.raises(RPCError) as info:
        call(admin, 'stock.lot.correct_identity', '__wizard__',
            ('stock.lot', None, {'start': {'imei': '1'}}))
    assert info.value.user_error, info.value
