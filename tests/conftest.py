# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Fixtures shared by the cross-module tests.

The demo shop is built once per run by the demo command itself
(scripts/demo.py --no-serve) in a temporary folder, on the backend of the
run, and served by a real trytond process when a test needs HTTP.
"""
import os
import shutil
import subprocess
import time
import urllib.request

import pytest
from shop import (
    BIN, ROOT, Server, Shop, chromium_driver, demo, free_port, needs,
    run_demo)


@pytest.fixture(scope='session')
def demo_shop(tmp_path_factory):
    "The demo database, made by scripts/demo.py in a temporary folder"
    var = tmp_path_factory.mktemp('demo-var')
    database = f'demo_test_{os.getpid()}'
    started = time.monotonic()
    process = run_demo(
        '--no-serve', '--no-sao', '--var', var, '--database', database)
    assert process.returncode == 0, process.stdout + process.stderr
    print(f"demo shop built in {time.monotonic() - started:.0f} s")
    # A copy for the tests that change the shop (a till's day in the
    # browser), made while no one is connected to the demo database
    databases = demo.Database(database, var)
    copies = [f'{database}_copy', f'{database}_fuzz']
    for copy in copies:
        databases.copy(database, copy)
    yield Shop(var, database, process.stdout)
    if demo.is_postgresql(demo.database_uri()):
        for name in [database] + copies:
            databases.drop(name)


@pytest.fixture(scope='session')
def demo_shop_copy(demo_shop):
    "A copy of the demo database that a test may change"
    return Shop(demo_shop.var, f'{demo_shop.database}_copy', '')


@pytest.fixture(scope='session')
def demo_shop_fuzz(demo_shop):
    "A copy of the demo database for hostile calls, its own"
    return Shop(demo_shop.var, f'{demo_shop.database}_fuzz', '')


@pytest.fixture(scope='session')
def sao_root():
    "sao installed from npm into var/sao, as scripts/demo installs it"
    var = ROOT / 'var'
    if not demo.sao_installed(var) and not shutil.which('npm'):
        needs('browser', "npm is missing, so sao cannot be installed")
    demo.ensure_sao(var)
    return var / 'sao' / 'package'


def serve(shop, sao_root, log_dir):
    "Start trytond serving sao and the API over the shop's database"
    port = free_port()
    sao_link = shop.var / 'sao'
    if not sao_link.exists():
        sao_link.symlink_to(sao_root.parent)
    configs = demo.local_config(shop.var, port)
    log_path = log_dir / 'trytond.log'
    with open(log_path, 'w') as log:
        process = subprocess.Popen(
            [str(BIN / 'trytond'), '-c', *configs,
                '-d', shop.database], cwd=ROOT,
            stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}/'
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("trytond did not start:\n" + log_path.read_text())
        time.sleep(0.5)
    return process, Server(url, port, shop.database)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope='session')
def demo_server(demo_shop, sao_root, tmp_path_factory):
    "trytond serving sao and the API over the demo database"
    process, server = serve(
        demo_shop, sao_root, tmp_path_factory.mktemp('server'))
    yield server
    stop(process)


@pytest.fixture(scope='session')
def demo_copy_server(demo_shop_copy, sao_root, tmp_path_factory):
    """trytond serving sao and the API over a copy of the demo database,
    one process for the run: its pool loads once"""
    process, server = serve(
        demo_shop_copy, sao_root, tmp_path_factory.mktemp('copy-server'))
    yield server
    stop(process)


@pytest.fixture
def browser(tmp_path):
    "Headless Chromium driven by selenium"
    driver = chromium_driver(tmp_path / 'profile')
    yield driver
    driver.quit()
