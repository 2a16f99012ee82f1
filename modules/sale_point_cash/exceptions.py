# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
import threading

from trytond.exceptions import UserError
from trytond.transaction import TransactionError


class CashSessionError(UserError):
    pass


class CashSessionClosedError(CashSessionError):
    pass


class CashCountError(CashSessionError):
    pass


class PostSalesOneByOne(TransactionError):
    """Restart the close, which then posts its sales one by one to name
    the sale whose post is refused"""
    _restarted = threading.local()

    def fix(self, extras):
        super().fix(extras)
        self._restarted.one_by_one = True

    @classmethod
    def restarted(cls):
        "Whether this thread restarts for it; asked once per restart"
        restarted = getattr(cls._restarted, 'one_by_one', False)
        cls._restarted.one_by_one = False
        return restarted
