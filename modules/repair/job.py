# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
import functools
import logging
import shlex
import shutil
from decimal import Decimal

from sql.operators import Equal

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import (
    Exclude, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.product import price_digits
from trytond.modules.quality.quality import ControlledMixin
from trytond.modules.stock_branch.stock import WarehouseBranchMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from .exceptions import IntakeError, PartsUnavailableError, RepairError
from .exceptions import RoleError

# A job is open until the device has gone back or the job was dropped
CLOSED_STATES = {'delivered', 'cancelled', 'rejected'}
logger = logging.getLogger(__name__)

# Who did each step and when: the server records them as the job moves on
RECORDED_FIELDS = {
    'diagnosed_by', 'approved_by', 'approved_at', 'repaired_by',
    'checked_by', 'delivered_at', 'turnaround', 'invoice'}
# Set by the server at intake, then by the workflow only
WORKFLOW_FIELDS = {'number', 'ownership', 'revision', 'state'}

# The quote can change until the customer agrees to it
QUOTE_STATES = {'intake', 'diagnosed', 'quoted'}
# Parts are reserved from approval until they are consumed
RESERVED_STATES = {'approved', 'in_repair'}
TIERS = [
    (None, ""),
    ('original', "Original (OEM)"),
    ('refurbished', "Refurbished"),
    ('aftermarket', "Aftermarket"),
    ]


def in_group(xml_id):
    "Whether the user of the transaction is in the group xml_id"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    transaction = Transaction()
    if not transaction.user:
        return True
    group_id = ModelData.get_id(*xml_id.split('.'))
    return group_id in User.get_groups()


def refuse_illegal(state):
    """Refuse, naming it, a job that cannot reach state from where it is

    Tryton's workflow skips such jobs silently; a job already in state is
    skipped still, so that a retried click changes nothing."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(cls, jobs, *args, **kwargs):
            sources = {f for f, t in cls._transitions if t == state}
            for job in jobs:
                if job.state != state and job.state not in sources:
                    selection = dict(cls.state.selection)
                    raise RepairError(gettext(
                            'repair.msg_job_illegal_transition',
                            job=job.rec_name,
                            state=selection[job.state],
                            target=selection[state]))
            return func(cls, jobs, *args, **kwargs)
        return wrapper
    return decorator


def company_product(product, company):
    "product read for company: its accounts, taxes and prices"
    with Transaction().set_context(company=company.id):
        return type(product)(product.id)


def customer_invoice(company, party, description):
    "A draft customer invoice of company to party"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    invoice = Invoice(
        company=company, type='out', party=party,
        invoice_address=party.address_get(type='invoice'),
        currency=company.currency,
        account=party.account_receivable_used,
        description=description,
        payment_term=party.customer_payment_term)
    invoice.set_journal()
    return invoice


def customer_invoice_line(
        company, product, quantity, unit_price, origin, description=None):
    "A customer invoice line of product with its revenue account and taxes"
    pool = Pool()
    InvoiceLine = pool.get('account.invoice.line')
    product = company_product(product, company)
    line = InvoiceLine(
        type='line', invoice_type='out', company=company,
        currency=company.currency, origin=origin, product=product,
        description=description or product.rec_name, quantity=quantity,
        unit=product.default_uom, unit_price=unit_price)
    line.account = product.account_revenue_used
    line.taxes = product.customer_taxes_used
    return line


def checked_by_another(func):
    "Refuse the quality check to the technician who repaired"
    @functools.wraps(func)
    def wrapper(cls, jobs, *args, **kwargs):
        user = Transaction().user
        for job in jobs:
            if user and job.repaired_by and job.repaired_by.id == user:
                raise RoleError(gettext(
                        'repair.msg_job_check_by_repairer',
                        job=job.rec_name))
        return func(cls, jobs, *args, **kwargs)
    return wrapper


class CustomerUnitMixin:
    "A numbered document about a customer's unit, named after both"
    __slots__ = ()

    @property
    def party(self):
        "The customer, who owns the unit the document gives"
        return self.customer

    def get_rec_name(self, name):
        return f'{self.number or self.id} ({self.lot.rec_name})'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('number', operator, value),
            ('lot.rec_name', operator, value),
            ]


class Job(
        CustomerUnitMixin, ControlledMixin, WarehouseBranchMixin, Workflow,
        ModelSQL, ModelView):
    "Repair Job"
    __name__ = 'repair.job'
    _rec_name = 'number'

    _intake_states = {
        'readonly': Eval('state') != 'intake',
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states=_intake_states)
    warehouse = fields.Many2One(
        'stock.location', "Branch", required=True,
        domain=[('type', '=', 'warehouse')], states=_intake_states)
    customer = fields.Many2One(
        'party.party', "Customer", required=True, states=_intake_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    lot = fields.Many2One(
        'stock.lot', "Device", required=True, states=_intake_states,
        domain=[('product.type', '=', 'goods')],
        help="The unit repaired, found by its IMEI or serial number.")
    device_code = fields.Function(
        fields.Char(
            "IMEI / Serial Number",
            help="The identifier of the device, for the staff who read "
            "no units."),
        'get_device_code')
    product = fields.Function(
        fields.Many2One('product.product', "Product",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_product')
    ownership = fields.Selection([
            ('customer', "Customer's Device"),
            ('company', "Company's Unit"),
            ], "Ownership", required=True, readonly=True,
        help="A customer's device is kept in custody, never valued; the "
        "company's unit is reworked on the repair bench and stays valued.")
    problem = fields.Text(
        "Reported Problem", required=True, states=_intake_states)
    accessories = fields.Text(
        "Accessories Received", states=_intake_states,
        help="What came with the device: case, charger, SIM card…")
    condition = fields.Text(
        "Condition at Intake", states=_intake_states,
        help="Scratches, cracks and marks seen at intake; attach the "
        "photos to the job.")
    warranty = fields.Boolean(
        "Under Warranty", states={
            'readonly': ~Eval('state').in_(list(QUOTE_STATES)),
            },
        help="A repair under warranty is not charged to the customer.")
    findings = fields.Text(
        "Findings", states={
            'readonly': Eval('state') != 'intake',
            },
        help="What the technician found; needed to diagnose the job.")
    lines = fields.One2Many(
        'repair.job.line', 'job', "Lines", states={
            'readonly': ~Eval('state').in_(list(QUOTE_STATES)),
            },
        depends={'company'})
    revision = fields.Integer(
        "Revision", readonly=True,
        help="How many times the approved quote was revised.")
    total = fields.Function(fields.Numeric(
            "Total", digits=(16, 2),
            help="What the customer pays: nothing under warranty."),
        'get_amounts')
    cost = fields.Function(fields.Numeric(
            "Cost", digits=(16, 2),
            help="The parts at their cost and the labour at its cost."),
        'get_amounts')
    margin = fields.Function(fields.Numeric(
            "Margin", digits=(16, 4),
            help="The share of the total left once the cost is paid."),
        'get_amounts')
    below_margin = fields.Function(fields.Boolean(
            "Below Minimum Margin",
            help="The quote leaves less than the minimum margin: a branch "
            "manager approves it."),
        'get_amounts')
    diagnosed_by = fields.Many2One('res.user', "Diagnosed by", readonly=True)
    approved_by = fields.Many2One(
        'res.user', "Approval Recorded by", readonly=True)
    approved_at = fields.DateTime("Approved at", readonly=True)
    consent = fields.Char(
        "Customer Consent", states={
            'readonly': Eval('state') != 'quoted',
            },
        help="How the customer agreed to the quote: in person, by phone "
        "or by message, and who.")
    repaired_by = fields.Many2One('res.user', "Repaired by", readonly=True)
    checked_by = fields.Many2One(
        'res.user', "Quality Checked by", readonly=True)
    delivered_at = fields.DateTime("Delivered at", readonly=True)
    turnaround = fields.Float(
        "Turnaround (hours)", digits=(16, 1), readonly=True,
        help="The hours from intake to delivery.")
    technician = fields.Many2One(
        'res.user', "Technician",
        states={
            'readonly': Eval('state').in_(list(CLOSED_STATES)),
            },
        help="The technician in charge; who diagnoses it unless set.")
    invoice = fields.Many2One(
        'account.invoice', "Invoice", readonly=True,
        domain=[('company', '=', Eval('company', -1))],
        help="The customer invoice of the repair, or of the diagnostic "
        "fee of a job cancelled or rejected after its diagnosis.")
    moves = fields.One2Many(
        'stock.move', 'origin', "Device Moves", readonly=True,
        help="The moves of the device in and out of the branch.")
    state = fields.Selection([
            ('intake', "Intake"),
            ('diagnosed', "Diagnosed"),
            ('quoted', "Quoted"),
            ('approved', "Approved"),
            ('in_repair', "In Repair"),
            ('quality_check', "Quality Check"),
            ('ready', "Ready"),
            ('delivered', "Delivered"),
            ('cancelled', "Cancelled"),
            ('rejected', "Rejected"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    del _intake_states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('lot_open_exclude',
                Exclude(t, (t.lot, Equal),
                    where=~t.state.in_(list(CLOSED_STATES))),
                'repair.msg_job_lot_open_exclude'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.warehouse, Index.Range())),
                Index(t, (t.lot, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=~t.state.in_(list(CLOSED_STATES))),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('intake', 'diagnosed'),
            ('diagnosed', 'quoted'),
            ('quoted', 'approved'),
            ('quoted', 'rejected'),
            ('approved', 'quoted'),
            ('approved', 'in_repair'),
            ('in_repair', 'quality_check'),
            ('quality_check', 'ready'),
            ('quality_check', 'in_repair'),
            ('ready', 'delivered'),
            ('intake', 'cancelled'),
            ('diagnosed', 'cancelled'),
            ('quoted', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'diagnose': {
                    'invisible': Eval('state') != 'intake',
                    'readonly': ~Eval('findings'),
                    'depends': ['state', 'findings'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'quoted',
                    'readonly': ~Eval('consent'),
                    'depends': ['state', 'consent'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['intake', 'diagnosed', 'quoted', 'approved']),
                    'depends': ['state'],
                    },
                })
        # The other buttons show in the one state they leave
        for button, state in [
                ('quote', 'diagnosed'),
                ('reject', 'quoted'),
                ('revise', 'approved'),
                ('start', 'approved'),
                ('complete', 'in_repair'),
                ('pass_check', 'quality_check'),
                ('fail_check', 'quality_check'),
                ('deliver', 'ready'),
                ]:
            cls._buttons[button] = {
                'invisible': Eval('state') != state,
                'depends': ['state'],
                }

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @classmethod
    def default_state(cls):
        return 'intake'

    @classmethod
    def default_ownership(cls):
        return 'customer'

    @classmethod
    def default_revision(cls):
        return 0

    @classmethod
    def default_warranty(cls):
        return False

    @classmethod
    def get_device_code(cls, jobs, name):
        # Shown to whoever reads the job, as the job card prints it
        with without_check_access():
            return {
                j.id: (j.lot.imei or j.lot.serial or j.lot.number)
                if j.lot else None
                for j in cls.browse(jobs)}

    @fields.depends('lot')
    def on_change_with_product(self, name=None):
        return self.lot.product if self.lot else None

    @fields.depends('lot', 'customer')
    def on_change_lot(self):
        if self.lot:
            self.ownership = self._lot_ownership(self.lot)

    @staticmethod
    def _lot_ownership(lot):
        "The ownership of lot when it comes in for repair"
        location = lot.current_location
        if location and location.type == 'storage' and location.valued:
            return 'company'
        return 'customer'

    @classmethod
    def get_amounts(cls, jobs, names):
        pool = Pool()
        Configuration = pool.get('repair.configuration')
        minimum = Configuration(1).minimum_margin or Decimal(0)
        result = {n: {} for n in names}
        for job in jobs:
            total = sum((l.amount or 0 for l in job.lines), Decimal(0))
            if job.warranty:
                total = Decimal(0)
            cost = sum((l.cost or 0 for l in job.lines), Decimal(0))
            margin = None
            if total:
                margin = ((total - cost) / total).quantize(Decimal('.0001'))
            values = {
                'total': job.company.currency.round(total),
                'cost': job.company.currency.round(cost),
                'margin': margin,
                'below_margin': (not job.warranty and bool(job.lines)
                    and (margin is None or margin < minimum)),
                }
            for name in names:
                result[name][job.id] = values[name]
        return result

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('repair.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            company = values.get('company', cls.default_company())
            values['number'] = Configuration(1).get_multivalue(
                'job_sequence', company=company).get()
        return values

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Lot = pool.get('stock.lot')
        # Technicians may write quote lines, not take devices in
        if Transaction().check_access:
            if not in_group('repair.group_repair'):
                raise RoleError(gettext('repair.msg_job_intake_front_desk'))
            for values in vlist:
                cls._check_recorded_fields(
                    values, RECORDED_FIELDS | (
                        {'state'} if values.get('state', 'intake') != 'intake'
                        else set()))
        lot_ids = [v['lot'] for v in vlist if v.get('lot')]
        # One open job per device, even for intakes made at once
        Lot.lock(Lot.browse(lot_ids))
        for lot in Lot.browse(lot_ids):
            cls.check_open(lot)
        if len(set(lot_ids)) != len(lot_ids):
            lot = Lot(next(i for i in lot_ids if lot_ids.count(i) > 1))
            raise IntakeError(gettext(
                    'repair.msg_job_lot_open', device=lot.rec_name,
                    job=lot.rec_name))
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('lot'):
                values['ownership'] = cls._lot_ownership(Lot(values['lot']))
        return super().create(vlist)

    @classmethod
    def check_open(cls, lot, exclude=None):
        "Refuse if lot is in an open job other than exclude"
        jobs = cls.search([
                ('lot', '=', lot.id),
                ('state', 'not in', list(CLOSED_STATES)),
                ('id', '!=', exclude.id if exclude else -1),
                ], limit=1)
        if jobs:
            raise IntakeError(gettext(
                    'repair.msg_job_lot_open', device=lot.rec_name,
                    job=jobs[0].number))

    @classmethod
    def check_modification(cls, mode, jobs, values=None, external=False):
        super().check_modification(
            mode, jobs, values=values, external=external)
        if mode == 'write' and external:
            cls._check_recorded_fields(
                values, RECORDED_FIELDS | WORKFLOW_FIELDS, jobs)
        if mode == 'delete':
            for job in jobs:
                if job.state != 'intake' or job.moves:
                    raise AccessError(gettext(
                            'repair.msg_job_delete', job=job.rec_name))

    @classmethod
    def _check_recorded_fields(cls, values, names, jobs=None):
        "Refuse a client's values of the fields the server records"
        for name in sorted(names & values.keys()):
            job = jobs[0].rec_name if jobs else values.get('number', '')
            raise RoleError(gettext(
                    'repair.msg_job_recorded_field',
                    field=cls.__names__(name)['field'], job=job))

    @classmethod
    def copy(cls, jobs, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'findings', 'diagnosed_by', 'approved_by',
                'approved_at', 'consent', 'repaired_by', 'checked_by',
                'delivered_at', 'turnaround', 'moves', 'invoice']:
            default.setdefault(name, None)
        default.setdefault('revision', 0)
        default.setdefault('lines.moves', None)
        return super().copy(jobs, default=default)

    @classmethod
    def on_modification(cls, mode, jobs, field_names=None):
        super().on_modification(mode, jobs, field_names=field_names)
        if mode == 'create':
            cls.receive_devices(jobs)

    # Custody of the device

    def _device_location(self):
        "Where the device waits in the branch, before and after its repair"
        if self.ownership == 'company':
            return self.warehouse.repair_location
        return self.warehouse.custody_location

    def _bench_location(self):
        "Where the device is while it is repaired"
        if self.ownership == 'company':
            return self.warehouse.repair_location
        return self.warehouse.custody_bench_location

    def _device_move(self, from_location, to_location):
        pool = Pool()
        Move = pool.get('stock.move')
        move = Move(
            product=self.lot.product,
            unit=self.lot.product.default_uom,
            quantity=1,
            lot=self.lot,
            from_location=from_location,
            to_location=to_location,
            company=self.company,
            origin=self)
        if move.on_change_with_unit_price_required():
            # A customer's device is not bought or sold
            move.unit_price = Decimal(0)
            move.currency = self.company.currency
        return move

    @classmethod
    def receive_devices(cls, jobs):
        "Bring each device into the branch's custody or repair bench"
        moves = []
        for job in jobs:
            to_location = job._device_location()
            if not to_location:
                raise RepairError(gettext(
                        'repair.msg_branch_without_location',
                        branch=job.warehouse.rec_name, job=job.rec_name))
            from_location = job.lot.current_location
            if job.ownership == 'customer' and (
                    not from_location or from_location.type != 'customer'):
                from_location = job.customer.customer_location
            if from_location != to_location:
                moves.append(job._device_move(from_location, to_location))
        cls._do_device_moves(moves)

    @classmethod
    def bench_devices(cls, jobs, on_bench=True):
        "Take each device to the bench, or off it to wait for its customer"
        moves = []
        for job in jobs:
            if on_bench:
                to_location = job._bench_location()
            else:
                to_location = job._device_location()
            if not to_location:
                raise RepairError(gettext(
                        'repair.msg_branch_without_location',
                        branch=job.warehouse.rec_name, job=job.rec_name))
            lot = type(job.lot)(job.lot.id)
            if lot.current_location != to_location:
                moves.append(
                    job._device_move(lot.current_location, to_location))
        cls._do_device_moves(moves)

    @classmethod
    def return_devices(cls, jobs):
        "Give each customer's device back, put each company unit back"
        moves = []
        for job in jobs:
            lot = job.lot
            lot = type(lot)(lot.id)
            from_location = lot.current_location
            if job.ownership == 'customer':
                to_location = job.customer.customer_location
            else:
                to_location = job.warehouse.storage_location
            if from_location and from_location != to_location:
                moves.append(job._device_move(from_location, to_location))
        cls._do_device_moves(moves)

    @staticmethod
    def _do_device_moves(moves):
        pool = Pool()
        Move = pool.get('stock.move')
        # The job moves the device, whoever clicks
        with without_check_access():
            Move.save(moves)
            Move.do(moves)

    # Parts

    @classmethod
    def reserve_parts(cls, jobs):
        """Reserve the parts of the jobs' quotes; refuse, naming them, the
        parts the branch does not have"""
        pool = Pool()
        Move = pool.get('stock.move')
        Configuration = pool.get('repair.configuration')
        consumption = Configuration(1).consumption_location
        moves = []
        for job in jobs:
            for line in job.lines:
                if line.type == 'part':
                    moves.append(line.get_move(consumption))
        if not moves:
            return
        # The job reserves and consumes its parts, whoever clicks
        with without_check_access():
            Move.save(moves)
            assigned = Move.assign_try(moves, with_childs=False)
        if not assigned:
            missing = [m for m in moves if m.state != 'assigned']
            job = missing[0].origin.job
            raise PartsUnavailableError(gettext(
                    'repair.msg_parts_unavailable',
                    job=job.rec_name,
                    parts=', '.join(sorted({
                                m.lot.rec_name if m.lot
                                else m.product.rec_name
                                for m in missing
                                if m.origin.job == job})),
                    branch=job.warehouse.rec_name))

    @classmethod
    def release_parts(cls, jobs):
        "Cancel the reservations of the parts not consumed"
        pool = Pool()
        Move = pool.get('stock.move')
        moves = [m for j in jobs for l in j.lines for m in l.moves
            if m.state in {'draft', 'assigned'}]
        with without_check_access():
            Move.cancel(moves)

    @classmethod
    def consume_parts(cls, jobs):
        pool = Pool()
        Move = pool.get('stock.move')
        moves = [m for j in jobs for l in j.lines for m in l.moves
            if m.state == 'assigned']
        with without_check_access():
            Move.do(moves)

    # Billing

    @classmethod
    def charge(cls, jobs, fee=False):
        """Charge each chargeable job to its customer: its lines, or with
        fee its diagnostic fee"""
        pool = Pool()
        Configuration = pool.get('repair.configuration')
        configuration = Configuration(1)
        chargeable = []
        for job in jobs:
            if job.warranty or job.charged:
                continue
            if fee:
                if configuration.diagnostic_fee:
                    chargeable.append(job)
            elif any(l.unit_price for l in job.lines):
                chargeable.append(job)
        cls.invoice_jobs(chargeable, fee=fee)

    @property
    def charged(self):
        "Whether the customer was already charged for the job"
        return bool(self.invoice)

    @classmethod
    def invoice_jobs(cls, jobs, fee=False):
        "Create the draft customer invoice of each job"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Configuration = pool.get('repair.configuration')
        configuration = Configuration(1)
        invoices = []
        for job in jobs:
            if fee:
                lines = [job._get_fee_invoice_line(configuration)]
            else:
                lines = [l.get_invoice_line() for l in job.lines]
            invoice = job._get_invoice()
            invoice.lines = lines
            invoices.append(invoice)
        Invoice.save(invoices)
        Invoice.update_taxes(invoices)
        for job, invoice in zip(jobs, invoices):
            job.invoice = invoice
        cls.save(jobs)

    def _get_invoice(self):
        return customer_invoice(self.company, self.customer, self.rec_name)

    def _get_fee_invoice_line(self, configuration):
        return customer_invoice_line(
            self.company, configuration.diagnostic_product, 1,
            configuration.diagnostic_fee, self)

    # Transitions

    @classmethod
    @ModelView.button
    @refuse_illegal('diagnosed')
    @ControlledMixin.control(
        'diagnose', 'repair.wizard_job_inspect_diagnose')
    @Workflow.transition('diagnosed')
    def diagnose(cls, jobs):
        for job in jobs:
            if not job.findings:
                raise RepairError(gettext(
                        'repair.msg_job_no_findings', job=job.rec_name))
        user = Transaction().user or None
        cls.write(jobs, {'diagnosed_by': user})
        cls.write([j for j in jobs if not j.technician], {'technician': user})

    @classmethod
    @ModelView.button
    @refuse_illegal('quoted')
    @Workflow.transition('quoted')
    def quote(cls, jobs):
        for job in jobs:
            if not job.lines:
                raise RepairError(gettext(
                        'repair.msg_job_no_lines', job=job.rec_name))

    @classmethod
    @ModelView.button
    @refuse_illegal('approved')
    @Workflow.transition('approved')
    def approve(cls, jobs):
        for job in jobs:
            if not job.consent:
                raise RepairError(gettext(
                        'repair.msg_job_no_consent', job=job.rec_name))
            if job.below_margin and not in_group('repair.group_repair_admin'):
                raise RoleError(gettext(
                        'repair.msg_job_below_margin', job=job.rec_name,
                        margin=job.margin if job.margin is not None else '-'))
        cls.reserve_parts(jobs)
        cls.write(jobs, {
                'approved_by': Transaction().user or None,
                'approved_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @refuse_illegal('quoted')
    @Workflow.transition('quoted')
    def revise(cls, jobs):
        "Reopen an approved quote: its parts are released"
        cls.release_parts(jobs)
        for job in jobs:
            cls.write([job], {
                    'revision': (job.revision or 0) + 1,
                    'consent': None,
                    'approved_by': None,
                    'approved_at': None,
                    })

    @classmethod
    @ModelView.button
    @refuse_illegal('rejected')
    @Workflow.transition('rejected')
    def reject(cls, jobs):
        cls.return_devices(jobs)
        cls.charge(jobs, fee=True)

    @classmethod
    @ModelView.button
    @refuse_illegal('in_repair')
    @Workflow.transition('in_repair')
    def start(cls, jobs):
        cls.bench_devices(jobs)

    @classmethod
    @ModelView.button
    @refuse_illegal('quality_check')
    @Workflow.transition('quality_check')
    def complete(cls, jobs):
        pool = Pool()
        Alert = pool.get('quality.alert')
        cls.consume_parts(jobs)
        # The rework answers the alerts of the check that failed
        Alert.resolve([a for j in jobs for a in j._check_alerts('processing')])
        cls.write(jobs, {'repaired_by': Transaction().user or None})

    @classmethod
    @ModelView.button
    @refuse_illegal('ready')
    @checked_by_another
    @ControlledMixin.control(
        'pass_check', 'repair.wizard_job_inspect_pass_check')
    @Workflow.transition('ready')
    def pass_check(cls, jobs):
        cls.bench_devices(jobs, on_bench=False)
        cls.write(jobs, {'checked_by': Transaction().user or None})

    @classmethod
    @ModelView.button
    @refuse_illegal('in_repair')
    @checked_by_another
    @Workflow.transition('in_repair')
    def fail_check(cls, jobs):
        pool = Pool()
        Alert = pool.get('quality.alert')
        # Back in repair, the alerts of the failed check are being handled
        Alert.process([a for j in jobs for a in j._check_alerts('open')])

    def quality_control_pattern(self, operation):
        pattern = super().quality_control_pattern(operation)
        pattern['company'] = self.company.id
        pattern['product'] = self.lot.product.id
        return pattern

    def quality_controlled_for(self, operation):
        # A failed inspection whose alerts the rework resolved asks for
        # another inspection
        operation = f'{self.__name__}:{operation}'
        return any(
            i for i in self.quality_inspections
            if operation in i.control.operations
            and not (i.state == 'failed' and i.alerts
                and all(a.state == 'resolved' for a in i.alerts)))

    def _check_alerts(self, state):
        "The alerts in state of the failed inspections of the repair"
        operation = f'{self.__name__}:pass_check'
        return [a for i in self.quality_inspections
            if i.state == 'failed' and operation in i.control.operations
            for a in i.alerts if a.state == state]

    @classmethod
    @ModelView.button
    @refuse_illegal('delivered')
    @Workflow.transition('delivered')
    def deliver(cls, jobs):
        for job in jobs:
            if not job.checked_by:
                raise RepairError(gettext(
                        'repair.msg_job_deliver_unchecked',
                        job=job.rec_name))
        cls.return_devices(jobs)
        now = dt.datetime.now()
        for job in jobs:
            cls.write([job], {
                    'delivered_at': now,
                    'turnaround': round(
                        (now - job.create_date).total_seconds() / 3600, 1),
                    })
        cls.charge(jobs)

    @classmethod
    @ModelView.button
    @refuse_illegal('cancelled')
    @Workflow.transition('cancelled')
    def cancel(cls, jobs):
        # A job diagnosed before it is dropped owes its diagnosis
        diagnosed = [j for j in jobs if j.state != 'intake']
        cls.release_parts(jobs)
        cls.return_devices(jobs)
        cls.charge(diagnosed, fee=True)


class JobLine(ModelSQL, ModelView):
    "Repair Job Line"
    __name__ = 'repair.job.line'

    job = fields.Many2One(
        'repair.job', "Job", required=True, ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company')
    sequence = fields.Integer("Sequence")
    type = fields.Selection([
            ('part', "Part"),
            ('labour', "Labour"),
            ], "Type", required=True)
    product = fields.Many2One(
        'product.product', "Product",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        domain=[
            If(Eval('type') == 'part',
                ('type', '=', 'goods'),
                ('type', '=', 'service')),
            ],
        required=True)
    tier = fields.Function(fields.Selection(TIERS, "Quality Tier"),
        'on_change_with_tier')
    tier_string = tier.translated('tier')
    lot = fields.Many2One(
        'stock.lot', "Serial Number",
        domain=[('product', '=', Eval('product', -1))],
        states={
            'invisible': Eval('type') != 'part',
            },
        help="The unit used, for a serialized part.")
    description = fields.Text("Description")
    technician = fields.Many2One(
        'res.user', "Technician",
        states={
            'invisible': Eval('type') != 'labour',
            })
    billing = fields.Selection([
            (None, ""),
            ('time', "Time"),
            ('flat', "Flat Rate"),
            ], "Billing",
        states={
            'invisible': Eval('type') != 'labour',
            'required': Eval('type') == 'labour',
            },
        help="Time: the quantity is the hours worked.\n"
        "Flat rate: one price for the job, whatever the time.")
    hours = fields.Numeric(
        "Hours", digits=(16, 2),
        domain=['OR', ('hours', '=', None), ('hours', '>=', 0)],
        states={
            'invisible': Eval('type') != 'labour',
            'required': Eval('type') == 'labour',
            },
        help="The technician's time, for the cost of the labour.")
    quantity = fields.Float(
        "Quantity", digits=(16, 2), required=True,
        domain=[('quantity', '>', 0)])
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, required=True)
    amount = fields.Function(
        fields.Numeric("Amount", digits=(16, 2)), 'on_change_with_amount')
    cost_price = fields.Numeric(
        "Cost Price", digits=price_digits, readonly=True,
        help="The part's unit or FIFO cost, or the labour cost per hour, "
        "when the line was written.")
    cost = fields.Function(
        fields.Numeric("Cost", digits=(16, 2)), 'get_cost')
    moves = fields.One2Many(
        'stock.move', 'origin', "Moves", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('job')
        cls._order.insert(0, ('sequence', 'ASC NULLS FIRST'))

    @classmethod
    def default_type(cls):
        return 'part'

    @classmethod
    def default_quantity(cls):
        return 1

    @fields.depends('job', '_parent_job.company')
    def on_change_with_company(self, name=None):
        return self.job.company if self.job else None

    @fields.depends('product')
    def on_change_with_tier(self, name=None):
        if self.product:
            return self.product.template.repair_tier

    @fields.depends('type', 'billing', 'hours', 'quantity')
    def on_change_hours(self):
        if self.type == 'labour' and self.billing == 'time' and self.hours:
            self.quantity = float(self.hours)

    @fields.depends('product', 'unit_price', 'job', '_parent_job.company')
    def on_change_product(self):
        if self.product and self.unit_price is None and self.job:
            # The list price is the company's
            self.unit_price = company_product(
                self.product, self.job.company).list_price_used

    @fields.depends('quantity', 'unit_price', 'job', '_parent_job.company')
    def on_change_with_amount(self, name=None):
        if self.quantity is None or self.unit_price is None:
            return None
        amount = Decimal(str(self.quantity)) * self.unit_price
        if self.job and self.job.company:
            return self.job.company.currency.round(amount)
        return amount.quantize(Decimal('.01'))

    def get_cost(self, name):
        if self.cost_price is None:
            return None
        if self.type == 'labour':
            quantity = self.hours or Decimal(0)
        else:
            quantity = Decimal(str(self.quantity))
        return (quantity * self.cost_price).quantize(Decimal('.01'))

    def _cost_price(self):
        pool = Pool()
        Configuration = pool.get('repair.configuration')
        if self.type == 'labour':
            return Configuration(1).labour_cost or Decimal(0)
        if self.lot and self.lot.unit_cost is not None:
            return self.lot.unit_cost
        if self.product:
            with Transaction().set_context(company=self.job.company.id):
                return self.product.get_multivalue(
                    'cost_price', company=self.job.company.id)

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if (line.type == 'part' and line.lot
                    and line.quantity != 1):
                raise RepairError(gettext(
                        'repair.msg_line_serial_quantity',
                        line=line.rec_name, job=line.job.rec_name))

    def get_rec_name(self, name):
        if self.product:
            return self.product.rec_name
        return (self.description or '').splitlines()[0] if (
            self.description) else str(self.id)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'write' and values.keys() <= {'moves', 'sequence'}:
            return
        for line in lines:
            if line.job.state not in QUOTE_STATES:
                raise AccessError(gettext(
                        'repair.msg_line_after_approval',
                        job=line.job.rec_name))

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        if mode == 'create' or (field_names and field_names & {
                    'type', 'product', 'lot', 'hours', 'quantity'}):
            to_write = []
            for line in lines:
                cost_price = line._cost_price()
                if cost_price != line.cost_price:
                    to_write.extend(([line], {'cost_price': cost_price}))
            if to_write:
                cls.write(*to_write)

    def get_invoice_line(self):
        "The customer invoice line of the line"
        return customer_invoice_line(
            self.job.company, self.product, self.quantity, self.unit_price,
            self, description=self.description)

    def get_move(self, to_location):
        "The move that reserves and then consumes the part"
        pool = Pool()
        Move = pool.get('stock.move')
        job = self.job
        return Move(
            product=self.product,
            unit=self.product.default_uom,
            quantity=self.quantity,
            lot=self.lot,
            from_location=job.warehouse.storage_location,
            to_location=to_location,
            company=job.company,
            origin=self,
            )


class JobCard(Report):
    __name__ = 'repair.job.card'

    @classmethod
    def convert(cls, report, data, **kwargs):
        # Without LibreOffice the customer gets the card as it is written
        output_format = report.extension or report.template_extension
        if (output_format != report.template_extension
                and not converter_available()):
            logger.info(
                "no converter to %s, %s printed as %s", output_format,
                report.report_name, report.template_extension)
            return report.template_extension, data
        return super().convert(report, data, **kwargs)


def converter_available():
    "Whether the program of the report convert command is installed"
    command = config.get('report', 'convert_command', default='soffice')
    program = shlex.split(command)[0] if command.strip() else None
    return bool(program and shutil.which(program))
