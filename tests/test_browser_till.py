# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""A cashier's day at the till in sao, in headless Chromium.

Logged in as the demo's cashier, on a copy of the demo shop: sell a phone
by scanning its IMEI, pay in cash, open the cash sessions list, count the
drawer and close the session.  The screenshots are kept in
$TEST_ARTIFACTS; the browser console must stay free of errors.
"""
import xmlrpc.client

from shop import console_errors, sao_login, screenshot

TEST = 'till'


def downtown_phone(server):
    "The IMEI of a phone on the shelf at Downtown, asked as admin"
    proxy = xmlrpc.client.ServerProxy(
        server.xmlrpc_url('admin'), allow_none=True)
    units = proxy.model.stock.lot.search_read([
            ('state', '=', 'available'),
            ('imei', '!=', None),
            ('current_location.code', '=', 'DT-STO'),
            ], 0, 1, [('id', 'ASC')], ['imei'], {})
    assert units, "the demo has no phone on the shelf at Downtown"
    return units[0]['imei']


def test_cashier_sells_a_phone_and_closes_the_drawer(
        demo_copy_server, browser):
    from selenium.common.exceptions import (
        StaleElementReferenceException, TimeoutException)
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    server = demo_copy_server
    imei = downtown_phone(server)
    wait = WebDriverWait(browser, 60)

    def visible(xpath):
        return wait.until(EC.visibility_of_element_located(
                (By.XPATH, xpath)))

    def click(xpath):
        element = wait.until(EC.element_to_be_clickable((By.XPATH, xpath)))
        element.click()
        return element

    def dialog(xpath=''):
        return visible('//div[contains(@class, "modal-dialog")]' + xpath)

    def choose(field, text):
        "Fill a many-to-one field, picking text in the search dialog"
        field.send_keys(text)
        field.send_keys(Keys.TAB)
        for _ in range(2):
            try:
                WebDriverWait(browser, 5).until(
                    lambda d: field.get_attribute('value') == text)
                return
            except TimeoutException:
                rows = browser.find_elements(By.XPATH,
                    '//div[contains(@class, "modal-dialog")]//table'
                    f'//tr[.//*[normalize-space(text())="{text}"]]')
                if rows:
                    ActionChains(browser).double_click(rows[-1]).perform()
        assert field.get_attribute('value') == text, text

    def state_is(text):
        "Wait until the form's state shows text"
        def shown(driver):
            try:
                return any(Select(e).first_selected_option.text == text
                    for e in driver.find_elements(
                        By.XPATH, '//select[@name="state"]')
                    if e.is_displayed())
            except StaleElementReferenceException:
                return False
        wait.until(shown)

    def go(path):
        "Open path in sao, as a link would, without reloading the page"
        browser.execute_script(
            'window.location.hash = arguments[0]',
            f'#{server.database}/{path}')

    def idle():
        "Wait until sao has no request running"
        wait.until(lambda d: d.execute_script(
                "return !document.querySelector('.tab-content .loading, "
                "#processing:not([style*=\"none\"])')"))

    for old in (screenshot(browser, TEST, 'x').parent).glob(
            f'browser-{TEST}-*.png'):
        old.unlink()
    try:
        sao_login(browser, server, 'cashier')
        screenshot(browser, TEST, '1-home')

        # A new sale, at the till of the cashier's branch
        go('model/sale.point.sale')
        visible('//table//td[contains(., "Posted")]')
        idle()
        click('//button[@id="new_"]')
        customer = wait.until(EC.element_to_be_clickable(
                (By.XPATH, '//input[@name="party"]')))
        wait.until(lambda d: d.find_element(
                By.XPATH, '//input[@name="point"]').get_attribute('value')
            == "Downtown Till 1")
        # The walk-in customer is offered; a phone is sold to its buyer
        wait.until(lambda d: customer.get_attribute('value')
            == "Walk-in Customer")
        customer.send_keys(Keys.CONTROL, 'a')
        choose(customer, "Alice Walker")
        click('//button[@id="save"]')
        idle()

        # Scan the phone
        click('//button[@name="scan"]')
        dialog('//textarea[@name="scans"]').send_keys(imei)
        click('//div[contains(@class, "modal-dialog")]'
            '//button[normalize-space(.)="Add"]')
        visible(f'//table//*[contains(text(), "{imei}")]')
        screenshot(browser, TEST, '2-scanned')

        # Pay in cash: the sale is done
        click('//button[@name="pay"]')
        method = dialog('//select[@name="method"]')
        Select(method).select_by_visible_text("Cash")
        method.send_keys(Keys.TAB)
        click('//div[contains(@class, "modal-dialog")]'
            '//button[normalize-space(.)="OK"]')
        wait.until(EC.invisibility_of_element_located(
                (By.XPATH, '//div[contains(@class, "modal-dialog")]')))
        state_is("Done")
        screenshot(browser, TEST, '3-paid')

        # The cash sessions list opens
        go('model/sale.point.cash.session')
        row = visible('//table//tr[.//*[normalize-space(text())="Open"]]')
        screenshot(browser, TEST, '4-sessions')
        ActionChains(browser).double_click(row).perform()

        # Count the drawer blind and close
        click('//button[@name="count_close"]')
        row = ('//div[contains(@class, "modal-dialog")]//table'
            '//tr[.//*[normalize-space(text())="100 note"]]')

        def quantity_column(driver):
            try:
                texts = [c.text.strip()
                    for c in driver.find_elements(By.XPATH, row + '/td')]
            except StaleElementReferenceException:
                return False
            return texts.index('0') + 1 if '0' in texts else False
        column = wait.until(quantity_column)
        # The first click selects the row, the next one edits the cell
        for _ in range(5):
            cell = visible(f'{row}/td[{column}]')
            inputs = [i for i in cell.find_elements(By.TAG_NAME, 'input')
                if i.is_displayed()]
            if inputs:
                break
            cell.click()
        field, = inputs
        field.send_keys(Keys.BACKSPACE, '9', Keys.TAB)
        wait.until(lambda d: d.find_element(By.XPATH,
                '//div[contains(@class, "modal-dialog")]'
                '//*[@name="counted_amount"]').get_attribute('value')
            in {'900.00', '€900.00'})
        screenshot(browser, TEST, '5-count')
        click('//div[contains(@class, "modal-dialog")]'
            '//button[normalize-space(.)="Close"]')
        wait.until(EC.invisibility_of_element_located(
                (By.XPATH, '//div[contains(@class, "modal-dialog")]')))
        state_is("Closed")
        screenshot(browser, TEST, '6-closed')

        errors = console_errors(browser)
        assert not errors, errors
    except Exception:
        screenshot(browser, TEST, 'failure')
        raise
