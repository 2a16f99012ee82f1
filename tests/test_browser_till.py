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

from shop import Sao, console_errors, sao_login, screenshot

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
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select

    server = demo_copy_server
    imei = downtown_phone(server)
    sao = Sao(browser, server, TEST)
    wait = sao.wait
    modal = '//div[contains(@class, "modal-dialog")]'

    for old in (screenshot(browser, TEST, 'x').parent).glob(
            f'browser-{TEST}-*.png'):
        old.unlink()
    try:
        sao_login(browser, server, 'cashier')
        screenshot(browser, TEST, '1-home')

        # A new sale, at the till of the cashier's branch
        sao.go('model/sale.point.sale')
        sao.visible('//table//td[contains(., "Posted")]')
        sao.idle()
        sao.click('//button[@id="new_"]')
        customer = sao.clickable('//input[@name="party"]')
        wait.until(lambda d: d.find_element(
                By.XPATH, '//input[@name="point"]').get_attribute('value')
            == "Downtown Till 1")
        # The walk-in customer is offered; a phone is sold to its buyer
        wait.until(lambda d: customer.get_attribute('value')
            == "Walk-in Customer")
        sao.choose('party', "Alice Walker")
        sao.click('//button[@id="save"]')
        sao.idle()

        # Scan the phone
        sao.click('//button[@name="scan"]')
        sao.visible(modal + '//textarea[@name="scans"]').send_keys(imei)
        sao.click(modal + '//button[normalize-space(.)="Add"]')
        sao.visible(f'//table//*[contains(text(), "{imei}")]')
        screenshot(browser, TEST, '2-scanned')

        # Pay in cash: the sale is done
        sao.click('//button[@name="pay"]')
        method = sao.visible(modal + '//select[@name="method"]')
        Select(method).select_by_visible_text("Cash")
        method.send_keys(Keys.TAB)
        sao.click(modal + '//button[normalize-space(.)="OK"]')
        wait.until(EC.invisibility_of_element_located((By.XPATH, modal)))
        sao.state_is("Done")
        screenshot(browser, TEST, '3-paid')

        # The cash sessions list opens
        sao.go('model/sale.point.cash.session')
        row = sao.visible(
            '//table//tr[.//*[normalize-space(text())="Open"]]')
        screenshot(browser, TEST, '4-sessions')
        ActionChains(browser).double_click(row).perform()

        # Count the drawer blind and close
        sao.click('//button[@name="count_close"]')
        row = (modal + '//table'
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
            cell = sao.visible(f'{row}/td[{column}]')
            inputs = [i for i in cell.find_elements(By.TAG_NAME, 'input')
                if i.is_displayed()]
            if inputs:
                break
            cell.click()
        field, = inputs
        field.send_keys(Keys.BACKSPACE, '9', Keys.TAB)
        wait.until(lambda d: d.find_element(By.XPATH,
                modal + '//*[@name="counted_amount"]').get_attribute('value')
            in {'900.00', '€900.00'})
        screenshot(browser, TEST, '5-count')
        sao.click(modal + '//button[normalize-space(.)="Close"]')
        wait.until(EC.invisibility_of_element_located((By.XPATH, modal)))
        sao.state_is("Closed")
        screenshot(browser, TEST, '6-closed')

        errors = console_errors(browser)
        assert not errors, errors
    except Exception:
        screenshot(browser, TEST, 'failure')
        raise
