# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Log into the demo shop through sao in headless Chromium.

Uses Debian's chromium and chromium-driver; .ci/run installs them and sets
REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
The screenshots are kept in $TEST_ARTIFACTS.
"""
from shop import ARTIFACTS, screenshot, sao_login


def test_login_menu_and_product_list(demo_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    for old in ARTIFACTS.glob('browser-smoke-*.png'):
        old.unlink()
    wait = WebDriverWait(browser, 60)
    try:
        sao_login(browser, demo_server, 'admin')

        menu = wait.until(EC.visibility_of_element_located((By.XPATH,
                    '//*[@id="menu"]//*[normalize-space(text())='
                    '"Device Retail"]')))
        menu.click()
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    '//*[@id="menu"]//*[normalize-space(text())='
                    '"Configuration"]')))
        screenshot(browser, 'smoke', 'menu')

        browser.get(f'{demo_server.url}#{demo_server.database}'
            '/model/product.template')
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    '//table//*[contains(text(), "Nova X1")]')))
        path = screenshot(browser, 'smoke', 'products')
        assert path.stat().st_size > 10_000
        page = browser.find_element(By.TAG_NAME, 'body').text
        assert "Pixelia 8" in page
        assert "USB-C Cable 1 m" in page
    except Exception:
        screenshot(browser, 'smoke', 'failure')
        raise
