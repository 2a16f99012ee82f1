# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Set-based insertion for the receipt fast path.

It does what ModelSQL.create does, but for the per-record hooks: access,
field access, values pre-processing, defaults, triggers, history and the
create record rules.  The caller has validated the values beforehand, as
a set, and the database constraints stand behind it.
"""
from sql import Cast, Column, Values
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model.exceptions import AccessButtonError
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access


def bulk_create(Model, vlist, preprocess=True, history=True, compute=True):
    """Insert vlist into Model's table and return the records, in order

    Without compute, the values carry what compute_fields would give."""
    pool = Pool()
    Trigger = pool.get('ir.trigger')
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    database = transaction.database
    if not vlist:
        return []
    if preprocess:
        vlist = Model._before_create(vlist)
    else:
        vlist = [v.copy() for v in vlist]
    names = set().union(*vlist)
    missing = [n for n, f in Model._fields.items()
        if n not in names and n not in {
            'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}
        and not hasattr(f, 'set')]
    defaults = Model._clean_defaults(
        Model.default_get(missing, with_rec_name=False))
    vlist = [{**defaults, **v} for v in vlist]
    if compute:
        for values in vlist:
            # What ModelStorage._compute_fields writes after the insert
            values.update(Model(**values).compute_fields())
    columns = sorted(n for n in set().union(*vlist)
        if not hasattr(Model._fields[n], 'set'))
    formats = [Model._fields[n].sql_format for n in columns]
    table = Model.__table__()
    user = transaction.user
    rows = [[user, CurrentTimestamp()] + [
            format_(v.get(n)) for n, format_ in zip(columns, formats)]
        for v in vlist]
    sql_columns = [table.create_uid, table.create_date] + [
        Column(table, n) for n in columns]

    ids = database.nextid(
        transaction.connection, Model._table, count=len(rows))
    if ids is not None and len(rows) == 1:
        ids = [ids]
    try:
        if ids is not None:
            for row, id_ in zip(rows, ids):
                row.append(id_)
            size = backend.MAX_QUERY_PARAMS // (len(sql_columns) + 1)
            for sub_rows in grouped_slice(rows, size):
                cursor.execute(*table.insert(
                        sql_columns + [table.id], list(sub_rows)))
        else:
            ids = []
            for row in rows:
                cursor.execute(*table.insert(sql_columns, [row]))
                ids.append(database.lastid(cursor))
    except backend.DatabaseIntegrityError as exception:
        # The message of the constraint, as ModelSQL.create gives it (a
        # concurrent insert of the same code is only seen here); the
        # failed transaction can no longer read the messages.
        with transaction.new_transaction():
            Model._ModelSQL__raise_integrity_error(
                exception, vlist[0], transaction=transaction)
        raise

    transaction.create_records[Model.__name__].extend(ids)
    if history:
        Model._insert_history(ids)
    # The create rules of ModelSQL.create, applied to the whole set.
    Model._ModelSQL__check_domain_rule(ids, 'create')
    with without_check_access():
        triggers = Trigger.get_triggers(Model.__name__, 'create')
    records = Model.browse(ids)
    for trigger in triggers:
        trigger.queue_trigger_action(records)
    return records


def bulk_update(Model, names, rows):
    """Set the columns names of Model from rows of (id, *values)

    One statement per slice, joined on a VALUES list; the caller checks
    what the ORM would (the fast path writes only derived columns)."""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    user = transaction.user
    size = backend.MAX_QUERY_PARAMS // (len(names) + 1)

    def typed(column, name):
        # PostgreSQL types a VALUES list by its content; SQLite's CAST
        # would turn a date into a number.
        if backend.name == 'sqlite':
            return column
        return Cast(column, Model._fields[name].sql_type().base)
    for sub_rows in grouped_slice(rows, size):
        values = Values([list(r) for r in sub_rows])
        columns = [Column(values, 'column%s' % i)
            for i in range(1, len(names) + 2)]
        cursor.execute(*table.update(
                [Column(table, n) for n in names]
                + [table.write_uid, table.write_date],
                [typed(c, n) for n, c in zip(names, columns[1:])]
                + [user, CurrentTimestamp()],
                from_=[values],
                where=table.id == columns[0]))
    invalidate(Model, [r[0] for r in rows])


def invalidate(Model, ids):
    "Forget the cached records of ids after writing them with SQL"
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            records = cache[Model.__name__]
            for id_ in ids:
                records.pop(id_, None)


def check_buttons_access(Model, buttons):
    """Refuse as ModelView.button would for each of the buttons of Model:
    its groups, or write access without groups"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Button = pool.get('ir.model.button')
    User = pool.get('res.user')
    transaction = Transaction()
    if not transaction.user or not transaction.check_access:
        return
    groups = set(User.get_groups())
    for button in buttons:
        button_groups = Button.get_groups(Model.__name__, button)
        if button_groups:
            if not groups & button_groups:
                raise AccessButtonError(gettext(
                        'ir.msg_access_button_error',
                        button=button, **Model.__names__()))
        else:
            ModelAccess.check(Model.__name__, 'write')
