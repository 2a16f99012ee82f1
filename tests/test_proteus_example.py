# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""scripts/example_receive_and_sell.py, run as an integrator runs it."""
import re
import subprocess
import sys

from shop import ROOT

from proteus import Model
from proteus import config as proteus_config


def test_receive_two_phones_and_sell_one(demo_server):
    process = subprocess.run(
        [sys.executable, str(ROOT / 'scripts' / 'example_receive_and_sell.py'),
            '--url', demo_server.xmlrpc_url()],
        capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stdout + process.stderr
    received = re.search(r'IMEIs (\d{15}), (\d{15}) into Downtown',
        process.stdout)
    assert received, process.stdout
    sold, kept = received.groups()
    assert f'sold IMEI {sold} to Alice Walker' in process.stdout
    assert f'IMEI {sold}: 0 in stock at Downtown' in process.stdout
    assert f'IMEI {kept}: 1 in stock at Downtown' in process.stdout

    proteus_config.set_xmlrpc(demo_server.xmlrpc_url())
    Move = Model.get('stock.move')
    moves = Move.find([('lot.number', '=', sold), ('state', '=', 'done')],
        order=[('effective_date', 'ASC'), ('id', 'ASC')])
    assert [m.to_location.type for m in moves] == [
        'storage', 'storage', 'storage', 'customer']
    assert moves[0].from_location.type == 'supplier'
    assert moves[0].origin.__class__.__name__ == 'purchase.line'
    assert moves[-1].origin.__class__.__name__ == 'sale.line'


def test_example_needs_the_demo_data(demo_server):
    process = subprocess.run(
        [sys.executable, str(ROOT / 'scripts' / 'example_receive_and_sell.py'),
            '--url', demo_server.xmlrpc_url(), '--branch', 'NOPE'],
        capture_output=True, text=True, timeout=300)
    assert process.returncode == 1
    assert 'load the demo shop with scripts/demo' in process.stderr
    assert 'Traceback' not in process.stderr
