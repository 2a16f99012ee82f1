# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateView, Wizard


class ChecklistResult(ModelView):
    __name__ = 'device_retail.checklist.result'

    complete = fields.Boolean("Complete", readonly=True)
    lines = fields.One2Many(
        'device_retail.checklist.line', None, "Checks", readonly=True)


class ChecklistLine(ModelView):
    __name__ = 'device_retail.checklist.line'

    check = fields.Char("Check", readonly=True)
    ok = fields.Boolean("Done", readonly=True)
    advice = fields.Text("What to do", readonly=True)


class Checklist(Wizard):
    "Tell what a shop still has to configure before it can trade"
    __name__ = 'device_retail.checklist'

    start = StateView(
        'device_retail.checklist.result',
        'device_retail.checklist_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        lines = []
        for name in self.checks():
            ok = getattr(self, 'check_%s' % name)()
            lines.append({
                    'check': gettext('device_retail.msg_check_%s' % name),
                    'ok': ok,
                    'advice': (
                        '' if ok else gettext(
                            'device_retail.msg_check_%s_advice' % name)),
                    })
        return {
            'lines': lines,
            'complete': all(l['ok'] for l in lines),
            }

    @classmethod
    def checks(cls):
        "The names of the checks, in the order they must be done"
        return [
            'company', 'fiscalyear', 'stock_journal', 'stock_accounts',
            'branch',
            'sale_point', 'staff', 'staff_branches']

    @staticmethod
    def _company():
        return Transaction().context.get('company')

    def check_company(self):
        return bool(self._company())

    def check_fiscalyear(self):
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        Date = pool.get('ir.date')
        company = self._company()
        if not company:
            return False
        today = Date.today()
        return bool(FiscalYear.search([
                    ('company', '=', company),
                    ('start_date', '<=', today),
                    ('end_date', '>=', today),
                    ('account_stock_method', '=', 'continental'),
                    ], limit=1))

    def _accounting_set(self, *names):
        "Whether the accounting configuration sets names for the company"
        pool = Pool()
        Configuration = pool.get('account.configuration')
        company = self._company()
        if not company:
            return False
        config = Configuration(1)
        return all(config.get_multivalue(name, company=company)
            for name in names)

    def check_stock_journal(self):
        return self._accounting_set('stock_journal')

    def check_stock_accounts(self):
        return self._accounting_set(
            'stock_shrinkage_account', 'stock_gain_account',
            'stock_revaluation_account')

    def check_branch(self):
        Location = Pool().get('stock.location')
        return bool(Location.search([
                    ('type', '=', 'warehouse'),
                    ('storage_location', '!=', None),
                    ], limit=1))

    def check_sale_point(self):
        SalePoint = Pool().get('sale.point')
        company = self._company()
        return bool(company and SalePoint.search([
                    ('company', '=', company),
                    ], limit=1))

    def check_staff(self):
        pool = Pool()
        UserRole = pool.get('res.user.role')
        ModelData = pool.get('ir.model.data')
        for role in ['cashier', 'stock_clerk', 'branch_manager']:
            role_id = ModelData.get_id('device_retail', 'role_%s' % role)
            if not UserRole.search([('role', '=', role_id)], limit=1):
                return False
        return True

    def check_staff_branches(self):
        "Every member of staff of a branch works in at least one branch"
        pool = Pool()
        UserRole = pool.get('res.user.role')
        ModelData = pool.get('ir.model.data')
        roles = [ModelData.get_id('device_retail', 'role_%s' % role)
            for role in [
                'cashier', 'technician', 'stock_clerk', 'branch_manager']]
        users = {r.user for r in UserRole.search([('role', 'in', roles)])}
        return all(u.branches for u in users if u.active)
