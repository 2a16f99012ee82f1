# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""The staff roles of the demo, for the tests of every module.

A module's tests run as the staff who do the job, with the groups of the
demo role that the module's own database has: a till test without
device_retail activated runs as a cashier holding the cashier role's
sale_point, sale and warranty groups.  The device_retail tests check that
this table is the roles of device_retail.xml.
"""

from contextlib import contextmanager

from trytond.pool import Pool
from trytond.transaction import Transaction

STAFF_ROLE_GROUPS = {
    'cashier': [
        'device_retail.group_cashier',
        'repair.group_repair',
        'sale.group_sale',
        'sale_point.group_sale_point',
        'warranty.group_warranty',
        ],
    'technician': [
        'device_retail.group_technician',
        'quality.group_quality',
        'repair.group_repair_technician',
        'rma.group_rma',
        ],
    'stock_clerk': [
        'device_retail.group_stock_clerk',
        'purchase.group_purchase',
        'rma.group_rma',
        'stock.group_stock',
        ],
    'branch_manager': [
        'device_retail.group_branch_manager',
        'device_retail.group_cashier',
        'device_retail.group_stock_clerk',
        'device_retail.group_technician',
        'party.group_party_admin',
        'product.group_product_admin',
        'purchase.group_purchase',
        'purchase_request.group_purchase_request',
        'quality.group_quality_admin',
        'repair.group_repair_admin',
        'repair.group_repair_technician',
        'rma.group_rma_admin',
        'sale.group_sale',
        'sale_point.group_sale_point',
        'sale_point.group_sale_point_posting',
        'stock.group_stock',
        'stock.group_stock_admin',
        'stock.group_stock_cancellation',
        'stock.group_stock_force_assignment',
        'warranty.group_warranty_admin',
        ],
    'accountant': [
        'account.group_account',
        'account.group_account_admin',
        'device_retail.group_accountant',
        'sale_point.group_sale_point_posting',
        'stock_branch.group_branch_all',
        ],
    'auditor': [
        'device_retail.group_auditor',
        'stock_branch.group_branch_all',
        ],
    }


def staff_groups(role):
    "The ids of the groups of role whose modules are activated"
    ModelData = Pool().get('ir.model.data')
    ids = []
    for xml_id in STAFF_ROLE_GROUPS[role]:
        module, fs_id = xml_id.split('.')
        for data in ModelData.search([
                    ('module', '=', module),
                    ('fs_id', '=', fs_id),
                    ('model', '=', 'res.group'),
                    ]):
            ids.append(data.db_id)
    return ids


def create_staff_user(company, role, login=None, branches=()):
    """A user of company holding the groups of role, working at branches
    (the first is their current one)"""
    User = Pool().get('res.user')
    login = login or role
    values = {
        'login': login,
        'name': login.replace('_', ' ').title(),
        'companies': [('add', [company.id])],
        'company': company.id,
        'groups': [('add', staff_groups(role))],
        }
    if branches:
        values['branches'] = [('add', [b.id for b in branches])]
        values['warehouse'] = branches[0].id
    user, = User.create([values])
    return user


@contextmanager
def acting_as(user):
    """Run as user with the context of their preferences and their access
    checked, as a client's call is"""
    User = Pool().get('res.user')
    transaction = Transaction()
    with transaction.set_user(user.id):
        context = User.get_preferences(context_only=True)
    with transaction.set_user(user.id), \
            transaction.set_context(context, _check_access=True):
        yield
