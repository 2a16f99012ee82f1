#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Reconcile the stock value of every company with its general ledger.

Values the stock from the stock ledger (each serialized unit at its cost,
every other movement at the value continental posts for it), compares it
with the balance of the inventory accounts, records the reconciliation (as
the daily cron job does) and lists the causes of any difference.

    .venv/bin/python scripts/stock_value_check.py -c config/trytond.conf \\
        var/trytond-local.conf -d demo [--date 2026-06-30]

Exit codes: 0 balanced, 1 difference, 2 bad usage.
"""
import datetime as dt
import sys

from script_setup import argument_parser, start_pool


def main(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--date', type=dt.date.fromisoformat,
        help="the date to reconcile at (today by default)")
    args = parser.parse_args(argv)

    from trytond.transaction import Transaction
    pool = start_pool(args)
    with Transaction().start(args.database, 0) as transaction:
        Reconciliation = pool.get('stock.valuation.reconciliation')
        reconciliations = Reconciliation.run(date=args.date)
        transaction.commit()
        different = False
        for record in reconciliations:
            print(f"stock value check: {record.company.rec_name} at "
                f"{record.date}: stock value {record.stock_value}, "
                f"inventory accounts {record.ledger_balance}, "
                f"difference {record.difference}")
            for branch in record.branches:
                name = (branch.branch.rec_name if branch.branch
                    else "in transit")
                print(f"stock value check:   {name}: stock value "
                    f"{branch.stock_value}, inventory accounts "
                    f"{branch.ledger_balance}, difference "
                    f"{branch.difference}")
            for cause in record.causes:
                print(f"stock value check:   {cause.description}: "
                    f"{cause.amount}")
            different |= record.state == 'difference'
        print("stock value check: "
            + ("DIFFERENCE" if different else "balanced"))
        return 1 if different else 0


if __name__ == '__main__':
    sys.exit(main())
