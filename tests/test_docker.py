# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""docker/ and config/: checked without a Docker engine.

The compose file parses, everything it and the Dockerfile reference exists,
the commands it runs are installed, and every configuration file loads in
trytond with only options trytond knows.
"""
import configparser
import importlib.util
import logging
import logging.config
import re
import shutil
from pathlib import Path

import pytest
import yaml
from shop import BIN, ROOT

DOCKER = ROOT / 'docker'
CONFIGS = sorted((ROOT / 'config').glob('trytond*.conf'))


@pytest.fixture(scope='module')
def compose():
    with open(DOCKER / 'compose.yml') as file:
        return yaml.safe_load(file)


def test_compose_services(compose):
    services = compose['services']
    assert {'postgres', 'trytond', 'cron', 'worker'} <= set(services)
    assert services['postgres']['image'].startswith('postgres:')
    assert services['cron']['command'][0] == 'trytond-cron'
    assert services['worker']['command'][0] == 'trytond-worker'
    assert services['admin']['command'][0] == 'trytond-admin'
    assert '8000:8000' in services['trytond']['ports']


def test_compose_references_exist(compose):
    for name, service in compose['services'].items():
        build = service.get('build')
        if build:
            context = (DOCKER / build['context']).resolve()
            assert context.is_dir(), name
            assert (context / build['dockerfile']).is_file(), name
        for volume in service.get('volumes', []):
            source = volume.split(':', 1)[0]
            if source.startswith('.'):
                assert (DOCKER / source).resolve().exists(), (name, source)
            else:
                assert source in compose['volumes'], (name, source)


def test_compose_commands_are_installed(compose):
    for name, service in compose['services'].items():
        command = service.get('command')
        if command and command[0].startswith('trytond'):
            assert (BIN / command[0]).exists() or shutil.which(command[0]), (
                name, command[0])


def test_dockerfile_copies_exist():
    dockerfile = (DOCKER / 'Dockerfile').read_text()
    copies = re.findall(r'^COPY\s+(.+)$', dockerfile, re.MULTILINE)
    assert copies
    for copy in copies:
        *sources, _ = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source
    command = re.search(r'^CMD \[(.*)\]$', dockerfile, re.MULTILINE)
    module = re.search(r'"([\w.]+):app"', command.group(1)).group(1)
    assert importlib.util.find_spec(module), module


def test_gunicorn_configuration_compiles():
    source = (DOCKER / 'gunicorn.conf.py').read_text()
    namespace = {}
    exec(compile(source, 'gunicorn.conf.py', 'exec'), namespace)
    assert namespace['bind'] == '0.0.0.0:8000'
    assert namespace['workers'] >= 2


@pytest.mark.parametrize('path', CONFIGS, ids=[p.name for p in CONFIGS])
def test_configuration_loads_in_trytond(path):
    from trytond.config import TrytonConfigParser
    parser = TrytonConfigParser()
    known = {(s, o) for s in parser.sections() for o in parser.options(s)}
    assert parser.update_etc(str(path)) == [str(path)]
    raw = configparser.ConfigParser(interpolation=None)
    raw.read(path)
    for section in raw.sections():
        for option in raw.options(section):
            assert (section, option) in known, (
                f"{path.name}: [{section}] {option} is not a trytond option")
    if raw.has_option('database', 'uri'):
        uri = parser.get('database', 'uri')
        assert uri.startswith(('sqlite://', 'postgresql://')), uri


def test_every_configuration_is_tested():
    "config/ holds trytond's configurations and the demo's logging one"
    assert sorted((ROOT / 'config').glob('*.conf')) == sorted(
        CONFIGS + [ROOT / 'config' / 'logging-quiet.conf'])


def test_quiet_logging_configuration():
    "The demo server's log: errors only, no request log of werkzeug"
    root, werkzeug = logging.getLogger(), logging.getLogger('werkzeug')
    saved = [(l, l.level, list(l.handlers)) for l in [root, werkzeug]]
    try:
        logging.config.fileConfig(
            ROOT / 'config' / 'logging-quiet.conf',
            disable_existing_loggers=False)
        assert root.level == werkzeug.level == logging.ERROR
        assert not werkzeug.isEnabledFor(logging.INFO)
    finally:
        for logger, level, handlers in saved:
            logger.setLevel(level)
            logger.handlers[:] = handlers


def test_docker_configuration_is_the_postgresql_one(compose):
    mounted = [v for v in compose['x-trytond']['volumes']
        if v.endswith(':/etc/trytond.conf:ro')]
    assert mounted == [
        '../config/trytond-postgresql.conf:/etc/trytond.conf:ro']
    assert Path(ROOT / 'config' / 'trytond-postgresql.conf').exists()
