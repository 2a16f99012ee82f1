# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""The tamper-evident chain over done stock moves."""
import hashlib

from trytond.model import ModelSQL, ModelView, Unique, fields

GENESIS = '0' * 64
# Fields of a done move that nothing may change; the chain hashes them.
# origin and shipment are left out: Tryton links documents to done moves
# (a picked move gets its outgoing move as origin).
SEALED_FIELDS = [
    'company', 'product', 'lot', 'unit', 'quantity', 'internal_quantity',
    'from_location', 'to_location', 'effective_date']


def canonical(value):
    "A stable text for a field value of a move"
    if value is None:
        return ''
    if hasattr(value, 'id') and hasattr(value, '__name__'):
        return '%s,%s' % (value.__name__, value.id)
    if isinstance(value, float):
        return repr(round(value, 12))
    return str(value)


def move_digest(previous, move):
    "The hash of a done move chained to the previous hash"
    content = '|'.join(
        [previous, str(move.id)]
        + ['%s=%s' % (f, canonical(getattr(move, f, None)))
            for f in SEALED_FIELDS])
    return hashlib.sha256(content.encode('utf-8')).hexdigest()


class Chain(ModelSQL, ModelView):
    "The head of the stock ledger chain of a company"
    __name__ = 'stock.ledger.chain'

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Last Sequence", readonly=True)
    hash = fields.Char("Last Hash", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_unique', Unique(t, t.company),
                'stock_ledger.msg_chain_company_unique'),
            ]

    @classmethod
    def default_sequence(cls):
        return 0

    @classmethod
    def default_hash(cls):
        return GENESIS

    @classmethod
    def get(cls, company):
        "Return the chain head of company, created on first use"
        chains = cls.search([('company', '=', company.id)], limit=1)
        if chains:
            return chains[0]
        chain, = cls.create([{'company': company.id}])
        return chain
