# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import BranchAccessError


def foreign_locations(location_ids):
    """Return {location id: branch id} of the locations at a branch that is
    not the user's, when access is checked"""
    pool = Pool()
    User = pool.get('res.user')
    Location = pool.get('stock.location')
    if not Transaction().check_access or User.works_in_all_branches():
        return {}
    ids = [i for i in location_ids if isinstance(i, int) and i >= 0]
    branches = set(User.get_branches())
    return {l: b for l, b in Location.branch_ids(ids).items()
        if b is not None and b not in branches}


def check_quantity_locations(location_ids):
    """Refuse quantities asked at another branch, the location named

    Not for the company-wide quantities the system computes itself (the
    average cost of a move): a private context key, which no client can
    send, marks them."""
    pool = Pool()
    Location = pool.get('stock.location')
    if Transaction().context.get('_stock_company_wide'):
        return
    foreign = foreign_locations(location_ids or [])
    if foreign:
        location_id, branch_id = sorted(foreign.items())[0]
        raise BranchAccessError(gettext(
                'stock_branch.msg_branch_not_allowed',
                record=Location(location_id).rec_name,
                branch=Location(branch_id).rec_name))


QUANTITY_FIELDS = {'quantity', 'forecast_quantity', 'cost_value'}


def domain_fields(domain):
    "The first names of the fields a domain filters on"
    if isinstance(domain, (list, tuple)):
        if domain and isinstance(domain[0], str) and len(domain) >= 3 \
                and domain[0] not in {'AND', 'OR'}:
            yield domain[0].split('.')[0]
        else:
            for clause in domain:
                yield from domain_fields(clause)


# Function field getters run without access check, so the context is
# checked where the client calls: read and search.
class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @classmethod
    def read(cls, ids, fields_names):
        if QUANTITY_FIELDS & {f.split('.')[0] for f in fields_names}:
            check_quantity_locations(cls._quantity_locations())
        return super().read(ids, fields_names)

    @classmethod
    def search(cls, domain, *args, **kwargs):
        if QUANTITY_FIELDS & set(domain_fields(domain)):
            check_quantity_locations(cls._quantity_locations())
        return super().search(domain, *args, **kwargs)


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    @classmethod
    def read(cls, ids, fields_names):
        rows = super().read(ids, fields_names)
        # Another branch's places are listed, their stock is not shown
        names = QUANTITY_FIELDS & set(fields_names)
        if names:
            foreign = foreign_locations([r['id'] for r in rows])
            for row in rows:
                if row['id'] in foreign:
                    row.update(dict.fromkeys(names))
        return rows


class ProductQuantitiesByWarehouseMixin:
    __slots__ = ()

    @classmethod
    def table_query(cls):
        check_quantity_locations([Transaction().context.get('warehouse')])
        return super().table_query()


class ProductQuantitiesByWarehouse(
        ProductQuantitiesByWarehouseMixin, metaclass=PoolMeta):
    __name__ = 'stock.product_quantities_warehouse'


class ProductQuantitiesByWarehouseMove(
        ProductQuantitiesByWarehouseMixin, metaclass=PoolMeta):
    __name__ = 'stock.product_quantities_warehouse.move'
