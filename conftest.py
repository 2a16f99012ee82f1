# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Let pytest run Tryton module tests as Tryton runs them.

Suite modules live in modules/<name> but are installed as
trytond.modules.<name>.  pytest would import their tests a second time as
<name>.tests.*, so classes, exceptions and the Pool would not be the ones
trytond registered.  Test files below modules/ are therefore imported by
their installed name, and a module's load_tests() (the scenario doctests)
is expanded into one pytest item per test.
"""
import importlib
import pathlib
import traceback
import unittest

import pytest

MODULES = pathlib.Path(__file__).resolve().parent / 'modules'


def _installed_name(path):
    relative = path.resolve().relative_to(MODULES).with_suffix('')
    return '.'.join(('trytond', 'modules') + relative.parts)


def _flatten(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _flatten(test)
        else:
            yield test


class TrytonModule(pytest.Module):

    def _getobj(self):
        return importlib.import_module(_installed_name(self.path))

    def collect(self):
        load_tests = getattr(self.obj, 'load_tests', None)
        if load_tests is None:
            yield from super().collect()
            return
        suite = load_tests(
            unittest.defaultTestLoader, unittest.TestSuite(), None)
        for test in _flatten(suite):
            name = test.id().rsplit('/', 1)[-1]
            if isinstance(test, unittest.FunctionTestCase) or '.rst' in name:
                name = str(test).rsplit('/', 1)[-1]
            yield SuiteItem.from_parent(self, name=name, test=test)


class SuiteItem(pytest.Item):
    "A unittest test that only a load_tests() hook knows about"

    def __init__(self, *, test, **kwargs):
        super().__init__(**kwargs)
        self.test = test

    def runtest(self):
        result = unittest.TestResult()
        self.test(result)
        problems = result.errors + result.failures
        if problems:
            raise SuiteFailure('\n'.join(text for _, text in problems))
        if result.skipped:
            pytest.skip(result.skipped[0][1])

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, SuiteFailure):
            return str(excinfo.value)
        return ''.join(traceback.format_exception(excinfo.value))

    def reportinfo(self):
        return self.path, None, self.name


class SuiteFailure(Exception):
    pass


def pytest_pycollect_makemodule(module_path, parent):
    try:
        module_path.resolve().relative_to(MODULES)
    except ValueError:
        return None
    return TrytonModule.from_parent(parent, path=module_path)


# Module installs dominate the run time (stock alone takes half a minute on
# SQLite, more on PostgreSQL), and trytond caches each module set from
# scratch.  The run's cache therefore starts a set from the largest set it
# already holds that the new one includes, and activates only the rest, as
# an administrator activates a module on a live database; a scenario's
# setup (company, chart) starts from the bare set's cache.  Tests run from
# the smallest module set to the largest so that each set finds its base.

_cached_sets = {}
_cached_setups = set()


def _closure(modules):
    from trytond.modules import get_module_info
    closure, todo = {'ir', 'res'}, list(modules)
    while todo:
        module = todo.pop()
        if module not in closure:
            closure.add(module)
            todo.extend(get_module_info(module).get('depends', []))
    return frozenset(closure)


def _suite_modules():
    return {p.name for p in MODULES.iterdir() if (p / 'tryton.cfg').exists()}


def _activate_module(modules, lang='en'):
    from trytond.tests import test_tryton
    if isinstance(modules, str):
        modules = [modules]
    name = '-'.join(modules)
    target = _closure(modules)
    if (lang == 'en' and name not in _cached_sets
            and not test_tryton.db_exist(test_tryton.DB_NAME)):
        # A set named otherwise with the same closure is the same database
        bases = [b for b, s in _cached_sets.items() if s <= target]
        base = max(bases, key=lambda b: len(_cached_sets[b]), default=None)
        # Tryton's own modules first, cached apart: suite modules that
        # share them start from there.
        core = sorted(target - _suite_modules() - {'ir', 'res'})
        if (core and len(core) + 2 < len(target)
                and (base is None or not target - _cached_sets[base]
                    <= _suite_modules())):
            _activate_module(core)
        elif base:
            test_tryton.restore_db_cache(base)
    _original_activate_module(modules, lang=lang)
    if lang == 'en':
        _cached_sets.setdefault(name, target)


def _activate_modules(modules, *setup):
    from trytond.tests import test_tryton, tools
    if isinstance(modules, str):
        modules = [modules]
    modules = sorted(modules)
    name = '-'.join(modules)
    if setup:
        name += '--' + '|'.join(tools._func_name(f) for f in setup)
    if name in _cached_sets or name in _cached_setups:
        return _original_activate_modules(modules, *setup)
    test_tryton.drop_db()
    _activate_module(modules)
    config = tools._get_config()
    for func in setup:
        func(config=config)
    if setup:
        test_tryton.backup_db_cache(name)
        _cached_setups.add(name)
    return config


def _db_cache_file(path, name):
    "Template databases of this run, named after its database"
    import hashlib

    from trytond.tests import test_tryton
    digest = hashlib.shake_128(name.encode('utf8')).hexdigest(8)
    return f'{test_tryton.DB_CACHE}/{test_tryton.DB_NAME}-{digest}'


# Catalogs whose statistics plan trytond's information_schema queries
CATALOGS = ['pg_attrdef', 'pg_attribute', 'pg_class', 'pg_constraint',
    'pg_depend', 'pg_index', 'pg_namespace', 'pg_type']


def _analyze_catalogs_while_activating():
    """Keep PostgreSQL's statistics of the catalogs current while modules
    activate.

    trytond reads a table's columns and foreign keys from
    information_schema before it changes them.  A new database keeps the
    statistics of the empty template it came from, which has few columns
    and no foreign keys: PostgreSQL then plans those reads as nested loops
    over the whole catalog, 0.4 s each once a few hundred tables exist,
    against 10 ms with current statistics.  ANALYZE runs inside the
    activation's transaction, so it counts the tables that transaction
    creates; template databases keep the statistics for the sets built on
    them.
    """
    import itertools

    from trytond.backend.postgresql.table import TableHandler
    from trytond.transaction import Transaction
    reads = itertools.count()

    def analyzed(name):
        read = getattr(TableHandler, name).fget
        cached = f'_TableHandler__{name.lstrip("_")}'

        def fget(self):
            if getattr(self, cached) is None and not next(reads) % 100:
                Transaction().connection.cursor().execute('ANALYZE '
                    + ', '.join(f'pg_catalog.{c}' for c in CATALOGS))
            return read(self)
        return property(fget)
    for name in ['_columns', '_constraints', '_fk_deltypes']:
        setattr(TableHandler, name, analyzed(name))


def _patch_activation():
    global _original_activate_module, _original_activate_modules
    from trytond import backend
    from trytond.tests import test_tryton, tools
    # On PostgreSQL, a cache of template databases restores in a second
    # where pg_restore takes several; scripts/test drops them after the run.
    if (test_tryton.DB_CACHE or '').startswith('postgresql://'):
        test_tryton._db_cache_file = _db_cache_file
    if backend.name == 'postgresql':
        _analyze_catalogs_while_activating()
    _original_activate_module = test_tryton.activate_module
    _original_activate_modules = tools.activate_modules
    test_tryton.activate_module = _activate_module
    tools.activate_modules = _activate_modules


def pytest_configure(config):
    _patch_activation()


def _item_module(item):
    try:
        relative = item.path.resolve().relative_to(MODULES)
    except ValueError:
        return None
    return relative.parts[0]


def pytest_collection_modifyitems(session, config, items):
    sizes = {}

    def size(item):
        module = _item_module(item)
        if module is None:
            return float('inf')
        if module not in sizes:
            sizes[module] = len(_closure([module]))
        return sizes[module]
    items.sort(key=size)
