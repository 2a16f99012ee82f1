# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import Pool, PoolMeta

# The client's own records (views' state, sessions, favourites) and the
# users' are not the shop's: core guards them for everyone
HOUSEKEEPING = ('ir.', 'res.')


class ModelAccess(metaclass=PoolMeta):
    __name__ = 'ir.model.access'

    @classmethod
    def get_access(cls, models):
        access = super().get_access(models)
        if not cls._auditor_only():
            return access
        # A model without access records is open to all; the auditor
        # writes nothing, core models included
        return {
            model: dict(perms, write=False, create=False, delete=False)
            if not model.startswith(HOUSEKEEPING) else perms
            for model, perms in access.items()}

    @classmethod
    def _auditor_only(cls):
        "Whether the user holds the auditor role's groups and no other"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        groups = set(User.get_groups())
        auditor = ModelData.get_id('device_retail', 'group_auditor')
        return auditor in groups and groups <= {
            auditor, ModelData.get_id('stock_branch', 'group_branch_all')}
