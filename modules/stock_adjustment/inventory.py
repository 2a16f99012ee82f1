# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.modules.stock_branch.transfer import parse_scans
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import CountError

COUNTING_STATES = ['draft', 'counting']
RESULTS = [
    (None, ""),
    ('match', "Match"),
    ('short', "Short"),
    ('over', "Over"),
    ('missing', "Missing Unit"),
    ('unexpected', "Unexpected Unit"),
    ]


class Inventory(metaclass=PoolMeta):
    __name__ = 'stock.inventory'

    blind = fields.Boolean(
        "Blind",
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The counters never see the expected quantities: lines are "
        "made by counting, and the expected stock is only shown once the "
        "count is closed.")
    category = fields.Many2One(
        'product.category', "Category",
        context={
            'company': Eval('company', -1),
            },
        states={
            'readonly': Eval('state') != 'draft',
            },
        depends={'company'},
        help="Count only the products of this category and its children.")
    schedule = fields.Many2One(
        'stock.inventory.schedule', "Schedule", readonly=True,
        ondelete='RESTRICT')
    count_started = fields.Timestamp(
        "Count Started", readonly=True,
        help="When the expected stock was taken; moves done after it are "
        "respected by the count.")
    snapshot = fields.One2Many(
        'stock.inventory.snapshot', 'inventory', "Expected Stock",
        readonly=True,
        states={
            'invisible': ~Eval('state').in_(['counted', 'done']),
            })
    unknown_codes = fields.One2Many(
        'stock.inventory.unknown_code', 'inventory', "Unknown Codes",
        readonly=True,
        help="Scanned codes that are no unit, batch or product.")
    expected_total = fields.Float(
        "Expected", readonly=True,
        help="The quantity expected at the start of the count.")
    counted_total = fields.Float("Counted", readonly=True)
    matched_total = fields.Float(
        "Matched", readonly=True,
        help="The expected quantity that was counted, line by line.")
    accuracy = fields.Function(fields.Float(
            "Accuracy", digits=(1, 4),
            help="The expected stock counted: matched ÷ expected."),
        'get_accuracy')
    needs_approval = fields.Function(fields.Boolean(
            "Needs Approval",
            help="A variance exceeds its category's tolerance: a stock "
            "manager approves the count."),
        'get_needs_approval')
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    shrinkage_cases = fields.One2Many(
        'stock.shrinkage.case', 'inventory', "Shrinkage Cases",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.schedule, Index.Range())))
        cls.state.selection[1:1] = [
            ('counting', "Counting"),
            ('counted', "Counted"),
            ]
        cls._transitions.discard(('draft', 'done'))
        cls._transitions |= {
            ('draft', 'counting'),
            ('counting', 'counted'),
            ('counted', 'counting'),
            ('counted', 'done'),
            ('counting', 'cancelled'),
            ('counted', 'cancelled'),
            }
        cls.lines.states['readonly'] = (
            ~Eval('state').in_(COUNTING_STATES + ['counted'])
            | ~Eval('location'))
        cls._buttons['confirm']['invisible'] = (
            ~Eval('state').in_(['draft', 'counted'])
            | (Eval('state') == 'draft') & Eval('blind', False))
        cls._buttons['cancel']['invisible'] = ~Eval('state').in_(
            COUNTING_STATES + ['counted'])
        cls._buttons['complete_lines']['invisible'] = (
            (Eval('state') != 'draft') | Eval('blind', False))
        cls._buttons['complete_lines']['depends'] = ['state', 'blind']
        cls._buttons['do_count']['invisible'] = ~Eval('state').in_(
            COUNTING_STATES)
        cls._buttons.update({
                'start_count': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'close_count': {
                    'invisible': Eval('state') != 'counting',
                    'depends': ['state'],
                    },
                'recount': {
                    'invisible': Eval('state') != 'counted',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': ((Eval('state') != 'counted')
                        | ~Eval('needs_approval', False)
                        | Bool(Eval('approved_by'))),
                    'depends': ['state', 'needs_approval', 'approved_by'],
                    },
                'scan': {
                    'invisible': Eval('state') != 'counting',
                    'depends': ['state'],
                    },
                })
        for name in ['confirm', 'cancel', 'do_count']:
            cls._buttons[name]['depends'] = list(
                set(cls._buttons[name].get('depends', [])) | {
                    'state', 'blind'})

    @classmethod
    def default_blind(cls):
        return False

    @fields.depends('blind', 'empty_quantity')
    def on_change_blind(self):
        if self.blind:
            self.empty_quantity = 'empty'

    def get_accuracy(self, name):
        if self.expected_total:
            return round((self.matched_total or 0) / self.expected_total, 4)
        if self.state in {'counted', 'done'}:
            return 1.0 if not self.counted_total else 0.0

    def get_needs_approval(self, name):
        return any(l.over_tolerance for l in self.lines)

    @classmethod
    def copy(cls, inventories, default=None):
        default = default.copy() if default else {}
        for name in ['schedule', 'count_started', 'snapshot',
                'unknown_codes', 'expected_total', 'counted_total',
                'matched_total', 'approved_by', 'shrinkage_cases']:
            default.setdefault(name, None)
        return super().copy(inventories, default=default)

    @property
    def counted_categories(self):
        "The ids of the category and its children, or None for all"
        pool = Pool()
        Category = pool.get('product.category')
        if not self.category:
            return None
        return {c.id for c in Category.search([
                    ('parent', 'child_of', [self.category.id]),
                    ])}

    def counts_product(self, product, categories):
        "Whether product is counted, given the counted_categories"
        if product.type != 'goods' or product.consumable:
            return False
        return categories is None or bool(categories & {
                c.id for c in product.template.categories_all})

    @classmethod
    def complete_lines(cls, inventories, fill=True):
        # Once started the expected stock is the snapshot; a blind count's
        # lines come only from counting.
        super().complete_lines([i for i in inventories
                if i.state == 'draft' and not i.blind], fill=fill)

    @classmethod
    @ModelView.button
    @Workflow.transition('counting')
    def start_count(cls, inventories):
        "Take the expected stock; counting starts from it"
        pool = Pool()
        Product = pool.get('product.product')
        Snapshot = pool.get('stock.inventory.snapshot')
        Line = pool.get('stock.inventory.line')
        Date = pool.get('ir.date')
        transaction = Transaction()
        snapshots, lines = [], []
        for inventory in inventories:
            with transaction.set_context(company=inventory.company.id):
                today = Date.today()
                with transaction.set_context(stock_date_end=today):
                    quantities = Product.products_by_location(
                        [inventory.location.id],
                        grouping=('product', 'lot'))
            categories = inventory.counted_categories
            kept = {p.id for p in Product.browse(
                    {k[1] for k, q in quantities.items() if q})
                if inventory.counts_product(p, categories)}
            existing = {(l.product.id, l.lot.id if l.lot else None): l
                for l in inventory.lines}
            for (_, product, lot), quantity in quantities.items():
                if not quantity or product not in kept:
                    continue
                snapshots.append(Snapshot(
                        inventory=inventory, product=product, lot=lot,
                        quantity=quantity))
                line = existing.get((product, lot))
                if inventory.blind:
                    continue
                if not line:
                    line = Line(inventory=inventory, product=product, lot=lot)
                line.expected_quantity = quantity
                lines.append(line)
        Snapshot.save(snapshots)
        Line.save(lines)
        cls.write(inventories, {
                'count_started': dt.datetime.now(),
                'approved_by': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('counted')
    def close_count(cls, inventories):
        """Compare the count with the expected stock

        What was expected and not counted is counted as nothing, or as
        expected when the empty quantity keeps it."""
        pool = Pool()
        Line = pool.get('stock.inventory.line')
        to_save = []
        totals = {}
        for inventory in inventories:
            expected = {(s.product.id, s.lot.id if s.lot else None):
                s.quantity for s in inventory.snapshot}
            lines = list(inventory.lines)
            seen = {(l.product.id, l.lot.id if l.lot else None)
                for l in lines}
            for (product, lot), quantity in expected.items():
                if (product, lot) not in seen:
                    lines.append(Line(
                            inventory=inventory, product=product, lot=lot,
                            quantity=None))
            expected_total = counted_total = matched_total = 0
            for line in lines:
                key = (line.product.id, line.lot.id if line.lot else None)
                line.expected_quantity = expected.get(key, 0)
                if line.quantity is None:
                    if inventory.empty_quantity is None:
                        raise CountError(gettext(
                                'stock.msg_inventory_missing_empty_quantity',
                                inventory=inventory.rec_name))
                    line.quantity = (line.expected_quantity
                        if inventory.empty_quantity == 'keep' else 0)
                line.set_result()
                expected_total += line.expected_quantity
                counted_total += line.quantity
                matched_total += min(line.quantity, line.expected_quantity)
                to_save.append(line)
            totals[inventory] = {
                'expected_total': expected_total,
                'counted_total': counted_total,
                'matched_total': matched_total,
                'approved_by': None,
                }
        Line.save(to_save)
        for inventory, values in totals.items():
            cls.write([inventory], values)

    @classmethod
    @ModelView.button
    @Workflow.transition('counting')
    def recount(cls, inventories):
        pool = Pool()
        Line = pool.get('stock.inventory.line')
        cls.write(inventories, {'approved_by': None})
        Line.write([l for i in inventories for l in i.lines], {
                'result': None,
                'variance': None,
                })

    @classmethod
    @ModelView.button
    def approve(cls, inventories):
        "A stock manager accepts the variances beyond tolerance"
        for inventory in inventories:
            if inventory.state != 'counted':
                raise CountError(gettext(
                        'stock_adjustment.msg_count_approve_state',
                        inventory=inventory.rec_name))
        cls.write(inventories, {'approved_by': Transaction().user})

    @classmethod
    @ModelView.button_action('stock_adjustment.wizard_inventory_scan')
    def scan(cls, inventories):
        pass

    @classmethod
    @ModelView.button
    def confirm(cls, inventories):
        """Post the variances of counted inventories

        A non-blind draft is started and closed at once, as in core."""
        drafts = [i for i in inventories if i.state == 'draft']
        for inventory in drafts:
            if inventory.blind:
                raise CountError(gettext(
                        'stock_adjustment.msg_count_blind_close',
                        inventory=inventory.rec_name))
        if drafts:
            cls.start_count(drafts)
            cls.close_count(cls.browse(drafts))
        inventories = cls.browse(inventories)
        cls.check_variances(inventories)
        super().confirm(inventories)
        cls.open_shrinkage_cases(cls.browse(inventories))

    @classmethod
    def check_variances(cls, inventories):
        "Every variance has a reason; beyond tolerance, an approval"
        errors = []
        for inventory in inventories:
            if inventory.state != 'counted':
                continue
            for line in inventory.lines:
                if line.variance and not line.reason:
                    errors.append(gettext(
                            'stock_adjustment.msg_count_line_reason',
                            line=line.rec_name, variance=line.variance,
                            inventory=inventory.rec_name))
            if inventory.needs_approval and not inventory.approved_by:
                errors.append(gettext(
                        'stock_adjustment.msg_count_approval',
                        inventory=inventory.rec_name))
        if errors:
            raise CountError('\n'.join(errors))

    @classmethod
    def open_shrinkage_cases(cls, inventories):
        "A missing unit written off is a case for its branch"
        pool = Pool()
        Case = pool.get('stock.shrinkage.case')
        cases = []
        for inventory in inventories:
            for line in inventory.lines:
                if line.result != 'missing' or not line.moves:
                    continue
                cases.append(Case(
                        company=inventory.company, branch=inventory.branch,
                        inventory=inventory, inventory_line=line,
                        product=line.product, lot=line.lot,
                        quantity=line.expected_quantity - line.quantity,
                        reason=line.note or line.reason.rec_name,
                        reason_code=line.reason))
        Case.save(cases)

    @classmethod
    def count_scanned(cls, inventory, entries):
        """Count the scanned codes on a counting inventory

        entries is [(code, quantity)].  A unit counts once however often it
        is scanned; a batch or product adds its quantity; unknown codes are
        kept on the count.  Everything is checked before any change."""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Line = pool.get('stock.inventory.line')
        Unknown = pool.get('stock.inventory.unknown_code')
        Scan = pool.get('stock.lot.scan')
        User = pool.get('res.user')
        # Counters scanning the same count at once must not both add a line
        cls.lock([inventory])
        inventory = cls(inventory.id)
        User.check_branch(inventory.branch, inventory)
        if inventory.state != 'counting':
            raise CountError(gettext(
                    'stock_adjustment.msg_count_scan_state',
                    inventory=inventory.rec_name))
        resolved, unknown = Lot.resolve_scans(entries)
        errors, log = [], []
        lines = {(l.product, l.lot): l for l in inventory.lines}
        categories = inventory.counted_categories
        counted = defaultdict(float)
        for code, quantity, lot, product in resolved:
            if quantity <= 0 or (product.serialized and not lot):
                errors.append(gettext(
                        'stock_adjustment.msg_count_scan_invalid',
                        code=code, inventory=inventory.rec_name))
                log.append((code, 'rejected', lot.id if lot else None, None))
                continue
            if not inventory.counts_product(product, categories):
                errors.append(gettext(
                        'stock_adjustment.msg_count_scan_category',
                        code=code, product=product.rec_name,
                        inventory=inventory.rec_name))
                log.append((code, 'rejected', lot.id if lot else None, None))
                continue
            log.append((code, 'matched', lot.id if lot else None, None))
            if product.serialized:
                counted[(product, lot)] = 1
            else:
                counted[(product, lot)] += quantity
        log.extend((c, 'not_found', None, None) for c in unknown)
        Scan.record('stock.inventory.scan', log)
        if errors:
            raise CountError('\n'.join(errors))
        to_save = []
        for (product, lot), quantity in counted.items():
            line = lines.get((product, lot))
            if not line:
                line = Line(
                    inventory=inventory, product=product, lot=lot,
                    expected_quantity=0, quantity=None)
            if product.serialized:
                line.quantity = 1
            else:
                line.quantity = (line.quantity or 0) + quantity
            to_save.append(line)
        Line.save(to_save)
        known = {u.code for u in inventory.unknown_codes}
        Unknown.save([Unknown(inventory=inventory, code=c)
                for c in dict.fromkeys(unknown) if c not in known])
        return to_save


class InventoryLine(metaclass=PoolMeta):
    __name__ = 'stock.inventory.line'

    reason = fields.Many2One(
        'stock.adjustment.reason', "Reason",
        states={
            'readonly': ~Eval('inventory_state').in_(
                COUNTING_STATES + ['counted']),
            'required': (Eval('inventory_state') == 'counted')
            & Bool(Eval('variance')),
            })
    note = fields.Char(
        "Note",
        states={
            'readonly': ~Eval('inventory_state').in_(
                COUNTING_STATES + ['counted']),
            })
    variance = fields.Float(
        "Variance", digits='unit', readonly=True,
        help="Counted minus expected, once the count is closed.")
    result = fields.Selection(RESULTS, "Result", readonly=True, sort=False)
    over_tolerance = fields.Function(fields.Boolean(
            "Over Tolerance",
            help="The variance exceeds the tolerance of the product's "
            "categories."),
        'get_over_tolerance')
    recorded_location = fields.Function(fields.Many2One(
            'stock.location', "Recorded Location",
            help="Where the system has the unit now."),
        'get_recorded_location')
    moved_since = fields.Function(fields.Boolean(
            "Moved Since",
            help="The unit moved after the count started: that move "
            "settles its variance."),
        'get_moved_since')
    inventory_blind = fields.Function(fields.Boolean("Blind"),
        'on_change_with_inventory_blind')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.result, Index.Equality(cardinality='low')),
                where=t.result.in_(['missing', 'unexpected'])))
        for name in ['product', 'quantity', 'lot']:
            field = getattr(cls, name)
            field.states = dict(field.states)
            field.states['readonly'] = ~Eval('inventory_state').in_(
                COUNTING_STATES)
        cls.expected_quantity.states = {
            'invisible': (Eval('id', -1) < 0) | (
                Eval('inventory_blind', False)
                & Eval('inventory_state').in_(COUNTING_STATES)),
            }

    @fields.depends('inventory', '_parent_inventory.blind')
    def on_change_with_inventory_blind(self, name=None):
        return bool(self.inventory and self.inventory.blind)

    def set_result(self):
        self.variance = self.product.default_uom.round(
            self.quantity - self.expected_quantity)
        if self.lot and self.product.serialized and self.variance:
            self.result = 'missing' if self.variance < 0 else 'unexpected'
        elif self.variance < 0:
            self.result = 'short'
        elif self.variance > 0:
            self.result = 'over'
        else:
            self.result = 'match'

    @property
    def tolerance(self):
        """The smallest tolerance of the product's categories, each
        inherited from its nearest parent that has one; else 0"""
        tolerances = []
        for category in self.product.template.categories:
            while category and category.count_tolerance is None:
                category = category.parent
            if category:
                tolerances.append(category.count_tolerance)
        return min(tolerances, default=0)

    def get_over_tolerance(self, name):
        return bool(self.variance) and abs(self.variance) > self.tolerance

    def get_recorded_location(self, name):
        if self.lot and self.product.serialized:
            location = self.lot.current_location
            return location.id if location else None

    def get_moved_since(self, name):
        if not (self.lot and self.product.serialized):
            return False
        location = self.lot.current_location
        if self.result == 'missing':
            return location != self.inventory.location
        if self.result == 'unexpected':
            return location == self.inventory.location
        return False

    def get_move(self):
        if self.inventory.state != 'counted':
            return super().get_move()
        if self.result in {'missing', 'unexpected'}:
            location = self.lot.current_location
            if self.moved_since or (self.result == 'unexpected' and (
                        not location or location.type != 'lost_found')):
                # Settled by a later move, or recorded elsewhere: a transfer
                # or return moves it, not the count.
                return None
        move = super().get_move()
        if move and self.reason:
            target = self.reason.target_location(self.inventory.branch)
            if move.from_location == self.inventory.location:
                move.to_location = target
            elif self.result == 'unexpected':
                # Written off before: inspected before it is sold again
                move.from_location = self.lot.current_location
                move.to_location = (
                    self.inventory.branch.quarantine_location
                    or self.inventory.location)
            else:
                move.from_location = target
        return move

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            return
        if mode == 'write' and set(values) <= {'reason', 'note'}:
            states = COUNTING_STATES + ['counted']
        else:
            states = COUNTING_STATES
        if mode == 'delete':
            states = states + ['cancelled']
        for line in lines:
            if line.inventory_state not in states:
                raise AccessError(gettext(
                        'stock_adjustment.msg_count_line_modify',
                        line=line.rec_name,
                        inventory=line.inventory.rec_name))


class InventorySnapshot(BranchOwnedMixin, ModelSQL, ModelView):
    "The stock expected when a count started"
    __name__ = 'stock.inventory.snapshot'
    _branch_paths = ('inventory.branch',)

    inventory = fields.Many2One(
        'stock.inventory', "Count", required=True, readonly=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True)
    lot = fields.Many2One('stock.lot', "Unit or Batch", readonly=True)
    quantity = fields.Float("Quantity", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        # No __access__: the expected stock is for stock managers only
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.inventory, Index.Range())))

    @classmethod
    def check_modification(
            cls, mode, snapshots, values=None, external=False):
        super().check_modification(
            mode, snapshots, values=values, external=external)
        if external:
            raise AccessError(gettext(
                    'stock_adjustment.msg_count_snapshot_modify'))


class InventoryUnknownCode(ModelSQL, ModelView):
    "A code scanned on a count that is no unit, batch or product"
    __name__ = 'stock.inventory.unknown_code'

    inventory = fields.Many2One(
        'stock.inventory', "Count", required=True, readonly=True,
        ondelete='CASCADE')
    code = fields.Char("Code", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('inventory')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.inventory, Index.Range())))


class InventoryScan(Wizard):
    "Count by scanning"
    __name__ = 'stock.inventory.scan'
    start = StateView(
        'stock.inventory.scan.start',
        'stock_adjustment.inventory_scan_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Count", 'count', 'tryton-ok', default=True),
            ])
    count = StateTransition()

    def transition_count(self):
        self.model.count_scanned(
            self.record, parse_scans(self.start.scans))
        return 'end'


class InventoryScanStart(ModelView):
    "Count by scanning"
    __name__ = 'stock.inventory.scan.start'

    scans = fields.Text(
        "Scans", required=True,
        help="One scan per line: an IMEI or serial number, or a batch "
        "number or product code followed by its quantity.")


class ProductCategory(metaclass=PoolMeta):
    __name__ = 'product.category'

    count_tolerance = fields.Float(
        "Count Tolerance",
        domain=['OR',
            ('count_tolerance', '=', None),
            ('count_tolerance', '>=', 0),
            ],
        help="The variance a count may find for a product of this "
        "category without a stock manager's approval. "
        "Leave empty to inherit; with none, any variance needs approval.")
