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


def test_a_worker_per_queue_group_takes_its_queues_from_the_instance_name():
    # badgeportal-worker@emails consumes `emails`; the instance name of the other group escapes its commas.
    [unit] = [unit for unit in UNITS if unit.name == "badgeportal-worker@.service"]

    assert " -Q %I" in service(unit)["Service"]["ExecStart"]


def test_the_web_servers_workers_add_up_their_metrics_in_a_directory_emptied_at_each_start():
    [unit] = [unit for unit in UNITS if unit.name == "badgeportal-web.service"]
    parsed = service(unit)["Service"]

    assert parsed["Environment"] == f"PROMETHEUS_MULTIPROC_DIR=/run/{parsed['RuntimeDirectory']}"


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_systemd_restarts_the_process_whatever_ended_it_and_never_gives_up(unit):
    parsed = service(unit)

    assert parsed["Service"]["Restart"] == "always"
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0"
