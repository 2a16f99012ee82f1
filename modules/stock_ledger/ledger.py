# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""The tamper-evident chain over done stock moves."""
import hashlib

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

GENESIS = '0' * 64
# The fields each version of the digest hashes, in this order.  A version
# is never changed once released: a move keeps the version it was sealed
# with, so adding a field to the chain means adding a version.
LEDGER_FIELDS = {
    1: (
        'company', 'product', 'lot', 'unit', 'quantity',
        'internal_quantity', 'from_location', 'to_location',
        'effective_date'),
    2: (
        'company', 'product', 'lot', 'unit', 'quantity',
        'internal_quantity', 'from_location', 'to_location',
        'effective_date', 'planned_date', 'origin_planned_date', 'state',
        'unit_price', 'currency', 'cost_price', 'product_cost_price',
        'transfer_cost', 'from_branch', 'to_branch', 'compensated_move',
        'create_uid', 'create_date'),
    }
LEDGER_VERSION = max(LEDGER_FIELDS)
# Stored fields of a move that the chain leaves out, and why; any other
# stored field is frozen once the move is done (see Move._ledger_unhashed)
LEDGER_UNHASHED = {
    'id': "chained as the move's identity, before its fields",
    'origin': "a link that Tryton sets after the move is done (a picked "
    "move gets its outgoing move); the server only",
    'shipment': "a link that Tryton sets on the moves of its shipments; "
    "the server only",
    'fifo_quantity': "how much of an incoming move later moves consumed "
    "(product_cost_fifo): it grows with every later sale; the server only",
    'unit_price_updated': "the flag that queues a cost recomputation; "
    "the server only",
    'ledger_sequence': "the chain itself, written once by the sealing",
    'ledger_hash': "the chain itself, written once by the sealing",
    'ledger_version': "chosen by the sealing; changing it changes the "
    "hash computed",
    'write_date': "when the move was last written (the sealing writes)",
    'write_uid': "who last wrote the move (the sealing writes)",
    }


def canonical(value):
    "A stable text for a field value of a move"
    if value is None:
        return ''
    if hasattr(value, 'id') and hasattr(value, '__name__'):
        return '%s,%s' % (value.__name__, value.id)
    if isinstance(value, float):
        return repr(round(value, 12))
    return str(value)


def move_digest(previous, move, version=1):
    "The hash of a done move chained to the previous hash"
    head = [previous, str(move.id)]
    if version > 1:
        head.insert(0, 'v%s' % version)
    content = '|'.join(
        head + ['%s=%s' % (f, canonical(getattr(move, f, None)))
            for f in LEDGER_FIELDS[version]])
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


class CheckResult(ModelView):
    __name__ = 'stock.ledger.check.result'

    company = fields.Many2One('company.company', "Company", readonly=True)
    intact = fields.Boolean("Intact", readonly=True)
    sealed = fields.Integer(
        "Sealed Moves", readonly=True,
        help="The done moves in the chain, each hashed with the one before.")
    unsealed = fields.Integer(
        "Moves Waiting to Be Sealed", readonly=True,
        help="Done moves that the next run of the sealing job appends.")
    message = fields.Text("Answer", readonly=True)


class Check(Wizard):
    """Recompute the stock ledger chain of the company and tell whether any
    sealed move was changed or removed; it writes nothing"""
    __name__ = 'stock.ledger.check'
    _readonly = True

    start = StateTransition()
    result = StateView(
        'stock.ledger.check.result',
        'stock_ledger.ledger_check_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        return 'result'

    def default_result(self, fields):
        pool = Pool()
        Company = pool.get('company.company')
        Move = pool.get('stock.move')
        company = Company(Transaction().context['company'])
        broken = Move.verify_ledger([company])
        sealed = Move.search([
                ('company', '=', company.id),
                ('ledger_sequence', '!=', None),
                ], count=True)
        unsealed = Move.search([
                ('company', '=', company.id),
                ('state', '=', 'done'),
                ('ledger_sequence', '=', None),
                ], count=True)
        if broken:
            _, sequence, move, reason = broken[0]
            message = gettext(
                'stock_ledger.msg_ledger_broken',
                company=company.rec_name, sequence=sequence,
                move=move or '-', reason=reason)
        else:
            message = gettext(
                'stock_ledger.msg_ledger_intact',
                company=company.rec_name, sealed=sealed)
        return {
            'company': company.id,
            'intact': not broken,
            'sealed': sealed,
            'unsealed': unsealed,
            'message': message,
            }
