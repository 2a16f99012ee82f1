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

hold() queues the same way on rows that trytond itself locks with
ModelSQL.lock (a strict sequence shared by all tills, say): the rows are
locked in the transaction, or at its single restart together with the
tickets, and registered so that trytond's own lock passes without
another restart.
"""
import logging
import threading
import zlib

from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.transaction import Transaction, TransactionError

logger = logging.getLogger(__name__)


def namespace(name):
    "First key of the two-key advisory locks of name, apart from others"
    return zlib.crc32(name.encode()) & 0x7fffffff


NAMESPACE = namespace('stock_availability')
# How long a ticket waits for its turn, and how long a lost one lives
WAIT_TIMEOUT = '30s'
IDLE_TIMEOUT = '120s'

_local = threading.local()


class AvailabilityLockError(TransactionError):
    "Restart the transaction once the tickets of the rows are held"

    def __init__(self, database_name, keys, records=None):
        super().__init__()
        self._database_name = database_name
        self._keys = sorted(set(keys))
        # Rows trytond locks with NOWAIT when the transaction restarts
        self._records = records or {}

    def fix(self, extras):
        super().fix(extras)
        for table, ids in self._records.items():
            extras.setdefault('_lock_records', {}).setdefault(
                table, []).extend(ids)
        acquire(self._database_name, self._keys)


def _held():
    if not hasattr(_local, 'tickets'):
        # (database name, connection, set of (namespace, id))
        _local.tickets = None
    return _local.tickets


def held_keys(database_name):
    tickets = _held()
    if tickets and tickets[0] == database_name:
        return tickets[2]
    return set()


def acquire(database_name, keys):
    "Wait, in order, for the tickets of keys; release the ones held before"
    wanted = set(keys) | held_keys(database_name)
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
        for key in sorted(wanted):
            cursor.execute('SELECT pg_advisory_xact_lock(%s, %s)', key)
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


def try_acquire(database_name, keys):
    "Take the missing tickets of keys without waiting; return if all taken"
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
    for key in sorted(set(keys) - owned):
        cursor.execute('SELECT pg_try_advisory_xact_lock(%s, %s)', key)
        taken, = cursor.fetchone()
        if not taken:
            return False
        owned.add(key)
    return True


def _release_at_exit(transaction):
    if not getattr(transaction, '_availability_release', False):
        transaction._availability_release = True
        transaction.atexit(release)


def lock(table, ids):
    """Hold the tickets and the row locks of ids in this transaction

    Raises AvailabilityLockError when the transaction must restart first.
    table is a python-sql Table of the rows.
    """
    ids = set(ids)
    transaction = Transaction()
    if not ids or backend.name != 'postgresql':
        return
    # Rows locked earlier in the transaction stay locked until its end.
    locked = transaction._locked_records[table._name]
    ids -= locked
    if not ids:
        return
    database_name = transaction.database.name
    keys = {(NAMESPACE, i) for i in ids}
    if (keys - held_keys(database_name)
            and not try_acquire(database_name, keys)):
        raise AvailabilityLockError(
            database_name, keys | held_keys(database_name))
    _release_at_exit(transaction)
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
        raise AvailabilityLockError(
            database_name, keys | held_keys(database_name))
    cursor.execute('RELEASE SAVEPOINT stock_availability_lock')
    locked.update(ids)


def hold(queued=None, records=None):
    """Hold the row locks that trytond's ModelSQL.lock takes, without its
    restart when the rows are free

    queued maps a table name to the ids of rows many transactions want
    (they wait in line on their tickets); records maps a table name to the
    ids of rows seldom contended.  The rows are locked with NOWAIT now, or
    the transaction restarts once for all of them, in line for the queued
    ones.  Then ModelSQL.lock of these rows passes.
    """
    transaction = Transaction()
    if backend.name != 'postgresql':
        return
    database_name = transaction.database.name
    queued = {t: set(i) for t, i in (queued or {}).items() if i}
    records = {t: set(i) for t, i in (records or {}).items() if i}
    keys = {(namespace(t), i) for t, ids in queued.items() for i in ids}
    missing = {}
    for table, ids in list(queued.items()) + list(records.items()):
        if table in transaction._locked_tables:
            continue
        ids = ids - transaction._locked_records[table]
        if ids:
            missing.setdefault(table, set()).update(ids)
    missing_keys = keys - held_keys(database_name)
    if missing_keys and not try_acquire(database_name, keys):
        raise AvailabilityLockError(
            database_name, keys | held_keys(database_name), missing)
    if keys:
        _release_at_exit(transaction)
    if missing:
        # A row changed by a transaction committed since the snapshot
        # began cannot be locked: restart, in line
        cursor = transaction.connection.cursor()
        cursor.execute('SAVEPOINT stock_availability_hold')
        try:
            for table, ids in sorted(missing.items()):
                transaction.database.lock_records(
                    transaction.connection, table, sorted(ids))
        except backend.DatabaseOperationalError:
            cursor.execute('ROLLBACK TO SAVEPOINT stock_availability_hold')
            raise AvailabilityLockError(
                database_name, keys | held_keys(database_name), missing)
        cursor.execute('RELEASE SAVEPOINT stock_availability_hold')
        for table, ids in missing.items():
            transaction._locked_records[table].update(ids)
