# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import functools
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.repair.job import (
    CustomerUnitMixin, customer_invoice, customer_invoice_line, in_group)
from trytond.modules.stock_branch.stock import WarehouseBranchMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    ClaimError, EligibilityError, ReplacementError, WarrantyError)
from .stock import PHASES

# The phases in which each outcome is due without a manager's say
OUTCOME_PHASES = {
    'replace': {'replacement'},
    'refund': {'replacement'},
    'repair': {'replacement', 'service'},
    }


def decided(outcome):
    "Check that the claims may end with outcome before deciding"
    def decorator(func):
        @functools.wraps(func)
        def wrapper(cls, claims, *args, **kwargs):
            for claim in claims:
                if claim.state != 'draft':
                    continue
                claim.check_eligible(outcome)
            return func(cls, claims, *args, **kwargs)
        return wrapper
    return decorator


class Claim(
        CustomerUnitMixin, WarehouseBranchMixin, Workflow, ModelSQL,
        ModelView):
    "Warranty Claim"
    __name__ = 'warranty.claim'
    _rec_name = 'number'

    _draft = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    warehouse = fields.Many2One(
        'stock.location', "Branch", required=True,
        domain=[('type', '=', 'warehouse')], states=_draft)
    lot = fields.Many2One(
        'stock.lot', "Unit", required=True, states=_draft,
        help="The faulty unit, found by its IMEI or serial number.")
    warranty = fields.Many2One(
        'stock.lot.warranty', "Warranty", readonly=True,
        help="The warranty the unit was sold with: the claim is judged "
        "on it alone.")
    customer = fields.Many2One(
        'party.party', "Customer", states=_draft,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    date = fields.Date("Date", required=True, states=_draft)
    problem = fields.Text("Problem", required=True, states=_draft)
    phase = fields.Function(fields.Selection(
            [(None, "")] + PHASES, "Phase",
            help="The phase of the warranty on the claim's date."),
        'on_change_with_phase')
    forced = fields.Boolean(
        "Forced", readonly=True,
        help="A manager accepted the claim outside its warranty phases.")
    forced_by = fields.Many2One('res.user', "Forced by", readonly=True)
    outcome = fields.Selection([
            (None, ""),
            ('replace', "Replaced"),
            ('repair', "Repaired"),
            ('refund', "Refunded"),
            ('reject', "Rejected"),
            ], "Outcome", readonly=True)
    replacement = fields.Many2One(
        'stock.lot', "Replacement", states={
            'readonly': Eval('state') != 'draft',
            'invisible': (Eval('state') != 'draft') & ~Eval('replacement'),
            },
        domain=[
            ('product', '=', Eval('product', -1)),
            ('id', '!=', Eval('lot', -1)),
            ],
        help="The available unit given in place of the faulty one.")
    product = fields.Function(
        fields.Many2One('product.product', "Product",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_product')
    repair_job = fields.Many2One(
        'repair.job', "Repair Job", readonly=True,
        states={
            'invisible': ~Eval('repair_job'),
            })
    credit_note = fields.Many2One(
        'account.invoice', "Credit Note", readonly=True,
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': ~Eval('credit_note'),
            })
    reject_reason = fields.Text(
        "Reason for Rejection", states={
            'readonly': Eval('state') != 'draft',
            'invisible': (Eval('state') != 'draft') & ~Eval('reject_reason'),
            })
    moves = fields.One2Many(
        'stock.move', 'origin', "Moves", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.lot, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'draft'),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            }
        for button in [
                'replace', 'repair', 'refund', 'reject', 'cancel', 'force']:
            cls._buttons[button] = {
                'invisible': Eval('state') != 'draft',
                'depends': ['state'],
                }
        cls._buttons['replace']['readonly'] = ~Eval('replacement')
        cls._buttons['replace']['depends'].append('replacement')
        cls._buttons['reject']['readonly'] = ~Eval('reject_reason')
        cls._buttons['reject']['depends'].append('reject_reason')
        cls._buttons['force']['invisible'] |= Bool(Eval('forced'))
        cls._buttons['force']['depends'].append('forced')

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_forced(cls):
        return False

    @fields.depends('lot')
    def on_change_with_product(self, name=None):
        return self.lot.product if self.lot else None

    @fields.depends('lot', 'customer')
    def on_change_lot(self):
        if self.lot and self.lot.warranty:
            self.customer = self.lot.warranty.customer

    @fields.depends('warranty', 'lot', 'date')
    def on_change_with_phase(self, name=None):
        warranty = self.warranty or (self.lot.warranty if self.lot else None)
        if warranty and self.date:
            return warranty.phase_on(self.date)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('warranty.configuration')
        Lot = pool.get('stock.lot')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if values.get('lot') and not values.get('warranty'):
                lot = Lot(values['lot'])
                # Refused before it takes a number
                if not lot.warranty:
                    raise EligibilityError(gettext(
                            'warranty.msg_claim_unsold', unit=lot.rec_name))
                location = lot.current_location
                if not location or location.type != 'customer':
                    raise EligibilityError(gettext(
                            'warranty.msg_claim_not_with_customer',
                            unit=lot.rec_name,
                            location=location.rec_name if location else '-'))
                values['warranty'] = lot.warranty.id
                if not values.get('customer') and lot.warranty.customer:
                    values['customer'] = lot.warranty.customer.id
            if not values.get('number'):
                values['number'] = Configuration(1).claim_sequence.get()
        return values

    @classmethod
    def validate_fields(cls, claims, field_names):
        super().validate_fields(claims, field_names)
        if field_names & {'lot', 'warranty'}:
            for claim in claims:
                if not claim.warranty:
                    raise EligibilityError(gettext(
                            'warranty.msg_claim_unsold',
                            unit=claim.lot.rec_name))

    @classmethod
    def check_modification(cls, mode, claims, values=None, external=False):
        super().check_modification(
            mode, claims, values=values, external=external)
        if mode == 'delete':
            for claim in claims:
                if claim.state != 'draft' or claim.moves:
                    raise AccessError(gettext(
                            'warranty.msg_claim_delete',
                            claim=claim.rec_name))

    @classmethod
    def copy(cls, claims, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'outcome', 'replacement', 'repair_job',
                'credit_note', 'forced_by', 'moves']:
            default.setdefault(name, None)
        default.setdefault('forced', False)
        return super().copy(claims, default=default)

    def check_eligible(self, outcome):
        "Refuse outcome when the warranty's phase on the date is not due it"
        pool = Pool()
        Lang = pool.get('ir.lang')
        phases = OUTCOME_PHASES.get(outcome)
        if not phases or self.forced or self.phase in phases:
            return
        lang = Lang.get()

        def format_date(date):
            return lang.strftime(date) if date else '-'
        raise EligibilityError(gettext(
                'warranty.msg_claim_not_eligible',
                claim=self.rec_name,
                phase=dict(PHASES)[self.phase],
                outcome=dict(self.__class__.outcome.selection)[outcome],
                replacement_end=format_date(self.warranty.replacement_end),
                service_end=format_date(self.warranty.service_end)))

    @classmethod
    @ModelView.button
    def force(cls, claims):
        "A manager accepts the claims whatever their phase"
        if not in_group('warranty.group_warranty_admin'):
            raise AccessError(gettext('warranty.msg_claim_force_manager'))
        cls.write([c for c in claims if c.state == 'draft' and not c.forced],
            {
                'forced': True,
                'forced_by': Transaction().user or None,
                })

    @classmethod
    @ModelView.button
    @decided('replace')
    @Workflow.transition('done')
    def replace(cls, claims):
        """Take the faulty unit back into the returns quarantine and give
        the replacement with the rest of the warranty"""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Warranty = pool.get('stock.lot.warranty')
        replacements = [c.replacement for c in claims]
        # Two claims cannot give the same unit
        Lot.lock(replacements)
        for claim in claims:
            claim.check_replacement()
        moves, warranties = [], []
        for claim in claims:
            moves.extend(claim._replacement_moves())
            warranties.append(claim.warranty.inherit(
                    claim.replacement, claim.date, claim))
        with without_check_access():
            Move.save(moves)
            Move.do(moves)
            Warranty.save(warranties)
        cls.write(claims, {'outcome': 'replace'})

    def check_replacement(self):
        replacement = type(self.replacement)(self.replacement.id)
        if (replacement.state != 'available'
                or replacement.product != self.lot.product
                or replacement.current_warehouse != self.warehouse):
            raise ReplacementError(gettext(
                    'warranty.msg_claim_replacement_unavailable',
                    claim=self.rec_name, unit=replacement.rec_name,
                    branch=self.warehouse.rec_name))

    def _replacement_moves(self):
        pool = Pool()
        Move = pool.get('stock.move')
        customer_location = (self.customer.customer_location
            if self.customer else self.lot.current_location)
        replacement = self.replacement
        return [
            self._return_move(),
            # Given at no charge
            Move(
                product=replacement.product,
                unit=replacement.product.default_uom, quantity=1,
                lot=replacement,
                from_location=replacement.current_location,
                to_location=customer_location, company=self.company,
                unit_price=Decimal(0), currency=self.company.currency,
                origin=self),
            ]

    def _return_move(self):
        "The faulty unit back into quarantine at its own cost"
        pool = Pool()
        Move = pool.get('stock.move')
        quarantine = self.warehouse.quarantine_location
        if not quarantine:
            raise WarrantyError(gettext(
                    'warranty.msg_branch_without_quarantine',
                    branch=self.warehouse.rec_name))
        faulty = self.lot
        return Move(
            product=faulty.product, unit=faulty.product.default_uom,
            quantity=1, lot=faulty,
            from_location=faulty.current_location,
            to_location=quarantine, company=self.company,
            unit_price=faulty.unit_cost or Decimal(0),
            currency=self.company.currency, origin=self)

    @classmethod
    @ModelView.button
    @decided('refund')
    @Workflow.transition('done')
    def refund(cls, claims):
        """Take the faulty unit back into the returns quarantine and credit
        the customer the price it was sold at"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Move = pool.get('stock.move')
        cls.check_customer(claims)
        moves = [c._return_move() for c in claims]
        credit_notes = [c._get_credit_note() for c in claims]
        with without_check_access():
            Move.save(moves)
            Move.do(moves)
            Invoice.save(credit_notes)
            Invoice.update_taxes(credit_notes)
        for claim, credit_note in zip(claims, credit_notes):
            claim.credit_note = credit_note
            claim.outcome = 'refund'
        cls.save(claims)

    def _get_credit_note(self):
        "The customer's draft credit note of the price the unit was sold at"
        credit_note = customer_invoice(
            self.company, self.customer, self.rec_name)
        credit_note.lines = [customer_invoice_line(
                self.company, self.lot.product, -1,
                self.warranty.sale_price or Decimal(0), self,
                description=f'{self.lot.product.rec_name} '
                f'{self.lot.rec_name}')]
        return credit_note

    @classmethod
    def check_customer(cls, claims):
        "Refuse claims that have nobody to give a unit or money back to"
        for claim in claims:
            if not claim.customer:
                raise ClaimError(gettext(
                        'warranty.msg_claim_no_customer',
                        claim=claim.rec_name))

    @classmethod
    @ModelView.button
    @decided('repair')
    @Workflow.transition('done')
    def repair(cls, claims):
        "Open a repair job at no charge for each claim"
        pool = Pool()
        Job = pool.get('repair.job')
        cls.check_customer(claims)
        jobs = []
        for claim in claims:
            jobs.append(Job(
                    company=claim.company, warehouse=claim.warehouse,
                    customer=claim.customer, lot=claim.lot,
                    problem=claim.problem, warranty=True,
                    warranty_claim=claim))
        with without_check_access():
            Job.save(jobs)
        for claim, job in zip(claims, jobs):
            claim.repair_job = job
            claim.outcome = 'repair'
        cls.save(claims)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def reject(cls, claims):
        for claim in claims:
            if not claim.reject_reason:
                raise ClaimError(gettext(
                        'warranty.msg_claim_reject_reason',
                        claim=claim.rec_name))
        cls.write(claims, {'outcome': 'reject'})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, claims):
        pass
