#!/usr/bin/env python3
# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Check that the PostgreSQL server of TRYTOND_DATABASE_URI answers, or drop
test databases on it.

Exit codes: 0 reachable (or dropped), 1 unreachable, 2 bad usage.
"""
import argparse
import os
import sys
from urllib.parse import urlsplit

import psycopg


def connect():
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    parts = urlsplit(uri)
    if not parts.scheme.startswith('postgresql'):
        print("pg_ready: TRYTOND_DATABASE_URI is not a postgresql:// URI",
            file=sys.stderr)
        sys.exit(2)
    try:
        return psycopg.connect(
            host=parts.hostname or None, port=parts.port or None,
            user=parts.username or None, password=parts.password or None,
            dbname='postgres', autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exception:
        reason = str(exception).strip().splitlines()[0]
        print(f"pg_ready: PostgreSQL at {parts.hostname}:{parts.port or 5432}"
            f" is unreachable ({reason}): start it or fix "
            "TRYTOND_DATABASE_URI", file=sys.stderr)
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--drop', metavar='NAME', action='append',
        default=[], help="drop this database if it exists, and the "
        "template databases of its test cache (NAME-*)")
    args = parser.parse_args()
    with connect() as connection:
        for name in args.drop:
            templates = connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (name.replace('_', r'\_') + '-%',)).fetchall()
            for template, in templates:
                connection.execute(f'DROP DATABASE IF EXISTS "{template}"')
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    return 0


if __name__ == '__main__':
    sys.exit(main())
