# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Every suite module is packaged, pinned, laid out and styled alike."""
import configparser
import re
import subprocess
import sys

import pytest
from shop import ROOT

MODULES = sorted(
    p.parent.name for p in (ROOT / 'modules').glob('*/tryton.cfg'))


def read_setup():
    setup = configparser.ConfigParser(interpolation=None)
    setup.read(ROOT / 'setup.cfg')
    return setup


def lines(value):
    return [l.strip() for l in value.strip().splitlines() if l.strip()]


def module_cfg(name):
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(ROOT / 'modules' / name / 'tryton.cfg')
    return cfg


@pytest.mark.parametrize('name', MODULES)
def test_module_is_packaged(name):
    setup = read_setup()
    packages = lines(setup['options']['packages'])
    assert f'trytond.modules.{name}' in packages
    assert f'trytond.modules.{name}.tests' in packages
    package_dir = lines(setup['options']['package_dir'])
    assert f'trytond.modules.{name} = modules/{name}' in package_dir
    entry_points = lines(setup['options.entry_points']['trytond.modules'])
    assert f'{name} = trytond.modules.{name}' in entry_points


@pytest.mark.parametrize('name', MODULES)
def test_module_layout(name):
    module = ROOT / 'modules' / name
    for path in ['__init__.py', 'message.xml', 'CHANGELOG', 'doc/index.rst',
            'tests/__init__.py', 'tests/test_module.py',
            'tests/test_scenario.py']:
        assert (module / path).exists(), f"{name} lacks {path}"
    assert list((module / 'tests').glob('scenario_*.rst')), name
    cfg = module_cfg(name)
    assert cfg.has_section('register'), name
    assert re.match(r'\d+\.\d+\.\d+$', cfg['tryton']['version']), name
    for xml in lines(cfg['tryton'].get('xml', '')):
        assert (module / xml).exists(), f"{name}: {xml}"
    for view in (module / 'view').glob('*.xml'):
        assert view.read_text().count('<?xml') == 1, view


def test_umbrella_depends_on_every_suite_module():
    depends = set(lines(module_cfg('device_retail')['tryton']['depends']))
    assert set(MODULES) - {'device_retail'} <= depends


def test_tryton_pins_stay_on_8_0():
    setup = read_setup()
    requirements = lines(setup['options']['install_requires'])
    tryton = [r for r in requirements
        if r.startswith(('trytond', 'proteus'))]
    assert len(tryton) >= 20
    for requirement in tryton:
        assert re.search(r'>= 8\.0, < 8\.1$', requirement), requirement
    assert any(r.startswith('trytond[postgresql]') for r in tryton)
    from importlib.metadata import version
    assert version('trytond').startswith('8.0.')
    assert version('proteus').startswith('8.0.')


def test_flake8_clean():
    process = subprocess.run(
        [sys.executable, '-m', 'flake8', '--config', str(ROOT / 'setup.cfg'),
            'modules', 'scripts', 'tests', 'benchmarks', 'docker',
            'conftest.py'],
        cwd=ROOT, capture_output=True, text=True)
    assert process.returncode == 0, process.stdout + process.stderr
