# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Waiting, first-come locks on availability rows for REPEATABLE READ.

trytond takes row locks with NOWAIT when a transaction (re)starts, so on a
hot product the losers give up after a few retries.  A lock that waits
inside the transaction is no better: the snapshot was taken by the first
statement, before the wait, so the winner's commit stays invisible and its
updated rows raise serialization failures.

The ticket is a transaction-level advisory lock held by a separate
connection of the same thread.  It is taken, waiting in a queue, between
the rollback of a transaction and its restart (TransactionError.fix), so
the restarted transaction's snapshot starts after the previous holder
committed.  It is released when that transaction stops.  All code that
changes availability rows holds the ticket and updates the row, so the
row lock never waits on another holder.

Uncontended, the ticket is taken at once without the restart; the update
of the row then proves that no holder committed since the snapshot
began, or the transaction restarts in line after all.
"""
import logging
import threading
import zlib

from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.transaction import Transaction, TransactionError

logger = logging.getLogger(__name__)

# First key of the two-key advisory locks, so they do not meet others
NAMESPACE = zlib.crc32(b'stock_availability') & 0x7fffffff
# How long a ticket waits for its turn, and how long a lost one lives
WAIT_TIMEOUT = '30s'
IDLE_TIMEOUT = '120s'

_local = threading.local()


class AvailabilityLockError(TransactionError):
    "Restart the transaction once the tickets of the rows are held"

    def __init__(self, database_name, ids):
        super().__init__()
        self._database_name = database_name
        self._ids = sorted(set(ids))

    def fix(self, extras):
        super().fix(extras)
        acquire(self._database_name, self._ids)


def _held():
    if not hasattr(_local, 'tickets'):
        _local.tickets = None  # (database name, connection, set of ids)
    return _local.tickets


def held_ids(database_name):
    tickets = _held()
    if tickets and tickets[0] == database_name:
        return tickets[2]
    return set()


def acquire(database_name, ids):
    "Wait, in order, for the tickets of ids; release the ones held before"
    wanted = set(ids) | held_ids(database_name)
    release()
    database = backend.Database(database_name).connect()
    connection = database.get_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SET LOCAL lock_timeout = '%s'" % WAIT_TIMEOUT)
        cursor.execute(
            "SET LOCAL idle_in_transaction_session_timeout = '%s'"
            % IDLE_TIMEOUT)
        # A single order for everybody: no deadlock between tickets.
        for id_ in sorted(wanted):
            cursor.execute(
                'SELECT pg_advisory_xact_lock(%s, %s)', (NAMESPACE, id_))
    except Exception:
        connection.rollback()
        database.put_connection(connection)
        raise
    _local.tickets = (database_name, connection, wanted)


def release():
    "Give the tickets of this thread back"
    tickets = _held()
    if not tickets:
        return
    _local.tickets = None
    database_name, connection, _ = tickets
    database = backend.Database(database_name).connect()
    try:
        connection.rollback()
    except Exception:
        logger.warning("could not release availability tickets",
            exc_info=True)
    database.put_connection(connection)


def try_acquire(database_name, ids):
    "Take the missing tickets of ids without waiting; return if all taken"
    tickets = _held()
    if tickets and tickets[0] != database_name:
        release()
        tickets = None
    database = backend.Database(database_name).connect()
    if tickets:
        _, connection, owned = tickets
    else:
        connection = database.get_connection()
        owned = set()
        _local.tickets = (database_name, connection, owned)
        cursor = connection.cursor()
        cursor.execute("SET LOCAL lock_timeout = '%s'" % WAIT_TIMEOUT)
        cursor.execute(
            "SET LOCAL idle_in_transaction_session_timeout = '%s'"
            % IDLE_TIMEOUT)
    cursor = connection.cursor()
    for id_ in sorted(set(ids) - owned):
        cursor.execute(
            'SELECT pg_try_advisory_xact_lock(%s, %s)', (NAMESPACE, id_))
        taken, = cursor.fetchone()
        if not taken:
            return False
        owned.add(id_)
    return True


def lock(table, ids):
    """Hold the tickets and the row locks of ids in this transaction

    Raises AvailabilityLockError when the transaction must restart first.
    table is a python-sql Table of the rows.
    """
    ids = set(ids)
    transaction = Transaction()
    if not ids or backend.name != 'postgresql':
        return
    database_name = transaction.database.name
    if (ids - held_ids(database_name)
            and not try_acquire(database_name, ids)):
        raise AvailabilityLockError(database_name, ids)
    # Every holder updates its rows.  When the tickets were free at once,
    # the update fails if a holder committed after this snapshot began:
    # then the transaction starts again, in line.
    cursor = transaction.connection.cursor()
    cursor.execute('SAVEPOINT stock_availability_lock')
    try:
        cursor.execute(*table.update(
                [table.write_date], [CurrentTimestamp()],
                where=table.id.in_(sorted(ids))))
    except backend.DatabaseOperationalError:
        cursor.execute('ROLLBACK TO SAVEPOINT stock_availability_lock')
        release()
        raise AvailabilityLockError(database_name, ids)
    cursor.execute('RELEASE SAVEPOINT stock_availability_lock')
    if not getattr(transaction, '_availability_release', False):
        transaction._availability_release = True
        transaction.atexit(release)
