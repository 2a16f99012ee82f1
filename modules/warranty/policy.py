# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

# Editing one of these on a policy in use makes a new version
TERM_FIELDS = {
    'replacement_days', 'service_months', 'terms', 'exclusions'}


class Policy(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Warranty Policy"
    __name__ = 'warranty.policy'
    _history = True

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One('company.company', "Company", required=True)
    product = fields.Many2One(
        'product.product', "Product",
        domain=[('type', '=', 'goods')],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The product the policy covers; leave empty for any.")
    category = fields.Many2One(
        'product.category', "Category",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The category, or a parent of the category, of the products "
        "covered; leave empty for any.")
    grade = fields.Many2One(
        'stock.lot.grade', "Grade",
        help="The condition grade of the units covered; leave empty for "
        "any.")
    condition = fields.Selection([
            (None, "Any"),
            ('new', "New"),
            ('refurbished', "Refurbished"),
            ], "Condition",
        help="Whether the policy covers units sold new or refurbished "
        "(by the refurbished flag of their grade).")
    replacement_days = fields.Integer(
        "Replacement Days", required=True,
        domain=[('replacement_days', '>=', 0)],
        help="The days after the sale in which a faulty unit is "
        "replaced.")
    service_months = fields.Integer(
        "Service Months", required=True,
        domain=[('service_months', '>=', 0)],
        help="The months after the sale in which a faulty unit is "
        "repaired.")
    terms = fields.Text("Terms", required=True, translate=True)
    exclusions = fields.Text(
        "Exclusions", translate=True,
        help="What the policy does not cover: liquid damage, a broken "
        "screen…")
    version = fields.Integer(
        "Version", readonly=True,
        help="Counts up when the terms of a policy already given to sold "
        "units change; those units keep the version they were sold with.")
    warranties = fields.One2Many(
        'stock.lot.warranty', 'policy', "Unit Warranties", readonly=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_replacement_days(cls):
        return 0

    @classmethod
    def default_service_months(cls):
        return 0

    @classmethod
    def default_version(cls):
        return 1

    @classmethod
    def copy(cls, policies, default=None):
        default = default.copy() if default else {}
        default.setdefault('version', 1)
        default.setdefault('warranties', None)
        return super().copy(policies, default=default)

    @classmethod
    def write(cls, *args):
        # A term change of a policy given to units is its next version
        actions = iter(args)
        args = []
        for policies, values in zip(actions, actions):
            if values.keys() & TERM_FIELDS and 'version' not in values:
                used = cls.used_versions(policies)
                for policy in policies:
                    if policy.id in used:
                        args.extend(([policy], values | {
                                    'version': policy.version + 1}))
                    else:
                        args.extend(([policy], values))
            else:
                args.extend((policies, values))
        super().write(*args)

    @classmethod
    def used_versions(cls, policies):
        "The ids of the policies whose current version units were given"
        pool = Pool()
        Warranty = pool.get('stock.lot.warranty')
        used = set()
        for policy in policies:
            if Warranty.search([
                        ('policy', '=', policy.id),
                        ('policy_version', '=', policy.version),
                        ], limit=1, order=[]):
                used.add(policy.id)
        return used

    def match(self, lot):
        "Whether the policy covers the unit lot"
        product = lot.product
        if self.product and self.product != product:
            return False
        if self.category and self.category not in {
                c for p in product.categories_all for c in parents(p)}:
            return False
        if self.grade and self.grade != lot.grade:
            return False
        if self.condition:
            refurbished = bool(lot.grade and lot.grade.refurbished)
            if refurbished != (self.condition == 'refurbished'):
                return False
        return True

    @classmethod
    def get_policy(cls, lot, company):
        "The first policy of company, in sequence, that covers the unit"
        for policy in cls.search([('company', '=', company.id)]):
            if policy.match(lot):
                return policy


def parents(category):
    while category:
        yield category
        category = category.parent
