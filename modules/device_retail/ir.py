# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

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
    def check(cls, model_name, mode='read', raise_exception=True):
        try:
            return super().check(
                model_name, mode=mode, raise_exception=raise_exception)
        except AccessError as error:
            pool = Pool()
            # A model with __access__ has its parents' rights
            todo, groups = [model_name], set()
            while todo and not groups:
                name = todo.pop(0)
                with without_check_access():
                    groups = {a.group.id for a in cls.search([
                                ('model', '=', name),
                                ('perm_' + mode, '=', True),
                                ('group', '!=', None),
                                ])}
                Model = pool.get(name)
                todo.extend(
                    Model._fields[f].model_name
                    for f in sorted(getattr(Model, '__access__', ())))
            raise _naming_roles(error, groups)

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


class ModelFieldAccess(metaclass=PoolMeta):
    __name__ = 'ir.model.field.access'

    @classmethod
    def check(cls, model_name, fields, mode='read', raise_exception=True):
        try:
            return super().check(
                model_name, fields, mode=mode,
                raise_exception=raise_exception)
        except AccessError as error:
            accesses = {
                f: a[mode]
                for f, a in cls.get_access([model_name])[model_name].items()}
            refused = [f for f in fields if not accesses.get(f, True)]
            with without_check_access():
                groups = cls.search([
                        ('model', '=', model_name),
                        ('field', 'in', refused),
                        ('perm_' + mode, '=', True),
                        ('group', '!=', None),
                        ])
            raise _naming_roles(error, {a.group.id for a in groups})


class Message(metaclass=PoolMeta):
    __name__ = 'ir.message'

    @classmethod
    def gettext(cls, *args, **variables):
        text = super().gettext(*args, **variables)
        module, message_id, language = args
        if (module, message_id) == ('ir', 'msg_access_button_error'):
            groups = cls._button_groups(
                variables.get('model'), variables.get('button'))
        elif (module, message_id) == ('ir', 'msg_access_wizard_error'):
            groups = cls._wizard_groups(variables.get('wizard'))
        else:
            return text
        roles = _roles_holding(groups)
        if roles:
            text += ' ' + super().gettext(
                'device_retail', 'msg_access_needs_roles', language,
                roles=roles)
        return text

    @classmethod
    def _button_groups(cls, model_string, button_name):
        "The groups of the button, found by the names core's message has"
        pool = Pool()
        Button = pool.get('ir.model.button')
        with without_check_access():
            buttons = Button.search([
                    ('name', '=', button_name),
                    ('model_ref.string', '=', model_string),
                    ])
            return {g.id for b in buttons for g in b.groups}

    @classmethod
    def _wizard_groups(cls, wizard_name):
        pool = Pool()
        ActionWizard = pool.get('ir.action.wizard')
        with without_check_access():
            actions = ActionWizard.search([('wiz_name', '=', wizard_name)])
            return {g.id for a in actions for g in a.action.groups}


def _roles_holding(group_ids):
    "The roles that hold one of the groups, or the groups if none does"
    pool = Pool()
    Group = pool.get('res.group')
    Role = pool.get('res.role')
    if not group_ids:
        return ''
    with without_check_access():
        # A group's children have its rights
        holders, children = set(group_ids), set(group_ids)
        while children:
            children = {g.id for g in Group.search([
                        ('parent', 'in', list(children)),
                        ])} - holders
            holders |= children
        names = sorted({
                r.name for r in Role.search([
                        ('groups', 'in', list(holders)),
                        ])})
        if not names:
            names = sorted(g.name for g in Group.browse(list(group_ids)))
    return ', '.join(names)


def _naming_roles(error, group_ids):
    "The access error, its description naming who may do it"
    roles = _roles_holding(group_ids)
    if not roles:
        return error
    description = '\n'.join(filter(None, [
                error.description,
                gettext('device_retail.msg_access_needs_roles', roles=roles),
                ]))
    return AccessError(error.message, description)
