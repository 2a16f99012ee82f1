# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

RESULTS = [
    ('matched', "Matched"),
    ('created', "New Unit"),
    ('not_found', "Not Found"),
    ('invalid', "Invalid"),
    ('rejected', "Rejected"),
    ]


class Scan(ModelSQL, ModelView):
    "A code scanned or typed into a scan wizard, stored before use"
    __name__ = 'stock.lot.scan'

    company = fields.Many2One('company.company', "Company", readonly=True)
    code = fields.Char("Code", readonly=True, strip=False)
    user = fields.Many2One('res.user', "User", readonly=True)
    warehouse = fields.Many2One('stock.location', "Branch", readonly=True)
    wizard = fields.Char("Wizard", readonly=True)
    result = fields.Selection(RESULTS, "Result", readonly=True, sort=False)
    lot = fields.Many2One('stock.lot', "Unit", readonly=True)
    message = fields.Char("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.code, Index.Equality())),
                Index(t, (t.lot, Index.Range())),
                })

    @classmethod
    def check_modification(cls, mode, scans, values=None, external=False):
        super().check_modification(
            mode, scans, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext('stock_lot_serial.msg_scan_append_only'))

    @classmethod
    def record(cls, wizard, entries, own_transaction=True):
        """Store scans before they are used.

        On PostgreSQL they are committed in their own transaction, so that
        a rejected input is logged although its transaction rolls back,
        unless they refer to a record this transaction created (the other
        transaction cannot see it).  SQLite has one writer at a time, so
        there they share the transaction.  entries is a list of (code,
        result, lot id or None, message).
        Scans of work done in this transaction pass own_transaction=False:
        they are kept with it, and its locks on their units would make
        another transaction wait for ever.
        """
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        user = User(transaction.user)
        context = transaction.context
        company = context.get('company')
        warehouse = context.get('warehouse') or (
            user.warehouse.id if getattr(user, 'warehouse', None) else None)
        values = [{
                'company': company,
                'code': code,
                'user': transaction.user,
                'warehouse': warehouse,
                'wizard': wizard,
                'result': result,
                'lot': lot,
                'message': message,
                } for code, result, lot, message in entries]
        if not values:
            return
        created = transaction.create_records
        references = [
            ('company.company', company), ('stock.location', warehouse),
            ('res.user', transaction.user),
            ] + [('stock.lot', lot) for _, _, lot, _ in entries]
        # Nobody may create scans but this method: the log is the system's.
        if (not own_transaction or backend.name == 'sqlite' or any(
                    id_ in created[model]
                    for model, id_ in references if id_)):
            with without_check_access():
                cls.create(values)
            return
        with transaction.new_transaction() as new, without_check_access():
            pool.get('stock.lot.scan').create(values)
            new.commit()
