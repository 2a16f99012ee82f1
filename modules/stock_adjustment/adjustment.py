# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import functools
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.stock_branch.stock import WarehouseBranchMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    AdjustmentApprovalError, AdjustmentError, AdjustmentLineError)


def refuse_same_approver(func):
    "The second confirmation of an adjustment is another user's"
    @functools.wraps(func)
    def wrapper(cls, adjustments, *args, **kwargs):
        pool = Pool()
        Click = pool.get('ir.model.button.click')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            waiting = [a for a in cls.browse(adjustments)
                if a.state == 'draft' and a.needs_approval]
            if waiting:
                with without_check_access():
                    clicks = Click.search([
                            ('button.model.name', '=', cls.__name__),
                            ('button.name', '=', func.__name__),
                            ('record_id', 'in', [a.id for a in waiting]),
                            ('user', '=', transaction.user),
                            ], limit=1)
                if clicks:
                    raise AdjustmentApprovalError(gettext(
                            'stock_adjustment.msg_approval_same_user',
                            adjustment=cls(clicks[0].record_id).rec_name))
        return func(cls, adjustments, *args, **kwargs)
    return wrapper


class BranchLocationMixin:
    "A document of a storage location of a branch, the user's by default"
    __slots__ = ()

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_warehouse(cls):
        pool = Pool()
        Location = pool.get('stock.location')
        return Location.get_default_warehouse()

    @fields.depends('warehouse')
    def on_change_warehouse(self):
        if self.warehouse and self.warehouse.storage_location:
            self.location = self.warehouse.storage_location

    @classmethod
    def default_location(cls):
        pool = Pool()
        Location = pool.get('stock.location')
        warehouse = cls.default_warehouse()
        if warehouse:
            storage = Location(warehouse).storage_location
            return storage.id if storage else None


class Adjustment(BranchLocationMixin, WarehouseBranchMixin, Workflow,
        ModelSQL, ModelView):
    "A correction of stock, each line with its reason"
    __name__ = 'stock.adjustment'
    _rec_name = 'number'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    warehouse = fields.Many2One(
        'stock.location', "Branch", required=True,
        domain=[('type', '=', 'warehouse')], states=_states)
    location = fields.Many2One(
        'stock.location', "Location", required=True,
        domain=[
            ('type', '=', 'storage'),
            ('parent', 'child_of', [Eval('warehouse', -1)]),
            ],
        states=_states,
        help="The storage location whose stock is adjusted.")
    date = fields.Date("Date", required=True, states=_states)
    lines = fields.One2Many(
        'stock.adjustment.line', 'adjustment', "Lines", states=_states,
        depends={'company', 'warehouse'})
    note = fields.Text("Note", states=_states)
    value = fields.Function(fields.Numeric(
            "Value", digits=(16, 2),
            help="The value at cost of the stock added and removed."),
        'get_value')
    needs_approval = fields.Function(fields.Boolean(
            "Needs Approval",
            help="Confirmed by a second user: worth more than the "
            "threshold, or a reason that needs approval."),
        'get_needs_approval')
    requested_by = fields.Many2One(
        'res.user', "Requested by", readonly=True,
        help="The first user who confirmed an adjustment that needs "
        "approval.")
    confirmed_by = fields.Many2One(
        'res.user', "Confirmed by", readonly=True,
        help="The user who confirmed the adjustment; for one that needs "
        "approval, the second user.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.warehouse, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'draft'),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_value(self, name):
        return sum((l.value or Decimal(0) for l in self.lines), Decimal(0))

    def get_needs_approval(self, name):
        pool = Pool()
        Configuration = pool.get('stock.configuration')
        if any(l.reason and l.reason.approval for l in self.lines):
            return True
        threshold = Configuration(1).adjustment_approval_threshold
        return threshold is not None and self.value > threshold

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values['number'] = Sequence(ModelData.get_id(
                    'stock_adjustment', 'sequence_adjustment')).get()
        return values

    @classmethod
    def check_modification(
            cls, mode, adjustments, values=None, external=False):
        super().check_modification(
            mode, adjustments, values=values, external=external)
        if mode == 'delete':
            for adjustment in adjustments:
                if adjustment.state == 'confirmed':
                    raise AccessError(gettext(
                            'stock_adjustment.msg_adjustment_delete',
                            adjustment=adjustment.rec_name))

    @classmethod
    def copy(cls, adjustments, default=None):
        default = default.copy() if default else {}
        default.setdefault('number', None)
        default.setdefault('confirmed_by', None)
        default.setdefault('requested_by', None)
        default.setdefault('lines.move', None)
        return super().copy(adjustments, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, adjustments):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, adjustments):
        pass

    @classmethod
    @refuse_same_approver
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, adjustments):
        """Move the stock of each line to or from its reason's location

        Everything is checked before any move is made."""
        pool = Pool()
        Move = pool.get('stock.move')
        Line = pool.get('stock.adjustment.line')
        transaction = Transaction()
        if not adjustments:
            return
        for adjustment in adjustments:
            if not adjustment.lines:
                raise AdjustmentError(gettext(
                        'stock_adjustment.msg_adjustment_no_lines',
                        adjustment=adjustment.rec_name))
        lines = [l for a in adjustments for l in a.lines]
        Line.check_lines(lines)
        before = Line.quantities(lines)
        moves = [l.get_move() for l in lines]
        Move.save(moves)
        Move.do(moves)
        running = dict(before)
        to_write = []
        for line, move in zip(lines, moves):
            key = line.quantity_key
            quantity_before = running[key]
            running[key] = quantity_before + line.quantity
            to_write.extend(([line], {
                        'move': move.id,
                        'unit_cost': line.cost,
                        'quantity_before': quantity_before,
                        'quantity_after': running[key],
                        }))
        Line.write(*to_write)
        user = transaction.user or None
        cls.write(adjustments, {'confirmed_by': user})
        requesters = cls._requesters(adjustments)
        for adjustment, requester in requesters.items():
            cls.write([adjustment], {'requested_by': requester})

    @classmethod
    def _requesters(cls, adjustments):
        "Return {adjustment: the other user who clicked Confirm first}"
        pool = Pool()
        Click = pool.get('ir.model.button.click')
        user = Transaction().user
        with without_check_access():
            clicks = Click.search([
                    ('button.model.name', '=', cls.__name__),
                    ('button.name', '=', 'confirm'),
                    ('record_id', 'in', [a.id for a in adjustments]),
                    ('user', '!=', user),
                    ], order=[('id', 'ASC')])
        requesters = {}
        for click in clicks:
            requesters.setdefault(cls(click.record_id), click.user.id)
        return requesters


class AdjustmentLine(ModelSQL, ModelView):
    "One product, unit or batch adjusted for a reason"
    __name__ = 'stock.adjustment.line'

    _states = {
        'readonly': Eval('adjustment_state') != 'draft',
        }

    adjustment = fields.Many2One(
        'stock.adjustment', "Adjustment", required=True,
        ondelete='CASCADE', states=_states)
    product = fields.Many2One(
        'product.product', "Product", required=True,
        domain=[('type', '=', 'goods')],
        context={
            'company': Eval('company', -1),
            },
        states=_states, depends={'company'})
    lot = fields.Many2One(
        'stock.lot', "Unit or Batch",
        domain=[('product', '=', Eval('product', -1))],
        states=_states)
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, states=_states,
        help="Positive to add stock, negative to remove it.")
    unit = fields.Function(fields.Many2One(
            'product.uom', "Unit"), 'on_change_with_unit')
    reason = fields.Many2One(
        'stock.adjustment.reason', "Reason", required=True,
        states=_states)
    note = fields.Char("Note", states=_states)
    move = fields.Many2One(
        'stock.move', "Move", readonly=True, ondelete='RESTRICT')
    unit_cost = fields.Numeric("Unit Cost", digits=(16, 4), readonly=True)
    quantity_before = fields.Float(
        "Before", digits='unit', readonly=True,
        help="The quantity at the location before the adjustment.")
    quantity_after = fields.Float(
        "After", digits='unit', readonly=True,
        help="The quantity at the location after the adjustment.")
    value = fields.Function(fields.Numeric(
            "Value", digits=(16, 2)), 'get_value')
    company = fields.Function(fields.Many2One(
            'company.company', "Company"), 'on_change_with_company')
    date = fields.Function(fields.Date("Date"), 'get_adjustment_field')
    warehouse = fields.Function(fields.Many2One(
            'stock.location', "Branch"), 'get_adjustment_field')
    adjustment_state = fields.Function(fields.Selection(
            'get_adjustment_states', "Adjustment State"),
        'on_change_with_adjustment_state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('adjustment')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.adjustment, Index.Range())))

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('adjustment', '_parent_adjustment.company')
    def on_change_with_company(self, name=None):
        return self.adjustment.company if self.adjustment else None

    @fields.depends('adjustment', '_parent_adjustment.state')
    def on_change_with_adjustment_state(self, name=None):
        return self.adjustment.state if self.adjustment else 'draft'

    @classmethod
    def get_adjustment_states(cls):
        pool = Pool()
        Adjustment = pool.get('stock.adjustment')
        return Adjustment.fields_get(['state'])['state']['selection']

    def get_adjustment_field(self, name):
        value = getattr(self.adjustment, name)
        return value.id if hasattr(value, 'id') else value

    @property
    def cost(self):
        if self.unit_cost is not None:
            return self.unit_cost
        if self.lot and getattr(self.lot, 'unit_cost', None) is not None:
            return self.lot.unit_cost
        with Transaction().set_context(company=self.adjustment.company.id):
            return self.product.cost_price or Decimal(0)

    def get_value(self, name):
        if self.quantity is None or not self.product:
            return None
        value = Decimal(str(abs(self.quantity))) * self.cost
        return value.quantize(Decimal('0.01'))

    @property
    def quantity_key(self):
        return (self.adjustment.location.id, self.product.id,
            self.lot.id if self.lot else None)

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names & {'quantity', 'product', 'lot'}:
            cls.check_quantities(lines)

    @classmethod
    def check_quantities(cls, lines):
        for line in lines:
            if not line.quantity:
                raise AdjustmentLineError(gettext(
                        'stock_adjustment.msg_line_zero',
                        line=line.rec_name))
            if line.product.serialized and (
                    not line.lot or abs(line.quantity) != 1):
                raise AdjustmentLineError(gettext(
                        'stock_adjustment.msg_line_unit',
                        line=line.rec_name, product=line.product.rec_name))

    def get_rec_name(self, name):
        what = self.lot.rec_name if self.lot else self.product.rec_name
        return f'{what} ({self.adjustment.rec_name})'

    @classmethod
    def check_lines(cls, lines):
        "Refuse lines whose stock cannot be removed; check all first"
        errors = []
        quantities = cls.quantities(lines)
        removed = {}
        for line in lines:
            if line.quantity >= 0:
                continue
            key = line.quantity_key
            removed[key] = removed.get(key, 0) - line.quantity
            if removed[key] > quantities[key]:
                errors.append(gettext(
                        'stock_adjustment.msg_line_not_enough',
                        line=line.rec_name, quantity=quantities[key],
                        location=line.adjustment.location.rec_name))
        if errors:
            raise AdjustmentError('\n'.join(errors))

    @classmethod
    def quantities(cls, lines):
        "Return {quantity_key: quantity at the location now}"
        pool = Pool()
        Product = pool.get('product.product')
        result = {}
        for line in lines:
            key = line.quantity_key
            if key in result:
                continue
            location, product, lot = key
            grouping = ('product', 'lot') if lot else ('product',)
            with Transaction().set_context(
                    company=line.adjustment.company.id):
                quantities = Product.products_by_location(
                    [location], with_childs=True, grouping=grouping,
                    grouping_filter=([product],) + (([lot],) if lot else ()))
            result[key] = sum(quantities.values())
        return result

    def get_move(self):
        pool = Pool()
        Move = pool.get('stock.move')
        adjustment = self.adjustment
        target = self.reason.target_location(adjustment.warehouse)
        move = Move(
            product=self.product, unit=self.product.default_uom,
            quantity=abs(self.quantity), lot=self.lot,
            company=adjustment.company, origin=self,
            planned_date=adjustment.date, effective_date=adjustment.date)
        if self.quantity < 0:
            move.from_location, move.to_location = (
                adjustment.location, target)
        else:
            move.from_location, move.to_location = (
                target, adjustment.location)
        return move
