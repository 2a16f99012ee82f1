#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Compare the availability cache with the stock ledger.

Recomputes the quantity per product, branch, ownership and state from the
done and assigned moves and lists every place where the cache differs.
With --rebuild it then replaces the drifted rows by the ledger's figures.

    .venv/bin/python scripts/availability_check.py -c config/trytond.conf \\
        var/trytond-local.conf -d demo

Exit codes: 0 the cache agrees, 1 drifts found (and not rebuilt), 2 bad
usage.
"""
import sys
import time

from script_setup import argument_parser, locking_transaction, start_pool


def main(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--rebuild', action='store_true',
        help="replace the drifted rows by the ledger's figures")
    args = parser.parse_args(argv)

    from trytond.transaction import Transaction
    pool = start_pool(args)
    started = time.monotonic()
    with Transaction().start(args.database, 0):
        Availability = pool.get('stock.availability')
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        print("availability check: reading the ledger", flush=True)
        drifts = Availability.check_cache()
        for (product, branch, ownership, state), cached, ledger in drifts:
            print(f"availability check: DRIFT {Product(product).rec_name} "
                f"at {Location(branch).rec_name if branch else '-'} "
                f"({ownership}, {state}): cache {cached}, ledger {ledger}")
        elapsed = time.monotonic() - started
        print(f"availability check: {len(drifts)} drifts in {elapsed:.1f} s")
    if drifts and args.rebuild:
        # The rebuild locks the rows first
        fixed = locking_transaction(args.database, Availability.rebuild)
        print(f"availability check: rebuilt {fixed} rows")
        return 0
    return 1 if drifts else 0


if __name__ == '__main__':
    sys.exit(main())
