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


TRYTON_CLIENT = '>=8.0,<8.1'
SYSTEM_PYTHON = '/usr/bin/python3'
GTK_CHECK = (
    "import gi; gi.require_version('Gtk', '3.0'); "
    "from gi.repository import Gtk; gi.require_foreign('cairo')")


def ensure_tryton_client(var=ROOT / 'var'):
    """The tryton command of the desktop client, installed once from PyPI
    into var/tryton-client: a virtualenv of the system Python, which has
    GTK 3.  None without GTK."""
    if not os.path.exists(SYSTEM_PYTHON) or subprocess.run(
            [SYSTEM_PYTHON, '-c', GTK_CHECK],
            capture_output=True).returncode:
        return None
    venv = Path(var) / 'tryton-client'
    tryton = venv / 'bin' / 'tryton'
    if not tryton.exists():
        subprocess.run([SYSTEM_PYTHON, '-m', 'venv',
                '--system-site-packages', str(venv)], check=True)
        subprocess.run([str(venv / 'bin' / 'python'), '-m', 'pip', 'install',
                '-q', '--disable-pip-version-check',
                f'tryton{TRYTON_CLIENT}'], check=True)
    return tryton


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


class Sao:
    "The few gestures of a person in sao"

    def __init__(self, browser, server, test):
        from selenium.webdriver.support.ui import WebDriverWait
        self.browser = browser
        self.server = server
        self.test = test
        self.wait = WebDriverWait(browser, 60)
        self.shots = 0

    def visible(self, xpath):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        return self.wait.until(
            EC.visibility_of_element_located((By.XPATH, xpath)))

    def clickable(self, xpath):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        return self.wait.until(
            EC.element_to_be_clickable((By.XPATH, xpath)))

    def click(self, xpath):
        element = self.clickable(xpath)
        element.click()
        return element

    def idle(self):
        "Wait until sao has no request running"
        self.wait.until(lambda d: d.execute_script(
                "return !document.querySelector('.tab-content .loading, "
                "#processing:not([style*=\"none\"])')"))

    def shot(self, name):
        self.shots += 1
        return screenshot(
            self.browser, self.test, f'{self.shots:02d}-{name}')

    def dialogs(self):
        from selenium.webdriver.common.by import By
        return [d for d in self.browser.find_elements(
                By.CSS_SELECTOR, '.modal-dialog') if d.is_displayed()]

    def dialog_title(self, dialog):
        from selenium.webdriver.common.by import By
        titles = dialog.find_elements(By.CSS_SELECTOR, '.modal-header h4')
        return titles[0].text.strip() if titles else ''

    def tabs(self):
        "The titles of the open tabs"
        return self.browser.execute_script(
            "return Array.from(document.querySelectorAll("
            "'#tablist li > a > span[title]'), e => e.title)")

    def go(self, path):
        "Open path in sao, as a link would, without reloading the page"
        self.browser.execute_script(
            'window.location.hash = arguments[0]',
            f'#{self.server.database}/{path}')

    def menu_row(self, title):
        return ('//*[@id="menu"]//div[contains(@class, "column-char")]'
            f'[@title="{title}"]')

    def menu_entry(self, folder, name):
        "The entry name of folder: names repeat between folders"
        return (self.menu_row(folder).replace('//div', '//tr[.//div', 1)
            + ']/following-sibling::tr'
            f'[.//div[contains(@class, "column-char")][@title="{name}"]][1]'
            '//div[contains(@class, "column-char")]')

    def expand(self, folder, name):
        "Unfold folder until its entry name shows"
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        xpath = self.menu_entry(folder, name)

        def shown(driver):
            return [e for e in driver.find_elements(By.XPATH, xpath)
                if e.is_displayed()]
        # A folder shows its entries once unfolded: wait only after a click
        if shown(self.browser):
            return
        for _ in range(3):
            self.click(self.menu_row(folder))
            try:
                WebDriverWait(self.browser, 10).until(shown)
                return
            except TimeoutException:
                pass
        raise AssertionError(f"{folder} does not unfold to {name}")

    def open_entry(self, folder, name):
        """Click the menu entry; return 'tab' or 'wizard' once it shows,
        failing on an error dialog"""
        before = len(self.tabs())
        path = f"Device Retail / {folder} / {name}"
        self.expand(folder, name)
        self.click(self.menu_entry(folder, name))

        def opened(driver):
            for dialog in self.dialogs():
                title = self.dialog_title(dialog)
                if title == name:
                    return 'wizard'
                raise AssertionError(
                    f"{path}: a dialog {title!r}: {dialog.text}")
            tabs = self.tabs()
            if len(tabs) > before and tabs[-1] == path:
                return 'tab'
            return False
        kind = self.wait.until(opened)
        self.idle()
        if kind == 'tab':
            # The list or form has loaded without an error dialog
            assert not self.dialogs(), (path, self.dialogs()[0].text)
        return kind

    def close_dialog(self):
        "Leave the wizard by its Cancel or Close button"
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        dialog, = self.dialogs()
        button, = [b for b in dialog.find_elements(
                By.CSS_SELECTOR, '.modal-footer button')
            if b.text.strip().lower() in {'cancel', 'close'}]
        button.click()
        self.wait.until(EC.staleness_of(dialog))

    def close_tab(self):
        from selenium.webdriver.common.by import By
        count = len(self.tabs())
        self.browser.find_element(
            By.CSS_SELECTOR, '#tablist li.active button.close').click()
        self.wait.until(lambda d: len(self.tabs()) == count - 1)

    def fill(self, name, text, dialog=False):
        "Type text into the field called name, then leave it"
        from selenium.webdriver.common.keys import Keys
        scope = '//div[contains(@class, "modal-dialog")]' if dialog else ''
        self.idle()
        field = self.clickable(
            f'{scope}//*[self::input or self::textarea][@name="{name}"]'
            '[not(@readonly)]')
        field.send_keys(Keys.CONTROL, 'a')
        field.send_keys(text)
        field.send_keys(Keys.TAB)
        return field

    def choose(self, name, text, dialog=False):
        """Fill a many-to-one field, picking the record named text in the
        search dialog when several match"""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        field = self.fill(name, text, dialog=dialog)
        for _ in range(3):
            try:
                WebDriverWait(self.browser, 5).until(
                    lambda d: text in field.get_attribute('value'))
                return
            except TimeoutException:
                rows = self.browser.find_elements(By.XPATH,
                    '//div[contains(@class, "modal-dialog")]//table'
                    f'//tr[.//*[contains(text(), "{text}")]]')
                if rows:
                    ActionChains(self.browser).double_click(
                        rows[-1]).perform()
        assert text in field.get_attribute('value'), (name, text)

    def state_is(self, text):
        "Wait until the form's state shows text"
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        def shown(driver):
            try:
                return any(Select(e).first_selected_option.text == text
                    for e in driver.find_elements(
                        By.XPATH, '//select[@name="state"]')
                    if e.is_displayed())
            except StaleElementReferenceException:
                return False
        self.wait.until(shown)

    def confirm(self):
        """Answer OK or Yes to the questions a person would accept: "Are
        you sure?" and the warning of a receipt without a purchase
        order"""
        from selenium.common.exceptions import (
            ElementNotInteractableException, StaleElementReferenceException,
            TimeoutException)
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        def accept(driver):
            for button in driver.find_elements(By.CSS_SELECTOR,
                    '.modal-dialog .modal-footer button'):
                try:
                    if (button.is_displayed()
                            and button.text.strip().lower() in {'ok', 'yes'}):
                        button.click()
                        return True
                except (ElementNotInteractableException,
                        StaleElementReferenceException):
                    pass  # still fading in, or gone
            return False
        while True:
            try:
                WebDriverWait(self.browser, 3).until(accept)
            except TimeoutException:
                return
            self.idle()
