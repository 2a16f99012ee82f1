# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""The desktop client (tryton 8.0, GTK 3) on a virtual screen.

The stock clerk logs in and the units list opens, as the demo's clerk
would see it.  GTK comes from the system (Debian: python3-gi,
python3-gi-cairo, gir1.2-gtk-3.0) and the screen from Xvfb, typed into
with xdotool; the client is installed from PyPI into var/tryton-client, a
virtualenv of the system Python that sees its GTK.  Without them the test
is skipped with the reason; .ci/run installs them and sets
REQUIRE_DESKTOP=1 so that it fails instead.
"""
import os
import re
import shutil
import subprocess
import time
import xmlrpc.client

import pytest
from shop import ARTIFACTS, PASSWORD, ensure_tryton_client, needs


def tryton_client():
    "The tryton command, once its system packages are found"
    for command in ['Xvfb', 'xdotool']:
        if not shutil.which(command):
            needs('desktop', f"{command} is missing "
                "(apt-get install xvfb xdotool)")
    tryton = ensure_tryton_client()
    if tryton is None:
        needs('desktop', "GTK 3 for the system Python is missing "
            "(apt-get install python3-gi python3-gi-cairo gir1.2-gtk-3.0)")
    return tryton


@pytest.fixture
def screen(tmp_path):
    "A virtual screen of Xvfb; its DISPLAY"
    read, write = os.pipe()
    process = subprocess.Popen(
        ['Xvfb', '-displayfd', str(write), '-screen', '0', '1400x900x24',
            '-nolisten', 'tcp'],
        pass_fds=[write], stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    yield f':{number}'
    process.terminate()
    process.wait(timeout=10)


def xdotool(display, *args):
    return subprocess.run(['xdotool', *args], capture_output=True,
        text=True, env={**os.environ, 'DISPLAY': display}).stdout


def window_names(display):
    return xdotool(display, 'search', '--name', '.', 'getwindowname',
        '%@').splitlines()


def save_screen(display, name):
    "Keep the screen in $TEST_ARTIFACTS, where ImageMagick is installed"
    if shutil.which('import'):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(['import', '-window', 'root',
                str(ARTIFACTS / f'desktop-{name}.png')],
            env={**os.environ, 'DISPLAY': display}, capture_output=True)


def test_clerk_opens_the_units_list(demo_server, screen, tmp_path):
    tryton = tryton_client()
    server = demo_server
    log = tmp_path / 'tryton.log'
    url = (f'tryton://127.0.0.1:{server.port}/{server.database}'
        '/model/stock.lot')
    # No look for a newer client on the Internet, which this machine lacks
    rcfile = tmp_path / 'tryton.conf'
    rcfile.write_text('[client]\ncheck_version = False\n')
    client = subprocess.Popen(
        [str(tryton), '-c', str(rcfile), '-l', 'INFO', '-o', str(log),
            '-u', 'clerk', url],
        env={**os.environ, 'DISPLAY': screen, 'HOME': str(tmp_path)},
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        def wait_for(condition, what, timeout=90):
            deadline = time.monotonic() + timeout
            while not condition():
                if client.poll() is not None:
                    pytest.fail(f"the client stopped while {what}:\n"
                        + (log.read_text() if log.exists() else ''))
                if time.monotonic() > deadline:
                    save_screen(screen, 'failure')
                    pytest.fail(f"timed out {what}")
                time.sleep(0.5)

        # The client asks for the clerk's password, the entry focused
        wait_for(lambda: 'Tryton' in window_names(screen),
            "waiting for the login")
        time.sleep(2)
        xdotool(screen, 'type', '--delay', '30', PASSWORD)
        xdotool(screen, 'key', 'Return')

        # Logged in as the clerk, at the clerk's branch
        wait_for(lambda: any('Cleo Clerk' in n and 'Central Warehouse' in n
                for n in window_names(screen)), "logging in")

        # The units list reads the units the clerk may see, with grades
        reads = re.compile(r'model\.stock\.lot\.read\(\[([\d, ]+)\], '
            r"\[([^\]]*)\]")

        def units_read():
            return log.exists() and reads.search(log.read_text())
        wait_for(units_read, "opening the units list")
        ids, fields = units_read().groups()
        shown = sorted(int(i) for i in ids.split(','))
        assert "'grade'" in fields and "'current_warehouse'" in fields
        time.sleep(2)
        save_screen(screen, 'clerk-units')

        proxy = xmlrpc.client.ServerProxy(
            server.xmlrpc_url('clerk'), allow_none=True)
        assert shown == sorted(
            proxy.model.stock.lot.search([], 0, 1000, None, {}))
        assert 'Traceback' not in log.read_text()
    finally:
        client.terminate()
        try:
            client.wait(timeout=10)
        except subprocess.TimeoutExpired:
            client.kill()
