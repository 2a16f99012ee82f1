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
