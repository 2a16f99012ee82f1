#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Verify the tamper-evident stock ledger chain of every company.

Recomputes each company's chain from its sealed done moves and reports the
first broken link: a sealed move whose content changed (hash), that is no
longer done (state), or that is gone (missing).  With --seal it first
appends the done moves not sealed yet, as the cron job does.

    .venv/bin/python scripts/ledger_check.py -c config/trytond.conf \\
        var/trytond-local.conf -d demo --seal

Exit codes: 0 intact, 1 broken, 2 bad usage.
"""
import sys

from script_setup import argument_parser, locking_transaction, start_pool


def main(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--seal', action='store_true',
        help="seal the unsealed done moves first")
    args = parser.parse_args(argv)

    from trytond.transaction import Transaction
    pool = start_pool(args)
    Move = pool.get('stock.move')
    Company = pool.get('company.company')
    if args.seal:
        # Sealing locks the chain's head first
        sealed = locking_transaction(args.database, Move.seal_ledger)
        print(f"ledger check: sealed {sealed} moves", flush=True)
    with Transaction().start(args.database, 0, readonly=True):
        companies = Company.search([])
        broken = Move.verify_ledger(companies)
        for company in companies:
            count = Move.search([
                    ('company', '=', company.id),
                    ('ledger_sequence', '!=', None)], count=True)
            unsealed = Move.search([
                    ('company', '=', company.id),
                    ('state', '=', 'done'),
                    ('ledger_sequence', '=', None)], count=True)
            print(f"ledger check: {company.rec_name}: {count} sealed moves, "
                f"{unsealed} done moves waiting to be sealed")
        for company, sequence, move, reason in broken:
            print(f"ledger check: BROKEN {company.rec_name} at sequence "
                f"{sequence} (move {move or '-'}): {reason}")
        if not broken:
            print("ledger check: intact")
        return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main())
