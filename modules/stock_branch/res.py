# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import BranchAccessError


class UserBranch(ModelSQL):
    __name__ = 'res.user-stock.location.branch'

    user = fields.Many2One(
        'res.user', "User", ondelete='CASCADE', required=True)
    branch = fields.Many2One(
        'stock.location', "Branch", ondelete='CASCADE', required=True,
        domain=[('type', '=', 'warehouse')])

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        super().on_modification(mode, records, field_names=field_names)
        User._get_branches_cache.clear()


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    branches = fields.Many2Many(
        'res.user-stock.location.branch', 'user', 'branch', "Branches",
        domain=[('type', '=', 'warehouse')],
        help="The branches the user works in: their stock, transfers, "
        "counts and documents are the only ones the user sees.")
    _get_branches_cache = Cache(__name__ + '.get_branches', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.warehouse.domain = [
            cls.warehouse.domain,
            If(Bool(Eval('branches')),
                ('id', 'in', Eval('branches', [])),
                ()),
            ]
        cls.warehouse.string = "Current Branch"

    @classmethod
    def get_branches(cls):
        "Return the tuple of the ids of the current user's branches"
        transaction = Transaction()
        user_id = transaction.user
        branches = cls._get_branches_cache.get(user_id)
        if branches is not None:
            return branches
        if user_id:
            branches = tuple(sorted(b.id for b in cls(user_id).branches))
        else:
            branches = ()
        return cls._get_branches_cache.set(user_id, branches)

    @classmethod
    def works_in_all_branches(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        if not Transaction().user:
            return True
        group = ModelData.get_id('stock_branch', 'group_branch_all')
        return group in cls.get_groups()

    @classmethod
    def check_branch(cls, warehouse, record):
        """Refuse to use warehouse for record outside the user's branches

        Only when access is checked: the system may act for every branch."""
        if (not Transaction().check_access or warehouse is None
                or cls.works_in_all_branches()):
            return
        if warehouse.id not in cls.get_branches():
            raise BranchAccessError(gettext(
                    'stock_branch.msg_branch_not_allowed',
                    record=record.rec_name, branch=warehouse.rec_name))

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if mode != 'create':
            cls._get_branches_cache.clear()
