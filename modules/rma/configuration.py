# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, Id


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "RMA Configuration"
    __name__ = 'rma.configuration'

    supplier_rma_sequence = fields.Many2One(
        'ir.sequence', "Supplier RMA Sequence", required=True,
        domain=[
            ('company', 'in',
                [Eval('context', {}).get('company', -1), None]),
            ('sequence_type', '=', Id('rma', 'sequence_type_supplier_rma')),
            ])

    @classmethod
    def default_supplier_rma_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('rma', 'sequence_supplier_rma')
        except KeyError:
            return None
