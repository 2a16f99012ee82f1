# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from .model import BranchOwnedMixin, access_paths


class BranchRule:
    "The branch scope of a model, where core expects a rule group"
    __slots__ = ('model',)

    def __init__(self, model):
        self.model = model

    def __eq__(self, other):
        return isinstance(other, BranchRule) and other.model == self.model

    def __hash__(self):
        return hash((BranchRule, self.model))

    @property
    def name(self):
        pool = Pool()
        IrModel = pool.get('ir.model')
        return gettext('stock_branch.msg_branch_rule',
            model=IrModel.get_name(self.model))


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "branches" as list of ids of the warehouses of the current '
            'user')

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, User.get_branches())

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        # From the database, never from the client's context
        context['branches'] = list(User.get_branches())
        return context

    @classmethod
    def get(cls, model_name, mode='read'):
        pool = Pool()
        User = pool.get('res.user')
        clause, clause_global = super().get(model_name, mode=mode)
        # Global: no other rule of the user's groups can widen it
        if not User.works_in_all_branches():
            branches = User.get_branches()
            for Owner, path in access_paths(pool.get(model_name)):
                if not issubclass(Owner, BranchOwnedMixin):
                    continue
                domain = Owner.branch_domain(branches)
                if path:
                    domain = (path, 'where', domain)
                clause_global[BranchRule(Owner.__name__)] = domain
        return clause, clause_global


class Model(metaclass=PoolMeta):
    __name__ = 'ir.model'

    branch_scope = fields.Function(fields.Char(
            "Branch Scope",
            help="The paths to the branches its records belong to: staff "
            "see the records of their branches only.\n"
            "Paths separated by \";\" all apply, those separated by \",\" "
            "one is enough; \"(or none)\" records of no branch are "
            "everyone's."),
        'get_branch_scope')

    @classmethod
    def get_branch_scope(cls, models, name):
        pool = Pool()
        scopes = {}
        for model in models:
            try:
                Target = pool.get(model.name)
            except KeyError:
                scopes[model.id] = None
                continue
            scopes[model.id] = branch_scope(Target) or None
        return scopes


def branch_scope(Model):
    "The text of the branch scope of Model"
    groups = []
    for Owner, path in access_paths(Model):
        if not issubclass(Owner, BranchOwnedMixin):
            continue
        paths = ', '.join(
            f'{path}.{p}' if path else p for p in Owner._branch_paths)
        if Owner._branch_optional:
            paths += ' (or none)'
        groups.append(paths)
    return '; '.join(groups)
