# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.product import price_digits, round_price
from trytond.modules.stock_branch.stock import WarehouseBranchMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import SupplierRMAError

# The stock states an RMA may send back to the supplier
SENDABLE_STATES = {'returned', 'defective'}
OUTCOMES = [
    (None, ""),
    ('credit', "Credit"),
    ('replace', "Replacement"),
    ]
# Line fields that are still set once the RMA is sent: the answer
ANSWER_FIELDS = {'outcome', 'replacement_code'}


class SupplierRMA(WarehouseBranchMixin, Workflow, ModelSQL, ModelView):
    "Supplier RMA"
    __name__ = 'rma.supplier'
    _rec_name = 'number'

    _draft = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    reference = fields.Char(
        "Reference", states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="The supplier's return authorization number.")
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    warehouse = fields.Many2One(
        'stock.location', "Branch", required=True,
        domain=[('type', '=', 'warehouse')], states=_draft)
    supplier = fields.Many2One(
        'party.party', "Supplier", required=True, states=_draft,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    date = fields.Date("Date", required=True, states=_draft)
    lines = fields.One2Many(
        'rma.supplier.line', 'rma', "Lines",
        states={
            'readonly': ~Eval('state').in_(['draft', 'sent']),
            })
    total_cost = fields.Function(fields.Numeric(
            "Total Cost", digits=price_digits), 'get_total_cost')
    credit_note = fields.Many2One(
        'account.invoice', "Credit Note", readonly=True,
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': ~Eval('credit_note'),
            })
    reject_reason = fields.Text(
        "Reason for Rejection", states={
            'readonly': Eval('state') != 'sent',
            'invisible': ~Eval('state').in_(['sent', 'rejected', 'closed']),
            })
    state = fields.Selection([
            ('draft', "Draft"),
            ('sent', "Sent"),
            ('accepted', "Accepted"),
            ('rejected', "Rejected"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                where=t.state.in_(['draft', 'sent', 'accepted', 'rejected'])))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'sent'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            ('sent', 'accepted'),
            ('sent', 'rejected'),
            ('accepted', 'closed'),
            ('rejected', 'closed'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('lines', []),
                    'depends': ['state', 'lines'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'sent',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'sent',
                    'readonly': ~Eval('reject_reason'),
                    'depends': ['state', 'reject_reason'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(['accepted', 'rejected']),
                    'depends': ['state'],
                    },
                })

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

    def get_total_cost(self, name):
        return sum((l.amount for l in self.lines), Decimal(0))

    @property
    def party(self):
        "The supplier, who owns what the RMA gives back"
        return self.supplier

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('rma.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values['number'] = (
                Configuration(1).supplier_rma_sequence.get())
        return values

    @classmethod
    def check_modification(cls, mode, rmas, values=None, external=False):
        super().check_modification(
            mode, rmas, values=values, external=external)
        if mode == 'delete':
            for rma in rmas:
                if rma.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'rma.msg_supplier_rma_delete', rma=rma.rec_name))

    @classmethod
    def copy(cls, rmas, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'credit_note', 'reject_reason']:
            default.setdefault(name, None)
        default.setdefault('lines.replacement', None)
        default.setdefault('lines.replacement_code', None)
        default.setdefault('lines.outcome', None)
        default.setdefault('lines.inspection', None)
        return super().copy(rmas, default=default)

    @classmethod
    def add_inspections(cls, inspections):
        """Put the stock of the inspections on the draft RMA of their
        branch and supplier; return the new lines"""
        pool = Pool()
        Line = pool.get('rma.supplier.line')
        drafts = {}
        lines = []
        for inspection in inspections:
            key = (inspection.company, inspection.warehouse,
                inspection.supplier)
            if key not in drafts:
                found = cls.search([
                        ('company', '=', inspection.company.id),
                        ('warehouse', '=', inspection.warehouse.id),
                        ('supplier', '=', inspection.supplier.id),
                        ('state', '=', 'draft'),
                        ], order=[('id', 'ASC')], limit=1)
                drafts[key] = found[0] if found else cls(
                    company=inspection.company,
                    warehouse=inspection.warehouse,
                    supplier=inspection.supplier)
            lines.append(Line(
                    rma=drafts[key], product=inspection.product,
                    lot=inspection.lot, quantity=inspection.quantity,
                    unit=inspection.unit, from_location=inspection.location,
                    problem=inspection.note, inspection=inspection,
                    unit_cost=Line.cost_of(inspection.product,
                        inspection.lot, inspection.company)))
        with without_check_access():
            cls.save([r for r in drafts.values() if r.id is None])
            Line.save(lines)
        return lines

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, rmas):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, rmas):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def send(cls, rmas):
        """Move every unit and batch quantity to the supplier

        All lines are checked before anything moves."""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        units = [l.lot for r in rmas for l in r.lines
            if l.lot and l.product.serialized]
        if units:
            Lot.lock(units)
        errors = []
        for rma in rmas:
            if not rma.lines:
                errors.append(gettext(
                        'rma.msg_supplier_rma_no_lines', rma=rma.rec_name))
            for line in rma.lines:
                errors.extend(line.sendable_errors())
        errors.extend(gettext(
                'rma.msg_supplier_rma_line_short',
                line=l.rec_name, location=l.from_location.rec_name)
            for l in cls.short_lines([l for r in rmas for l in r.lines]))
        if errors:
            raise SupplierRMAError(gettext(
                    'rma.msg_supplier_rma_send_refused',
                    errors='\n'.join(errors)))
        lines = [l for r in rmas for l in r.lines]
        moves = [l.get_send_move() for l in lines]
        with without_check_access():
            Move.save(moves)
            if not Move.assign_try(moves):
                missing = [l for l, m in zip(lines, moves)
                    if m.state != 'assigned']
                raise SupplierRMAError(gettext(
                        'rma.msg_supplier_rma_send_refused',
                        errors='\n'.join(gettext(
                                'rma.msg_supplier_rma_line_short',
                                line=l.rec_name,
                                location=l.from_location.rec_name)
                            for l in missing)))
            Move.do(moves)

    @classmethod
    def short_lines(cls, lines):
        "The batch lines asking for more than waits in their location"
        pool = Pool()
        Date = pool.get('ir.date')
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        needed = defaultdict(float)
        for line in lines:
            if not line.product.serialized:
                key = (line.from_location.id, line.product.id,
                    line.lot.id if line.lot else None)
                needed[key] += Uom.compute_qty(
                    line.unit, line.quantity, line.product.default_uom)
        if not needed:
            return []
        with Transaction().set_context(
                stock_date_end=Date.today(), stock_assign=True):
            on_hand = Product.products_by_location(
                list({k[0] for k in needed}), with_childs=False,
                grouping=('product', 'lot'),
                grouping_filter=(list({k[1] for k in needed}),))
        short = {k for k, q in needed.items() if q > on_hand.get(k, 0)}
        return [l for l in lines if not l.product.serialized
            and (l.from_location.id, l.product.id,
                l.lot.id if l.lot else None) in short]

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, rmas):
        """Receive the replacements and ask the supplier's credit note
        for the rest, at the cost each line was sent at"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        errors = []
        for rma in rmas:
            for line in rma.lines:
                errors.extend(line.answer_errors())
        if errors:
            raise SupplierRMAError(gettext(
                    'rma.msg_supplier_rma_accept_refused',
                    errors='\n'.join(errors)))
        lines = [l for r in rmas for l in r.lines]
        replaced = [l for l in lines if l.outcome == 'replace']
        replacements = [l.get_replacement() for l in replaced]
        with without_check_access():
            Lot.save([r for r in replacements if r])
        for line, replacement in zip(replaced, replacements):
            line.replacement = replacement
        moves = [l.get_replacement_move() for l in replaced]
        credit_notes = []
        for rma in rmas:
            credit_lines = [l for l in rma.lines if l.outcome == 'credit']
            if credit_lines:
                rma.credit_note = rma.get_credit_note(credit_lines)
                credit_notes.append(rma.credit_note)
        with without_check_access():
            Move.save(moves)
            Move.do(moves)
            pool.get('rma.supplier.line').save(replaced)
            Invoice.save(credit_notes)
            Invoice.update_taxes(credit_notes)
        cls.save(rmas)

    def get_credit_note(self, lines):
        "The supplier's draft credit note of lines at their cost"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        supplier = self.supplier
        invoice = Invoice(
            company=self.company, type='in', party=supplier,
            invoice_address=supplier.address_get(type='invoice'),
            currency=self.company.currency,
            account=supplier.account_payable_used,
            payment_term=supplier.supplier_payment_term,
            reference=self.reference, description=self.rec_name)
        invoice.set_journal()
        invoice_lines = []
        for line in lines:
            with Transaction().set_context(company=self.company.id):
                product = type(line.product)(line.product.id)
            invoice_line = InvoiceLine(
                type='line', invoice_type='in', company=self.company,
                currency=self.company.currency, origin=line,
                product=product, description=line.rec_name,
                quantity=-line.quantity, unit=line.unit,
                unit_price=line.unit_cost)
            invoice_line.account = product.account_expense_used
            invoice_line.taxes = product.supplier_taxes_used
            invoice_lines.append(invoice_line)
        invoice.lines = invoice_lines
        return invoice

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, rmas):
        "Bring everything back to where it was sent from"
        pool = Pool()
        Move = pool.get('stock.move')
        for rma in rmas:
            if not rma.reject_reason:
                raise SupplierRMAError(gettext(
                        'rma.msg_supplier_rma_reject_reason',
                        rma=rma.rec_name))
        moves = [l.get_return_move() for r in rmas for l in r.lines]
        with without_check_access():
            Move.save(moves)
            Move.do(moves)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, rmas):
        for rma in rmas:
            credit_note = rma.credit_note
            if credit_note and credit_note.state not in {
                    'posted', 'paid', 'cancelled'}:
                raise SupplierRMAError(gettext(
                        'rma.msg_supplier_rma_close_credit',
                        rma=rma.rec_name, invoice=credit_note.rec_name))


class SupplierRMALine(ModelSQL, ModelView):
    "Supplier RMA Line"
    __name__ = 'rma.supplier.line'

    _draft = {
        'readonly': Eval('rma_state') != 'draft',
        }

    rma = fields.Many2One(
        'rma.supplier', "RMA", required=True, ondelete='CASCADE',
        states=_draft)
    product = fields.Many2One(
        'product.product', "Product", required=True, states=_draft,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    lot = fields.Many2One(
        'stock.lot', "Unit or Batch", states={
            'readonly': Eval('rma_state') != 'draft',
            'required': Bool(Eval('serialized')),
            },
        domain=[('product', '=', Eval('product', -1))])
    serialized = fields.Function(
        fields.Boolean("Serialized"), 'on_change_with_serialized')
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, states=_draft,
        domain=[
            ('quantity', '>', 0),
            If(Bool(Eval('serialized')), ('quantity', '=', 1), ()),
            ])
    unit = fields.Many2One('product.uom', "Unit", required=True,
        states=_draft)
    from_location = fields.Many2One(
        'stock.location', "From", required=True, states=_draft,
        domain=[
            ('type', '=', 'storage'),
            ('stock_state', 'in', list(SENDABLE_STATES)),
            ('parent', 'child_of', [Eval('warehouse', -1)]),
            ],
        help="The returns quarantine or defective location the stock is "
        "sent from, and comes back to if the supplier rejects it.")
    problem = fields.Text("Problem", states=_draft)
    unit_cost = fields.Numeric(
        "Unit Cost", digits=price_digits, required=True, states=_draft,
        help="What the supplier is asked to credit for each unit.")
    amount = fields.Function(fields.Numeric(
            "Amount", digits=price_digits), 'on_change_with_amount')
    outcome = fields.Selection(OUTCOMES, "Outcome", states={
            'readonly': Eval('rma_state') != 'sent',
            },
        help="The supplier's answer: a credit note, or a replacement.")
    replacement_code = fields.Char(
        "Replacement Code", states={
            'readonly': Eval('rma_state') != 'sent',
            'invisible': Eval('outcome') != 'replace',
            },
        help="The IMEI or serial number of the replacement unit, or the "
        "number of the replacement batch.")
    replacement = fields.Many2One(
        'stock.lot', "Replacement", readonly=True,
        states={
            'invisible': ~Eval('replacement'),
            })
    inspection = fields.Many2One(
        'rma.inspection', "Inspection", readonly=True,
        states={
            'invisible': ~Eval('inspection'),
            })
    moves = fields.One2Many('stock.move', 'origin', "Moves", readonly=True)
    company = fields.Function(fields.Many2One(
            'company.company', "Company"), 'on_change_with_company')
    warehouse = fields.Function(fields.Many2One(
            'stock.location', "Branch"), 'on_change_with_warehouse')
    rma_state = fields.Function(fields.Selection(
            'get_rma_states', "RMA State"), 'on_change_with_rma_state')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('rma')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.lot, Index.Range())))
        cls._order.insert(0, ('rma', 'ASC'))

    @fields.depends('rma', '_parent_rma.company')
    def on_change_with_company(self, name=None):
        return self.rma.company if self.rma else None

    @fields.depends('rma', '_parent_rma.warehouse')
    def on_change_with_warehouse(self, name=None):
        return self.rma.warehouse if self.rma else None

    @classmethod
    def get_rma_states(cls):
        pool = Pool()
        SupplierRMA = pool.get('rma.supplier')
        return SupplierRMA.fields_get(['state'])['state']['selection']

    @fields.depends('rma', '_parent_rma.state')
    def on_change_with_rma_state(self, name=None):
        return self.rma.state if self.rma else None

    @fields.depends('product')
    def on_change_with_serialized(self, name=None):
        return bool(self.product and self.product.serialized)

    @fields.depends('quantity', 'unit_cost')
    def on_change_with_amount(self, name=None):
        return round_price(
            Decimal(str(self.quantity or 0)) * (self.unit_cost or Decimal(0)))

    @fields.depends('lot', 'product', 'unit', 'quantity', 'from_location',
        'rma', '_parent_rma.company')
    def on_change_lot(self):
        if self.lot:
            self.product = self.lot.product
            if self.product.serialized:
                self.quantity = 1
                self.from_location = self.lot.current_location
        if self.product:
            self.unit = self.product.default_uom
            if self.rma and self.rma.company:
                self.unit_cost = self.cost_of(
                    self.product, self.lot, self.rma.company)

    @fields.depends(methods=['on_change_lot'])
    def on_change_product(self):
        self.on_change_lot()

    @classmethod
    def cost_of(cls, product, lot, company):
        "The cost of one unit of product, or of the unit lot"
        if lot and product.serialized and lot.unit_cost is not None:
            return lot.unit_cost
        with Transaction().set_context(company=company.id):
            product = type(product)(product.id)
            return product.cost_price or Decimal(0)

    @property
    def party(self):
        "The supplier, who owns what the line sends back"
        return self.rma.supplier

    def get_rec_name(self, name):
        what = self.lot.rec_name if self.lot else self.product.rec_name
        return f'{self.rma.rec_name} {what}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('rma.rec_name', operator, value),
            ('lot.rec_name', operator, value),
            ('product.rec_name', operator, value),
            ]

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            return
        for line in lines:
            state = line.rma.state
            if state == 'draft':
                continue
            if (mode == 'write' and state == 'sent'
                    and not (set(values) - ANSWER_FIELDS)):
                continue
            raise AccessError(gettext(
                    'rma.msg_supplier_rma_line_modify',
                    line=line.rec_name, rma=line.rma.rec_name))

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default else {}
        for name in ['outcome', 'replacement', 'replacement_code',
                'inspection', 'moves']:
            default.setdefault(name, None)
        return super().copy(lines, default=default)

    def sendable_errors(self):
        "The reasons why the line cannot go to the supplier"
        pool = Pool()
        Lot = pool.get('stock.lot')
        errors = []
        location = self.from_location
        if (location.type != 'storage'
                or location.stock_state not in SENDABLE_STATES
                or location.warehouse != self.rma.warehouse):
            errors.append(gettext(
                    'rma.msg_supplier_rma_line_location',
                    line=self.rec_name, location=location.rec_name,
                    branch=self.rma.warehouse.rec_name))
        if self.product.serialized and not self.lot:
            errors.append(gettext(
                    'rma.msg_supplier_rma_line_no_unit', line=self.rec_name))
        elif self.product.serialized:
            lot = Lot(self.lot.id)
            if (lot.state not in SENDABLE_STATES
                    or lot.current_location != location):
                errors.append(gettext(
                        'rma.msg_supplier_rma_line_unit',
                        line=self.rec_name, unit=lot.rec_name,
                        state=dict(Lot.fields_get(['state'])['state'][
                                'selection']).get(lot.state, '-'),
                        location=getattr(
                            lot.current_location, 'rec_name', '-')))
        return errors

    def answer_errors(self):
        "The reasons why the supplier's answer on the line is incomplete"
        if not self.outcome:
            return [gettext(
                    'rma.msg_supplier_rma_line_outcome', line=self.rec_name)]
        if (self.outcome == 'replace' and self.product.serialized
                and not self.replacement_code):
            return [gettext(
                    'rma.msg_supplier_rma_line_replacement',
                    line=self.rec_name)]
        return []

    def _move(self, from_location, to_location, lot):
        pool = Pool()
        Move = pool.get('stock.move')
        company = self.rma.company
        return Move(
            product=self.product, unit=self.unit, quantity=self.quantity,
            lot=lot, from_location=from_location, to_location=to_location,
            company=company, unit_price=self.unit_cost,
            currency=company.currency, origin=self)

    def get_send_move(self):
        return self._move(
            self.from_location, self.rma.supplier.supplier_location,
            self.lot)

    def get_return_move(self):
        return self._move(
            self.rma.supplier.supplier_location, self.from_location,
            self.lot)

    def get_replacement(self):
        """The new unit or batch the supplier gives for the line's, linked
        to it; None for a batch replaced without a number"""
        pool = Pool()
        Lot = pool.get('stock.lot')
        code = (self.replacement_code or '').strip()
        if not code:
            return None
        if self.product.serialized:
            field = ('imei' if self.product.template.tracking == 'imei'
                else 'serial')
            return Lot(product=self.product, replaces=self.lot,
                **{field: code})
        return Lot(product=self.product, number=code, replaces=self.lot)

    def get_replacement_move(self):
        "The replacement received into the branch's sellable storage"
        return self._move(
            self.rma.supplier.supplier_location,
            self.rma.warehouse.storage_location, self.replacement)
