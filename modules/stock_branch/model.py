# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .exceptions import RPCArgumentError


class BranchOwnedMixin:
    """A record that belongs to branches

    Staff see and change it only at their own branches, on every path that
    applies the record rules (read, search, export, reports, wizards,
    relational reads); ir.rule adds the scope, so no model writes its own.

    _branch_paths lead from the record to the warehouses it belongs to, one
    of them at the user's branches is enough.  With _branch_optional, a
    record none of whose paths leads to a branch is the company's and so
    every user's."""
    __slots__ = ()
    _branch_paths = ()
    _branch_optional = False

    @classmethod
    def branch_domain(cls, branches):
        "The domain of the records of branches"
        branches = list(branches)
        domain = ['OR'] + [(p, 'in', branches) for p in cls._branch_paths]
        if cls._branch_optional:
            domain.append([(p, '=', None) for p in cls._branch_paths])
        return domain


def access_paths(Model, path=None, seen=None):
    """Yield the models whose record rules apply to Model, with the path
    from Model to each (None for Model itself), through __access__"""
    pool = Pool()
    seen = set() if seen is None else seen
    if Model.__name__ in seen:
        return
    seen.add(Model.__name__)
    yield Model, path
    for name in sorted(Model.__access__):
        Target = pool.get(Model._fields[name].model_name)
        yield from access_paths(
            Target, f'{path}.{name}' if path else name, seen)


RELATIONAL = {'many2one', 'one2one', 'reference', 'one2many', 'many2many'}


class ExportRulesMixin:
    """Export reads only what read may read

    Core's export checks a record rule by evaluating its domain in Python,
    where the 'where' of a model with __access__ and a dotted path are
    always true, so it exported the lines of any branch's documents.  The
    rules are checked here in SQL, as read checks them, on every record
    whose fields the export reads."""
    __slots__ = ()

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        if Transaction().check_access:
            tree = {}
            for path in fields_names:
                node = tree
                for name in path.split('/'):
                    name = name.split('.')[0].split(':lang=')[0]
                    node = node.setdefault(name, {})
            cls._check_export_rules([r.id for r in records], tree)
        return super().export_data(records, fields_names, header=header)

    @classmethod
    def _check_export_rules(cls, ids, tree):
        pool = Pool()
        Rule = pool.get('ir.rule')
        ids = [i for i in ids if i is not None and i >= 0]
        if not ids or not tree:
            return
        Rule.check(cls.__name__, ids, 'read')
        for name, subtree in tree.items():
            field = cls._fields.get(name)
            if (not subtree or field is None
                    or field._type not in RELATIONAL):
                continue
            targets = {}
            with without_check_access():
                rows = cls.read(ids, [name])
            for row in rows:
                value = row[name]
                if field._type == 'reference':
                    if value and ',' in value:
                        model, id_ = value.split(',')
                        if id_.lstrip('-').isdigit():
                            targets.setdefault(model, []).append(int(id_))
                else:
                    values = value if isinstance(value, (list, tuple)) \
                        else [value]
                    targets.setdefault(field.model_name, []).extend(
                        v for v in values if v is not None)
            for model, target_ids in targets.items():
                Target = pool.get(model)
                if hasattr(Target, '_check_export_rules'):
                    Target._check_export_rules(
                        list(dict.fromkeys(target_ids)), subtree)


class RecordsArgumentMixin:
    """A client's write and delete name a list of saved records

    RPC turns a bare id into one record, which the checks of a write or a
    delete then iterate as if it were a list, and a negative id into a
    record none of whose fields can be read; the refusal names the model
    and the value.  It hooks check_modification, not write and delete:
    ir.model.access takes a report's own write or delete for a sign that
    it can be written."""
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        if external and mode in {'write', 'delete'}:
            cls._check_records_argument(records, mode)
            if mode == 'write' and not isinstance(values, dict):
                raise RPCArgumentError(gettext(
                        'stock_branch.msg_rpc_values_not_dict',
                        model=cls.__names__()['model'],
                        value=_shown(values)))
        super().check_modification(
            mode, records, values=values, external=external)

    @classmethod
    def _check_records_argument(cls, records, action):
        if not isinstance(records, (list, tuple)) or not all(
                isinstance(r.id, int) and r.id >= 0 for r in records):
            raise RPCArgumentError(gettext(
                    'stock_branch.msg_rpc_records_not_list',
                    action=action, model=cls.__names__()['model'],
                    value=_shown(records)))


def _shown(value, size=40):
    "A short text of a value a client sent"
    text = repr(value)
    return text if len(text) <= size else text[:size] + '...'
