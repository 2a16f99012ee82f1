# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
from collections import defaultdict

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import ExpiredLotError

EXPIRY_STATES = [
    ('none', "No Expiry"),
    ('valid', "Valid"),
    ('expiring', "Expiring"),
    ('expired', "Expired"),
    ]


def today():
    return Pool().get('ir.date').today()


def warning_days():
    Configuration = Pool().get('stock.configuration')
    return Configuration(1).expiry_warning_days or 0


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    expiry_date = fields.Function(fields.Date(
            "Expiry Date",
            help="The earlier of the shelf life and expiration dates."),
        'get_expiry_date')
    expiry_state = fields.Function(fields.Selection(
            EXPIRY_STATES, "Expiry State", sort=False),
        'get_expiry_state', searcher='search_expiry_state')
    available_quantity = fields.Function(fields.Float(
            "Available", help="In storage, not reserved and not expired."),
        'get_counters')
    reserved_quantity = fields.Function(fields.Float(
            "Reserved", help="Assigned to moves that are not done yet."),
        'get_counters')
    sold_quantity = fields.Function(fields.Float(
            "Sold", help="Delivered to customers less their returns."),
        'get_counters')
    adjusted_quantity = fields.Function(fields.Float(
            "Adjusted", help="Found less lost, scrapped or written off."),
        'get_counters')

    def get_expiry_date(self, name=None):
        dates = [d for d in [
                self.shelf_life_expiration_date, self.expiration_date] if d]
        return min(dates) if dates else None

    def is_expired(self, date=None):
        expiry = self.get_expiry_date()
        return bool(expiry and expiry < (date or today()))

    def get_expiry_state(self, name):
        expiry = self.get_expiry_date()
        if not expiry:
            return 'none'
        date = today()
        if expiry < date:
            return 'expired'
        if expiry <= date + dt.timedelta(days=warning_days()):
            return 'expiring'
        return 'valid'

    @classmethod
    def search_expiry_state(cls, name, clause):
        _, operator, value = clause[:3]
        date = today()
        soon = date + dt.timedelta(days=warning_days())
        dates = ['shelf_life_expiration_date', 'expiration_date']
        domains = {
            'none': [(d, '=', None) for d in dates],
            'expired': ['OR'] + [(d, '<', date) for d in dates],
            'expiring': [
                ['OR'] + [[(d, '>=', date), (d, '<=', soon)] for d in dates],
                [['OR', (d, '=', None), (d, '>=', date)] for d in dates],
                ],
            'valid': [
                ['OR'] + [(d, '!=', None) for d in dates],
                [['OR', (d, '=', None), (d, '>', soon)] for d in dates],
                ],
            }
        values = value if isinstance(value, (list, tuple)) else [value]
        domain = ['OR'] + [domains[v] for v in values if v in domains]
        if operator in {'!=', 'not in'}:
            return ['NOT', domain]
        return domain

    @classmethod
    def get_counters(cls, lots, names):
        "Derive the batch counters from the stock moves, in one query"
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        move = Move.__table__()
        from_ = Location.__table__()
        to = Location.__table__()
        cursor = Transaction().connection.cursor()
        quantity = move.internal_quantity
        done = move.state == 'done'
        zero = Literal(0.0)

        def net(type_, state=done):
            return Sum(
                Case(((to.type == type_) & state, quantity), else_=zero)
                - Case(((from_.type == type_) & state, quantity),
                    else_=zero))

        counters = defaultdict(lambda: defaultdict(float))
        for sub_ids in grouped_slice(
                [l.id for l in lots], backend.MAX_QUERY_PARAMS):
            cursor.execute(*move
                .join(from_, condition=move.from_location == from_.id)
                .join(to, condition=move.to_location == to.id)
                .select(
                    move.lot,
                    net('storage'),
                    Sum(Case((
                                (move.state == 'assigned')
                                & (from_.type == 'storage'), quantity),
                            else_=zero)),
                    -net('customer'),
                    -net('lost_found'),
                    where=fields.SQL_OPERATORS['in'](move.lot, sub_ids),
                    group_by=[move.lot]))
            for lot_id, on_hand, reserved, sold, adjusted in cursor:
                counters[lot_id].update({
                        'on_hand': on_hand or 0,
                        'reserved': reserved or 0,
                        'sold': -(sold or 0),
                        'adjusted': -(adjusted or 0),
                        })
        result = {n: {} for n in names}
        date = today()
        for lot in lots:
            counter = counters[lot.id]
            available = counter['on_hand'] - counter['reserved']
            if lot.is_expired(date):
                available = 0.0
            values = {
                'available_quantity': available,
                'reserved_quantity': counter['reserved'],
                'sold_quantity': counter['sold'],
                'adjusted_quantity': counter['adjusted'],
                }
            for name in names:
                result[name][lot.id] = values[name]
        return result


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @property
    def fefo_picked(self):
        "Whether assignment picks the lot of this move by expiry"
        template = self.product.template
        return (not self.lot
            and (template.shelf_life_state != 'none'
                or template.expiration_state != 'none')
            and bool(self.product.lot_is_required(
                    self.from_location, self.to_location)))

    @classmethod
    def assign_try(
            cls, moves, with_childs=True, grouping=('product',), pblc=None):
        cls.check_expired_lots(moves)
        if 'lot' in grouping:
            return super().assign_try(
                moves, with_childs=with_childs, grouping=grouping, pblc=pblc)
        fefo = [m for m in moves if m.fefo_picked]
        others = [m for m in moves if not m.fefo_picked]
        success = True
        if fefo:
            success &= super().assign_try(
                fefo, with_childs=with_childs, grouping=grouping + ('lot',),
                pblc=pblc)
        if others:
            success &= super().assign_try(
                others, with_childs=with_childs, grouping=grouping,
                pblc=pblc)
        return success

    def sort_quantities(self, quantities, locations, grouping):
        quantities = super().sort_quantities(quantities, locations, grouping)
        if 'lot' not in grouping:
            return quantities
        pool = Pool()
        Lot = pool.get('stock.lot')
        position = grouping.index('lot') + 1
        lot_ids = {k[position] for k, _ in quantities if k[position]}
        lots = {l.id: l for l in Lot.browse(list(lot_ids))}
        date = today()
        order = {l.id: i for i, l in enumerate(locations)}

        def expiry(key):
            lot = lots.get(key[position])
            expiry = lot.get_expiry_date() if lot else None
            return expiry or dt.date.max

        # First expired, first out; an expired lot is never picked.
        kept = [(k, q) for k, q in quantities
            if not (k[position] and lots[k[position]].is_expired(date))]
        return sorted(kept, key=lambda x: (
                expiry(x[0]), order.get(x[0][0], 0), x[0][position] or 0))

    @classmethod
    def check_expired_lots(cls, moves):
        "Refuse to reserve or pick a named batch that has expired"
        date = today()
        for move in moves:
            lot = getattr(move, 'lot', None)
            if (lot and move.state in {'staging', 'draft'}
                    and move.from_location.type in {'storage', 'view'}
                    and lot.is_expired(date)):
                raise ExpiredLotError(gettext(
                        'stock_lot_fefo.msg_lot_expired_assign',
                        lot=lot.rec_name, product=move.product.rec_name,
                        quantity=move.quantity,
                        location=move.from_location.rec_name,
                        date=lot.get_expiry_date()))

    @classmethod
    @Workflow.transition('assigned')
    def assign(cls, moves):
        cls.check_expired_lots(moves)
        super().assign(moves)
