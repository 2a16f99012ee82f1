# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Each staff role in sao, in headless Chromium, logged in as the demo's
user of the role.

The role opens every entry of its folders in the *Device Retail* menu, by
clicking it as a person would: each opens its tab or its wizard, with no
error dialog and nothing in the browser console.  Then it does one job of
its own (the cashier's is the till's day in test_browser_till.py).  The
screenshots are kept in $TEST_ARTIFACTS.
"""
import xmlrpc.client

import pytest
from shop import Sao, console_errors, sao_login, screenshot

ROLES = ['cashier', 'technician', 'clerk', 'manager', 'accountant',
    'auditor']
# Two new phones for the clerk's receipt (valid IMEIs the demo lacks)
NEW_IMEIS = ['352090119990013', '352090119990021']
# A customer's phone the shop has never seen, for the intake
CUSTOMER_IMEI = '352090100000988'


def role_menu(server, login):
    """The folders of the Device Retail menu that login sees, each with
    its entries, as the server gives them to that user"""
    proxy = xmlrpc.client.ServerProxy(
        server.xmlrpc_url(login), allow_none=True)
    menus = proxy.model.ir.ui.menu.search_read(
        [('parent.name', '=', "Device Retail"),
            ('parent.parent', '=', None)],
        0, None, [('sequence', 'ASC'), ('id', 'ASC')], ['name'], {})
    folders = []
    for folder in menus:
        entries = proxy.model.ir.ui.menu.search_read(
            [('parent', '=', folder['id'])], 0, None,
            [('sequence', 'ASC'), ('id', 'ASC')], ['name'], {})
        folders.append((folder['name'], [e['name'] for e in entries]))
    return folders


def take_device_in(sao):
    "The front desk takes a customer's phone in, never seen before"
    sao.open_entry("Front Desk", "Take Device In")
    sao.choose('customer', "Chen Li", dialog=True)
    sao.fill('code', CUSTOMER_IMEI, dialog=True)
    sao.choose('product', "Nova X0", dialog=True)
    sao.fill('problem', "Speaker crackles", dialog=True)
    sao.shot('intake')
    sao.click('//div[contains(@class, "modal-dialog")]'
        '//button[normalize-space(.)="Take In"]')
    # The new job opens
    sao.visible('//table//tr[.//*[normalize-space(text())="Intake"]]'
        f'[.//*[normalize-space(text())="{CUSTOMER_IMEI}"]]'
        '[.//*[normalize-space(text())="Chen Li"]]')
    sao.shot('job')


def check_a_repair(sao):
    "The technician passes the quality check of the other's repair"
    from selenium.webdriver.common.action_chains import ActionChains
    sao.go('model/repair.job')
    number = sao.visible(
        '//table//tr[.//*[normalize-space(text())="Quality Check"]]'
        '//*[starts-with(normalize-space(text()), "RJ")]')
    sao.idle()
    ActionChains(sao.browser).double_click(number).perform()
    sao.state_is("Quality Check")
    sao.click('//button[@name="pass_check"]')
    sao.idle()
    for dialog in sao.dialogs():
        # A job under warranty asks for the inspection's checklist
        raise AssertionError(dialog.text)
    sao.state_is("Ready")
    sao.shot('checked')


def receive_by_scan(sao):
    "The clerk receives two new phones at the central warehouse by scan"
    sao.go('model/stock.shipment.in')
    sao.idle()
    sao.click('//button[@id="new_"]')
    sao.idle()
    sao.choose('supplier', "PhoneDistri Wholesale")
    sao.click('//button[@id="save"]')
    sao.idle()
    sao.click('//button[@name="receive_units"]')
    sao.choose('product', "NOVAX1-256GB-BLUE", dialog=True)
    sao.fill('codes', '\n'.join(NEW_IMEIS), dialog=True)
    sao.shot('scans')
    sao.click('//div[contains(@class, "modal-dialog")]'
        '//button[normalize-space(.)="Add"]')
    for imei in NEW_IMEIS:
        sao.visible(f'//table//*[contains(text(), "{imei}")]')
    sao.click('//button[@name="receive"]')
    sao.confirm()
    sao.state_is("Received")
    sao.click('//button[@name="do"]')
    sao.confirm()
    sao.state_is("Done")
    sao.shot('received')


def check_the_ledger(sao):
    "The auditor checks the ledger chain, which is intact"
    sao.open_entry("Audit", "Check Stock Ledger")
    intact = sao.visible('//div[contains(@class, "modal-dialog")]'
        '//input[@name="intact"]')
    assert intact.is_selected()
    sealed = sao.visible('//div[contains(@class, "modal-dialog")]'
        '//input[@name="sealed"]')
    assert int(sealed.get_attribute('value').replace(',', '')) > 0
    sao.shot('ledger')
    sao.close_dialog()


JOBS = {
    'cashier': take_device_in,
    'technician': check_a_repair,
    'clerk': receive_by_scan,
    'auditor': check_the_ledger,
    }


@pytest.mark.parametrize('login', ROLES)
def test_role_opens_its_menu_and_does_its_job(
        demo_copy_server, browser, login):
    server = demo_copy_server
    test = f'role-{login}'
    folders = role_menu(server, login)
    assert folders and all(entries for _, entries in folders), folders
    for old in (screenshot(browser, test, 'x').parent).glob(
            f'browser-{test}-*.png'):
        old.unlink()
    sao = Sao(browser, server, test)
    try:
        sao_login(browser, server, login)
        sao.click(sao.menu_row("Device Retail"))
        opened = []
        for folder, entries in folders:
            for name in entries:
                kind = sao.open_entry(folder, name)
                errors = console_errors(browser)
                assert not errors, (folder, name, errors)
                sao.shot(name.replace(' ', '-').replace('?', ''))
                if kind == 'wizard':
                    sao.close_dialog()
                else:
                    sao.close_tab()
                opened.append(name)
        assert len(opened) == sum(len(e) for _, e in folders)
        if login in JOBS:
            JOBS[login](sao)
        errors = console_errors(browser)
        assert not errors, errors
    except Exception:
        sao.shot('failure')
        raise
