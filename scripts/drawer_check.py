#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Check every closed cash session's drawer against the general ledger.

For each closed or posted session of the points of sale: the expected cash
recorded when it closed must equal its start amount plus the cash posted on
its drawer account for it (its sales' cash payments, refunds and cash
transfers, or the entries that cancel them), to the cent; once posted, its
count must equal that plus its posted over/short.

    .venv/bin/python scripts/drawer_check.py -c config/trytond.conf \\
        var/trytond-local.conf -d demo [--point "Downtown Till 1"]

Exit codes: 0 balanced, 1 difference, 2 bad usage.
"""
import sys

from script_setup import argument_parser, start_pool


def main(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--point', help="only the point of sale of this name")
    args = parser.parse_args(argv)

    from trytond.transaction import Transaction
    pool = start_pool(args)
    with Transaction().start(args.database, 0, readonly=True):
        Session = pool.get('sale.point.cash.session')
        domain = [('state', 'in', ['closed', 'posted'])]
        if args.point:
            domain.append(('point.name', '=', args.point))
        sessions = Session.search(domain, order=[('id', 'ASC')])
        different = False
        for check in Session.drawer_check(sessions):
            session = check['session']
            print(f"drawer check: {session.rec_name} ({session.state}): "
                f"expected {check['expected']}, drawer account "
                f"{check['ledger']}, counted {check['counted']}, "
                f"over/short {check['difference']} "
                f"(posted {check['difference_posted']})"
                + ("" if check['balanced'] else " DIFFERENCE"))
            different |= not check['balanced']
        print(f"drawer check: {len(sessions)} sessions "
            + ("DIFFERENCE" if different else "balanced"))
        return 1 if different else 0


if __name__ == '__main__':
    sys.exit(main())
