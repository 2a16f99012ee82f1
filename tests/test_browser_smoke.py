# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Log into the demo shop through sao in headless Chromium.

Uses Debian's chromium and chromium-driver; .ci/run installs them and sets
REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
The screenshots are kept in $TEST_ARTIFACTS.
"""
import shutil

import pytest
from shop import ARTIFACTS, PASSWORD, needs

CHROMIUM_FLAGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--window-size=1400,900',
    ]


@pytest.fixture
def browser(tmp_path):
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
    options.add_argument(f'--user-data-dir={tmp_path / "profile"}')
    driver = webdriver.Chrome(
        service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def screenshot(driver, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f'browser-smoke-{name}.png'
    driver.save_screenshot(str(path))
    return path


def test_login_menu_and_product_list(demo_server, browser):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    for old in ARTIFACTS.glob('browser-smoke-*.png'):
        old.unlink()
    wait = WebDriverWait(browser, 60)
    try:
        browser.get(f'{demo_server.url}#{demo_server.database}')
        login = wait.until(EC.visibility_of_element_located(
                (By.CSS_SELECTOR, '.login-dialog input#login')))
        login.send_keys('admin')
        # sao fills the database list asynchronously (PostgreSQL lists its
        # databases): submit once the form is ready, again if ignored.
        for attempt in range(5):
            button = wait.until(EC.element_to_be_clickable(
                    (By.CSS_SELECTOR, '.login-dialog button[type="submit"]')))
            button.click()
            try:
                password = WebDriverWait(browser, 10).until(
                    EC.visibility_of_element_located(
                        (By.CSS_SELECTOR, 'input[type="password"]')))
                break
            except TimeoutException:
                continue
        else:
            raise AssertionError("sao never asked for the password")
        password.send_keys(PASSWORD)
        password.send_keys(Keys.ENTER)

        menu = wait.until(EC.visibility_of_element_located((By.XPATH,
                    '//*[@id="menu"]//*[normalize-space(text())='
                    '"Device Retail"]')))
        menu.click()
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    '//*[@id="menu"]//*[normalize-space(text())='
                    '"Configuration"]')))
        screenshot(browser, 'menu')

        browser.get(f'{demo_server.url}#{demo_server.database}'
            '/model/product.template')
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    '//table//*[contains(text(), "Nova X1")]')))
        path = screenshot(browser, 'products')
        assert path.stat().st_size > 10_000
        page = browser.find_element(By.TAG_NAME, 'body').text
        assert "Pixelia 8" in page
        assert "USB-C Cable 1 m" in page
    except Exception:
        screenshot(browser, 'failure')
        raise
