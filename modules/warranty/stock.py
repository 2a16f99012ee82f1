# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.stock_branch.model import BranchOwnedMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from .exceptions import SnapshotError, WarrantyError

PHASES = [
    ('replacement', "Replacement"),
    ('service', "Service"),
    ('none', "Not Covered"),
    ]


def phase_at(start_date, replacement_end, service_end, date):
    """The phase of a warranty from its snapshot dates on date:
    replacement, then service, else none"""
    if not start_date or date < start_date:
        return 'none'
    if replacement_end and date <= replacement_end:
        return 'replacement'
    if service_end and date <= service_end:
        return 'service'
    return 'none'


def phase_ends(start_date, replacement_days, service_months):
    "The last days of the replacement and service phases from start_date"
    replacement_end = service_end = None
    if replacement_days:
        replacement_end = start_date + dt.timedelta(days=replacement_days)
    if service_months:
        service_end = start_date + relativedelta(months=service_months)
    return replacement_end, service_end


class UnitWarranty(BranchOwnedMixin, ModelSQL, ModelView):
    "Unit Warranty"
    __name__ = 'stock.lot.warranty'
    # A sold unit is at no branch: any branch serves its warranty
    _branch_paths = ('lot.current_warehouse',)
    _branch_optional = True

    lot = fields.Many2One(
        'stock.lot', "Unit", required=True, readonly=True,
        ondelete='RESTRICT')
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    policy = fields.Many2One(
        'warranty.policy', "Policy", required=True, readonly=True,
        ondelete='RESTRICT')
    policy_version = fields.Integer(
        "Policy Version", required=True, readonly=True)
    start_date = fields.Date("Sold on", required=True, readonly=True)
    replacement_end = fields.Date(
        "Replacement until", readonly=True,
        help="The last day on which a faulty unit is replaced.")
    service_end = fields.Date(
        "Service until", readonly=True,
        help="The last day on which a faulty unit is repaired.")
    terms = fields.Text("Terms", readonly=True)
    exclusions = fields.Text("Exclusions", readonly=True)
    customer = fields.Many2One(
        'party.party', "Customer", readonly=True, ondelete='RESTRICT',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    origin = fields.Reference(
        "Sold by", selection='get_origins', readonly=True,
        help="The sale, or the claim of a replaced unit.")
    move = fields.Many2One(
        'stock.move', "Move", readonly=True, ondelete='RESTRICT',
        help="The move that took the unit to the customer.")
    inherited_from = fields.Many2One(
        'stock.lot.warranty', "Inherited from", readonly=True,
        help="The warranty of the unit this one replaced.")
    phase = fields.Function(fields.Selection(
            PHASES, "Phase", help="The phase today."), 'get_phase')
    days_left = fields.Function(fields.Integer(
            "Days Left", help="The days left in today's phase."),
        'get_phase')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.lot, Index.Range())),
                Index(t, (t.move, Index.Range())),
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def _get_origins(cls):
        return [
            'sale.sale', 'sale.point.sale', 'stock.shipment.out',
            'stock.move', 'warranty.claim']

    @classmethod
    def get_origins(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        models = IrModel.search([('name', 'in', cls._get_origins())])
        return [(None, '')] + [(m.name, m.string) for m in models]

    def phase_on(self, date):
        "The phase of the warranty on date, from the snapshot alone"
        return phase_at(
            self.start_date, self.replacement_end, self.service_end, date)

    @property
    def sale_price(self):
        "The price the unit, or the unit it replaced, was sold at"
        if self.move:
            return self.move.unit_price
        if self.inherited_from:
            return self.inherited_from.sale_price

    def phase_end(self, phase):
        return {
            'replacement': self.replacement_end,
            'service': self.service_end,
            }.get(phase)

    @classmethod
    def get_phase(cls, warranties, names):
        pool = Pool()
        Date = pool.get('ir.date')
        result = {n: {} for n in names}
        for warranty in warranties:
            with Transaction().set_context(company=warranty.company.id):
                today = Date.today()
            phase = warranty.phase_on(today)
            end = warranty.phase_end(phase)
            values = {
                'phase': phase,
                'days_left': (end - today).days if end else 0,
                }
            for name in names:
                result[name][warranty.id] = values[name]
        return result

    def get_rec_name(self, name):
        return f'{self.lot.rec_name} ({self.policy.rec_name} ' \
            f'v{self.policy_version})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('lot.rec_name',) + tuple(clause[1:])]

    @classmethod
    def check_modification(
            cls, mode, warranties, values=None, external=False):
        super().check_modification(
            mode, warranties, values=values, external=external)
        if mode == 'delete':
            # A warranty given when a till sale was paid goes when the
            # payment is undone, before its unit left
            warranties = [w for w in warranties
                if not w.move or w.move.state == 'done']
        if mode in {'write', 'delete'}:
            warranty = warranties[0] if warranties else None
            if warranty:
                raise SnapshotError(gettext(
                        'warranty.msg_warranty_frozen',
                        warranty=warranty.rec_name))

    @classmethod
    def give(cls, moves):
        """Give each unit that the moves sell the warranty of its policy,
        frozen as it is today"""
        pool = Pool()
        Policy = pool.get('warranty.policy')
        given = {w.move for w in cls.search([
                    ('move', 'in', [m.id for m in moves])])}
        to_create = []
        for move in moves:
            if move in given or not move.sells_unit:
                continue
            policy = Policy.get_policy(move.lot, move.company)
            if not policy:
                continue
            origin, customer = move.warranty_origin
            to_create.append(cls.snapshot(
                    policy, move.lot, move.effective_date, customer,
                    origin=origin, move=move))
        if to_create:
            with without_check_access():
                cls.save(to_create)
        return to_create

    @classmethod
    def snapshot(cls, policy, lot, start_date, customer, **values):
        "A warranty of lot frozen from policy as it is now"
        replacement_end, service_end = phase_ends(
            start_date, policy.replacement_days, policy.service_months)
        return cls(
            lot=lot, company=policy.company, policy=policy,
            policy_version=policy.version, start_date=start_date,
            replacement_end=replacement_end, service_end=service_end,
            terms=policy.terms, exclusions=policy.exclusions,
            customer=customer, **values)

    def inherit(self, lot, date, origin):
        "The rest of this warranty for the unit lot replacing its unit"
        return type(self)(
            lot=lot, company=self.company, policy=self.policy,
            policy_version=self.policy_version, start_date=date,
            replacement_end=self.replacement_end,
            service_end=self.service_end, terms=self.terms,
            exclusions=self.exclusions, customer=self.customer,
            origin=origin, inherited_from=self)


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    warranties = fields.One2Many(
        'stock.lot.warranty', 'lot', "Warranties", readonly=True)
    warranty = fields.Function(fields.Many2One(
            'stock.lot.warranty', "Warranty",
            help="The warranty of the unit's last sale."),
        'get_warranty')
    warranty_phase = fields.Function(fields.Selection(
            [(None, "")] + PHASES, "Warranty Phase"), 'get_warranty')

    @classmethod
    def get_warranty(cls, lots, names):
        pool = Pool()
        Warranty = pool.get('stock.lot.warranty')
        result = {n: {l.id: None for l in lots} for n in names}
        # Ordered newest first: the first of each unit is its warranty
        for warranty in reversed(Warranty.search([
                        ('lot', 'in', [l.id for l in lots]),
                        ])):
            if 'warranty' in result:
                result['warranty'][warranty.lot.id] = warranty.id
            if 'warranty_phase' in result:
                result['warranty_phase'][warranty.lot.id] = warranty.phase
        return result

    @classmethod
    def copy(cls, lots, default=None):
        default = default.copy() if default else {}
        default.setdefault('warranties', None)
        return super().copy(lots, default=default)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['warranty.claim']

    @property
    def sells_unit(self):
        """Whether the move hands a company unit over to a customer, done
        or reserved for a paid till sale"""
        pool = Pool()
        Claim = pool.get('warranty.claim')
        return (self.state in {'assigned', 'done'} and bool(self.lot)
            and self.lot.product.serialized
            and self.to_location.type == 'customer'
            and self.from_location.type == 'storage'
            and self.from_location.valued
            # A claim gives its replacement the rest of the warranty
            and not isinstance(self.origin, Claim))

    @property
    def warranty_origin(self):
        "The document that sold the unit, and the customer"
        origin = self.origin
        sale = getattr(origin, 'sale', None)
        if sale:
            return sale, getattr(sale, 'party', None)
        shipment = self.shipment
        if shipment and shipment.__name__ == 'stock.shipment.out':
            return shipment, shipment.customer
        return self, None

    @classmethod
    def do(cls, moves):
        pool = Pool()
        Warranty = pool.get('stock.lot.warranty')
        super().do(moves)
        Warranty.give(moves)

    @classmethod
    def cancel(cls, moves):
        pool = Pool()
        Warranty = pool.get('stock.lot.warranty')
        # A paid till sale reopened gives its unit back with its warranty
        voided = Warranty.search([
                ('move', 'in', [m.id for m in moves]),
                ('move.state', '!=', 'done'),
                ])
        if voided:
            with without_check_access():
                Warranty.delete(voided)
        super().cancel(moves)


class Certificate(Report):
    __name__ = 'warranty.certificate'

    @classmethod
    def _get_records(cls, ids, model, data):
        pool = Pool()
        Warranty = pool.get('stock.lot.warranty')
        # Printed from a unit (its warranty) or a sale (its units'); a
        # record without a warranty is refused rather than printed empty
        if model == 'stock.lot':
            lots = pool.get('stock.lot').browse(ids)
            for lot in lots:
                if not lot.warranty:
                    raise WarrantyError(gettext(
                            'warranty.msg_certificate_unit_unsold',
                            unit=lot.rec_name))
            ids = [l.warranty.id for l in lots]
        elif model in {'sale.sale', 'sale.point.sale'}:
            Sale = pool.get(model)
            warranties = Warranty.search([
                    ('origin', 'in', [f'{model},{i}' for i in ids]),
                    ], order=[('id', 'ASC')])
            sold = {w.origin.id for w in warranties}
            for sale in Sale.browse(ids):
                if sale.id not in sold:
                    raise WarrantyError(gettext(
                            'warranty.msg_certificate_sale_without',
                            sale=sale.rec_name))
            ids = [w.id for w in warranties]
        return super()._get_records(ids, 'stock.lot.warranty', data)
