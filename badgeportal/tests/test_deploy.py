"""The systemd units in deploy/systemd keep every process of the site running."""

import configparser
from pathlib import Path

import pytest
from django.conf import settings

UNITS = sorted((Path(settings.BASE_DIR) / "deploy" / "systemd").glob("*.service"))


def service(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(unit)
    return parser


def test_the_web_server_the_worker_and_the_beat_each_have_a_unit():
    commands = [service(unit)["Service"]["ExecStart"] for unit in UNITS]

    assert any("gunicorn badgeportal.wsgi" in command for command in commands)
    assert any("celery -A badgeportal worker" in command for command in commands)
    assert any("celery -A badgeportal beat" in command for command in commands)


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_systemd_restarts_the_process_whatever_ended_it_and_never_gives_up(unit):
    parsed = service(unit)

    assert parsed["Service"]["Restart"] == "always"
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0"
