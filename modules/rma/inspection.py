# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import functools

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.stock_branch.stock import WarehouseBranchMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import InspectionError

RESULTS = [
    (None, ""),
    ('restock', "Restocked"),
    ('defective', "Defective"),
    ('supplier', "To Supplier"),
    ('moved', "Moved Away"),
    ]
# What staff may still set while the inspection is pending
EDITABLE = {'grade', 'battery_health', 'note', 'supplier'}


def deciding(result):
    "Lock the inspections and check their stock before deciding result"
    def decorator(func):
        @functools.wraps(func)
        def wrapper(cls, inspections, *args, **kwargs):
            # A retried click finds them done and changes nothing
            cls.lock(inspections)
            inspections = [i for i in cls.browse(inspections)
                if i.state == 'pending']
            for inspection in inspections:
                inspection.check_stock(result)
            return func(cls, inspections, *args, **kwargs)
        return wrapper
    return decorator


class Inspection(WarehouseBranchMixin, Workflow, ModelSQL, ModelView):
    "Returns Inspection"
    __name__ = 'rma.inspection'

    _pending = {
        'readonly': Eval('state') != 'pending',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    warehouse = fields.Many2One(
        'stock.location', "Branch", required=True, readonly=True,
        domain=[('type', '=', 'warehouse')])
    location = fields.Many2One(
        'stock.location', "Quarantine", required=True, readonly=True,
        ondelete='RESTRICT',
        help="Where the returned stock waits for this inspection.")
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    lot = fields.Many2One(
        'stock.lot', "Unit or Batch", readonly=True, ondelete='RESTRICT',
        domain=[('product', '=', Eval('product', -1))])
    serialized = fields.Function(
        fields.Boolean("Serialized"), 'on_change_with_serialized')
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, readonly=True)
    unit = fields.Many2One('product.uom', "Unit", required=True, readonly=True)
    arrival_move = fields.Many2One(
        'stock.move', "Arrival", required=True, readonly=True,
        ondelete='RESTRICT',
        help="The move that brought the stock into quarantine.")
    origin = fields.Reference(
        "Returned by", selection='get_origins', readonly=True,
        help="The customer return, claim or other document that brought "
        "the stock back.")
    sold_by = fields.Reference(
        "Sold by", selection='get_sold_by_models', readonly=True,
        help="The sale the stock was returned from, when the shop knows "
        "it.")
    customer = fields.Many2One(
        'party.party', "Customer", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    arrival_grade = fields.Many2One(
        'stock.lot.grade', "Grade on Arrival", readonly=True)
    grade = fields.Many2One(
        'stock.lot.grade', "Grade", states={
            'readonly': Eval('state') != 'pending',
            'invisible': ~Eval('serialized'),
            },
        help="The grade the unit is found in: restocking gives it to the "
        "unit.")
    battery_health = fields.Integer(
        "Battery Health", states={
            'readonly': Eval('state') != 'pending',
            'invisible': ~Eval('serialized'),
            },
        domain=[
            ['OR',
                ('battery_health', '=', None),
                [('battery_health', '>=', 0), ('battery_health', '<=', 100)],
                ],
            ],
        help="In percent, as measured: restocking gives it to the unit.")
    note = fields.Text("Findings", states=_pending)
    supplier = fields.Many2One(
        'party.party', "Supplier", states=_pending,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Who takes the stock back when it goes to the supplier.")
    result = fields.Selection(RESULTS, "Result", readonly=True)
    move = fields.Many2One(
        'stock.move', "Move", readonly=True,
        help="The move that took the stock out of quarantine.")
    supplier_line = fields.Many2One(
        'rma.supplier.line', "Supplier RMA Line", readonly=True,
        states={
            'invisible': ~Eval('supplier_line'),
            })
    inspected_by = fields.Many2One('res.user', "Inspected by", readonly=True)
    inspection_date = fields.Date("Inspected on", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('done', "Done"),
            ], "State", required=True, readonly=True, sort=False)
    del _pending

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.lot, Index.Range())),
                Index(t, (t.arrival_move, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'pending'),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('pending', 'done'),
            }
        for button in ['restock', 'defective', 'to_supplier']:
            cls._buttons[button] = {
                'invisible': Eval('state') != 'pending',
                'depends': ['state'],
                }
        cls._buttons['to_supplier']['readonly'] = ~Eval('supplier')
        cls._buttons['to_supplier']['depends'].append('supplier')

    @classmethod
    def default_state(cls):
        return 'pending'

    @fields.depends('product')
    def on_change_with_serialized(self, name=None):
        return bool(self.product and self.product.serialized)

    @classmethod
    def _get_origins(cls):
        return [
            'stock.shipment.out.return', 'stock.shipment.internal',
            'warranty.claim', 'repair.job', 'rma.supplier.line',
            'stock.shrinkage.case', 'stock.inventory.line',
            'stock.adjustment.line', 'stock.move']

    @classmethod
    def get_origins(cls):
        return cls._model_selection(cls._get_origins())

    @classmethod
    def get_sold_by_models(cls):
        pool = Pool()
        Warranty = pool.get('stock.lot.warranty')
        return cls._model_selection(Warranty._get_origins())

    @classmethod
    def _model_selection(cls, names):
        pool = Pool()
        IrModel = pool.get('ir.model')
        models = IrModel.search([('name', 'in', names)])
        return [(None, '')] + [(m.name, m.string) for m in models]

    def get_rec_name(self, name):
        what = self.lot.rec_name if self.lot else self.product.rec_name
        return f'{what} @ {self.location.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('lot.rec_name', operator, value),
            ('product.rec_name', operator, value),
            ]

    @classmethod
    def check_modification(
            cls, mode, inspections, values=None, external=False):
        super().check_modification(
            mode, inspections, values=values, external=external)
        if not external or not inspections:
            return
        if mode == 'delete' or (mode == 'write' and set(values) - EDITABLE):
            raise AccessError(gettext(
                    'rma.msg_inspection_system',
                    inspection=inspections[0].rec_name))
        if mode == 'write':
            for inspection in inspections:
                if inspection.state != 'pending':
                    raise AccessError(gettext(
                            'rma.msg_inspection_done',
                            inspection=inspection.rec_name))

    @classmethod
    def open(cls, moves):
        "Open an inspection for what each done move brought to quarantine"
        known = {i.arrival_move for i in cls.search([
                    ('arrival_move', 'in', [m.id for m in moves]),
                    ])}
        inspections = [cls.for_move(m) for m in moves if m not in known]
        if inspections:
            with without_check_access():
                cls.save(inspections)
        return inspections

    @classmethod
    def close_left(cls, moves):
        """Close the pending inspections of the units the done moves took
        out of quarantine other than by deciding them"""
        pool = Pool()
        SupplierLine = pool.get('rma.supplier.line')
        leaving = {(m.lot, m.from_location): m for m in moves
            if m.lot and m.product.serialized
            and not isinstance(m.origin, cls)}
        if not leaving:
            return
        pending = cls.search([
                ('state', '=', 'pending'),
                ('lot', 'in', [l.id for l, _ in leaving]),
                ])
        to_save = []
        for inspection in pending:
            move = leaving.get((inspection.lot, inspection.location))
            if not move:
                continue
            inspection.move = move
            inspection.state = 'done'
            inspection.inspection_date = move.effective_date
            if isinstance(move.origin, SupplierLine):
                inspection.result = 'supplier'
                inspection.supplier_line = move.origin
                inspection.supplier = move.origin.rma.supplier
            else:
                inspection.result = 'moved'
            to_save.append(inspection)
        if to_save:
            with without_check_access():
                cls.save(to_save)

    @classmethod
    def for_move(cls, move):
        "The pending inspection of what move brought to quarantine"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        lot = move.lot
        serialized = bool(lot and move.product.serialized)
        origin = move.shipment or move.origin
        if getattr(origin, '__name__', None) not in cls._get_origins():
            origin = move
        sold_models = set(dict(cls.get_sold_by_models()))
        sold_by = customer = None
        if isinstance(move.origin, SaleLine):
            # A return sale: Tryton links it to the sale it returns
            sale = move.origin.sale
            sold_by = sale.origin or sale
            customer = sale.party
        if (serialized and not sold_by
                and move.from_location.type == 'customer'):
            sale_move = lot.last_sale_move()
            if sale_move:
                sold_by, sold_to = sale_move.warranty_origin
                customer = customer or sold_to
        if getattr(sold_by, '__name__', None) not in sold_models:
            sold_by = None
        customer = (getattr(move.shipment, 'customer', None)
            or getattr(move.origin, 'customer', None) or customer)
        supplier = lot.supplier if serialized else None
        if not supplier:
            product_supplier = next(
                move.product.product_suppliers_used(), None)
            supplier = getattr(product_supplier, 'party', None)
        return cls(
            company=move.company, warehouse=move.to_location.warehouse,
            location=move.to_location, product=move.product, lot=lot,
            quantity=move.quantity, unit=move.unit, arrival_move=move,
            origin=origin, sold_by=sold_by, customer=customer,
            arrival_grade=lot.grade if serialized else None,
            grade=lot.grade if serialized else None,
            battery_health=lot.battery_health if serialized else None,
            supplier=supplier)

    def check_stock(self, result):
        "Refuse deciding on stock that is no longer in quarantine"
        pool = Pool()
        Lot = pool.get('stock.lot')
        if self.serialized:
            lot = Lot(self.lot.id)
            if (lot.current_location != self.location
                    or lot.state != 'returned'):
                raise InspectionError(gettext(
                        'rma.msg_inspection_unit_moved',
                        inspection=self.rec_name, unit=lot.rec_name,
                        location=getattr(
                            lot.current_location, 'rec_name', '-'),
                        result=dict(RESULTS)[result]))
        if result == 'defective' and not self.warehouse.defective_location:
            raise InspectionError(gettext(
                    'rma.msg_branch_without_zone',
                    branch=self.warehouse.rec_name,
                    zone=self.warehouse.__class__.defective_location.string))
        if result == 'supplier' and not self.supplier:
            raise InspectionError(gettext(
                    'rma.msg_inspection_no_supplier',
                    inspection=self.rec_name))

    @classmethod
    def _dispose(cls, inspections, target):
        "Move the stock of the inspections to target(inspection)"
        pool = Pool()
        Move = pool.get('stock.move')
        moves = []
        for inspection in inspections:
            product = inspection.product
            moves.append(Move(
                    product=product, unit=inspection.unit,
                    quantity=inspection.quantity, lot=inspection.lot,
                    from_location=inspection.location,
                    to_location=target(inspection),
                    company=inspection.company, origin=inspection))
        with without_check_access():
            Move.save(moves)
            if not Move.assign_try(moves):
                for inspection, move in zip(inspections, moves):
                    if move.state != 'assigned':
                        raise InspectionError(gettext(
                                'rma.msg_inspection_not_there',
                                inspection=inspection.rec_name,
                                location=inspection.location.rec_name))
            Move.do(moves)
        for inspection, move in zip(inspections, moves):
            inspection.move = move

    @classmethod
    def _decided(cls, inspections, result):
        pool = Pool()
        Date = pool.get('ir.date')
        for inspection in inspections:
            with Transaction().set_context(company=inspection.company.id):
                inspection.inspection_date = Date.today()
            inspection.result = result
            inspection.inspected_by = Transaction().user or None
        cls.save(inspections)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @deciding('restock')
    def restock(cls, inspections):
        "Put the stock back on the branch's sellable shelf, as graded"
        pool = Pool()
        Lot = pool.get('stock.lot')
        cls._dispose(inspections, lambda i: i.warehouse.storage_location)
        to_write = []
        for inspection in inspections:
            if inspection.serialized:
                to_write.extend(([inspection.lot], {
                            'grade': getattr(inspection.grade, 'id', None),
                            'battery_health': inspection.battery_health,
                            }))
        if to_write:
            with without_check_access():
                Lot.write(*to_write)
        cls._decided(inspections, 'restock')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @deciding('defective')
    def defective(cls, inspections):
        "Move the stock to the branch's defective location"
        cls._dispose(inspections, lambda i: i.warehouse.defective_location)
        cls._decided(inspections, 'defective')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @deciding('supplier')
    def to_supplier(cls, inspections):
        """Keep the stock in quarantine on the draft RMA of its supplier,
        which sends it back"""
        pool = Pool()
        SupplierRMA = pool.get('rma.supplier')
        lines = SupplierRMA.add_inspections(inspections)
        for inspection, line in zip(inspections, lines):
            inspection.supplier_line = line
        cls._decided(inspections, 'supplier')
