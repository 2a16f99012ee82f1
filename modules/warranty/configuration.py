# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, Id


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Warranty Configuration"
    __name__ = 'warranty.configuration'

    claim_sequence = fields.Many2One(
        'ir.sequence', "Claim Sequence", required=True,
        domain=[
            ('company', 'in',
                [Eval('context', {}).get('company', -1), None]),
            ('sequence_type', '=', Id('warranty', 'sequence_type_claim')),
            ])

    @classmethod
    def default_claim_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('warranty', 'sequence_claim')
        except KeyError:
            return None
