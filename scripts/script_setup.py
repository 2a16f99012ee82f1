# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Start-up shared by the check scripts: their arguments and the pool."""
import argparse


def argument_parser(doc):
    "A parser with the configuration files and the database"
    parser = argparse.ArgumentParser(description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('-c', '--config', nargs='+', required=True,
        help="trytond configuration files")
    parser.add_argument('-d', '--database', required=True)
    return parser


def start_pool(args):
    "Load the configuration and return the database's initialised pool"
    from trytond import config
    config.update_etc(args.config)
    from trytond.pool import Pool
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    return pool


def locking_transaction(database, func):
    """Return func() run in a transaction of database as root, committed.

    A transaction that must lock records first is restarted holding those
    locks, as trytond's dispatcher and cron do."""
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        try:
            with Transaction().start(database, 0, **extras):
                return func()
        except TransactionError as error:
            error.fix(extras)
