# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.stock_lot_serial.product import SERIALIZED
from trytond.pool import PoolMeta

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
