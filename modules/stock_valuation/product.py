# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.product import round_price
from trytond.modules.stock_availability.location import VALUED_OWNERSHIPS
from trytond.modules.stock_lot_serial.product import SERIALIZED
from trytond.pool import Pool, PoolMeta

from .exceptions import CostMethodError

SPECIFIC = ('specific', "Specific Identification")


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if SPECIFIC not in cls.cost_price_method.selection:
            cls.cost_price_method._field.selection.append(SPECIFIC)
        cls.cost_price_method._field.help += (
            "\nSpecific identification: each serialized unit carries its "
            "own cost, from its receipt to its sale.")

    @fields.depends('tracking', 'cost_price_method')
    def on_change_tracking(self):
        super().on_change_tracking()
        if self.tracking in SERIALIZED:
            self.cost_price_method = 'specific'
        elif self.cost_price_method == 'specific':
            self.cost_price_method = self.default_cost_price_method()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # Clients send the default method; a serialized product's units
        # carry their own cost.
        if values.get('tracking') in SERIALIZED and (
                values.get('cost_price_method') in {
                    None, cls.default_cost_price_method()}):
            values['cost_price_method'] = 'specific'
        return values

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        if field_names & {'tracking', 'cost_price_method', 'type'}:
            cls.check_cost_price_method(templates)

    @classmethod
    def check_cost_price_method(cls, templates):
        for template in templates:
            if template.type != 'goods':
                continue
            specific = template.cost_price_method == 'specific'
            if specific != (template.tracking in SERIALIZED):
                raise CostMethodError(gettext(
                        'stock_valuation.msg_cost_method_specific'
                        if specific else
                        'stock_valuation.msg_cost_method_serialized',
                        template=template.rec_name))


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'
    # Registered so that its copy of the template's cost method field is
    # set up again with specific identification.

    def recompute_cost_price_specific(self, start=None):
        """The average cost of the units of the product in company stock;
        each move keeps the cost of its own unit"""
        pool = Pool()
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        locations = Location.search([
                ('type', '=', 'storage'),
                ('ownership', 'in', list(VALUED_OWNERSHIPS)),
                ])
        quantities = defaultdict(float)
        for (_, _, lot), quantity in self.products_by_location(
                [l.id for l in locations], with_childs=False,
                grouping=('product', 'lot'),
                grouping_filter=([self.id],)).items():
            if lot is not None:
                quantities[lot] += quantity
        costs = [lot.unit_cost for lot in Lot.browse(
                [l for l, q in quantities.items() if q > 0])
            if lot.unit_cost is not None]
        if not costs:
            return self.cost_price or Decimal(0)
        return round_price(sum(costs) / len(costs))
