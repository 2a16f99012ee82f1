# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Helpers shared by the cross-module tests and their fixtures."""
import os
import re
import shutil
import sqlite3
import socket
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'scripts'))

import demo  # noqa: E402  scripts/demo.py, standard library only

ARTIFACTS = Path(os.environ.get(
        'TEST_ARTIFACTS', ROOT / 'var' / 'test-artifacts'))
PASSWORD = demo.PASSWORD
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def needs(what, reason):
    "Skip, or fail where the run requires it (REQUIRE_<WHAT>=1 in CI)"
    if os.environ.get(f'REQUIRE_{what.upper()}') == '1':
        pytest.fail(reason)
    pytest.skip(reason)


def run_demo(*args, env=None, timeout=1800):
    return subprocess.run(
        [sys.executable, str(ROOT / 'scripts' / 'demo.py'), *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env=env if env is not None else os.environ.copy())


@dataclass
class Shop:
    var: Path
    database: str
    output: str


@dataclass
class Server:
    url: str
    port: int
    database: str

    def xmlrpc_url(self, login='admin', password=PASSWORD):
        return (f'http://{login}:{password}@127.0.0.1:{self.port}/'
            f'{self.database}/rpc/')


def execute(shop, query, params=()):
    "Change the database behind Tryton's back"
    if demo.is_postgresql(demo.database_uri()):
        connection = demo.pg_connect(demo.database_uri(), shop.database)
        with connection:
            connection.execute(query.replace('?', '%s'), params)
    else:
        path = shop.var / 'db' / f'{shop.database}.sqlite'
        with closing(sqlite3.connect(path)) as connection:
            connection.execute(query, params)
            connection.commit()


def check_script(shop, script, *args):
    "Run scripts/<script> (a check script) on the shop's database"
    configs = [str(ROOT / 'config' / 'trytond.conf'),
        str(shop.var / 'trytond-local.conf')]
    return subprocess.run(
        [sys.executable, str(ROOT / 'scripts' / script),
            '-c', *configs, '-d', shop.database, *args],
        capture_output=True, text=True, timeout=600)


CHROMIUM_FLAGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--window-size=1400,900',
    ]


def chromium_driver(profile):
    """Headless Debian Chromium driven by selenium, keeping the browser
    console's messages"""
    chromium = shutil.which('chromium')
    chromedriver = shutil.which('chromedriver')
    if not (chromium and chromedriver):
        needs('browser',
            "chromium and chromedriver are missing "
            "(apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        needs('browser', "selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f'--user-data-dir={profile}')
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(
        service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    return driver


def screenshot(driver, test, name):
    "Save the page as $TEST_ARTIFACTS/browser-<test>-<name>.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f'browser-{test}-{name}.png'
    driver.save_screenshot(str(path))
    return path


def sao_login(driver, server, login, password=PASSWORD):
    "Log into sao at the server's database as login"
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 60)
    driver.get(f'{server.url}#{server.database}')
    field = wait.until(EC.visibility_of_element_located(
            (By.CSS_SELECTOR, '.login-dialog input#login')))
    field.send_keys(login)
    # sao fills the database list asynchronously (PostgreSQL lists its
    # databases): submit once the form is ready, again if ignored.
    for attempt in range(5):
        button = wait.until(EC.element_to_be_clickable(
                (By.CSS_SELECTOR, '.login-dialog button[type="submit"]')))
        button.click()
        try:
            field = WebDriverWait(driver, 10).until(
                EC.visibility_of_element_located(
                    (By.CSS_SELECTOR, 'input[type="password"]')))
            break
        except TimeoutException:
            continue
    else:
        raise AssertionError("sao never asked for the password")
    field.send_keys(password)
    field.send_keys(Keys.ENTER)
    wait.until(EC.invisibility_of_element_located(
            (By.CSS_SELECTOR, 'input[type="password"]')))
    # Logged in once the menu has its entries
    wait.until(EC.visibility_of_element_located((By.XPATH,
                '//*[@id="menu"][normalize-space(.)!=""]')))


# sao's login probe: it asks before the password is given
LOGIN_PROBE = re.compile(r'status of 401 \(UNAUTHORIZED\)')


def console_errors(driver):
    """The browser console's errors since the last call, but for sao's
    login probe"""
    return [entry['message'] for entry in driver.get_log('browser')
        if entry['level'] == 'SEVERE'
        and not (entry['source'] == 'network'
            and LOGIN_PROBE.search(entry['message']))]
