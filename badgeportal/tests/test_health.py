"""/readyz and `manage.py check_services`: each service a node needs, checked for real."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def check_services(**env):
    """Run the command in a fresh process, configured by environment variables as production is."""
    environment = {**os.environ, "DATABASE_URL": "sqlite:///:memory:", "REDIS_URL": "", **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check_services"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_readyz_answers_json_with_every_check(client):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "migrations", "cache", "broker", "storage"}
    assert all(check == {"ok": True, "error": None} for check in body["checks"].values())


def test_readyz_turns_red_when_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"  # a directory cannot be made under a file

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["ready"] is False
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_stays_up_whatever_the_services(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "missing" / "deeper"

    assert client.get(reverse("healthz")).status_code == 200


def test_check_services_flags_unapplied_migrations(tmp_path):
    result = check_services(DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}", MEDIA_ROOT=str(tmp_path))

    assert result.returncode != 0
    assert "database    ok" in result.stdout
    assert "migrations  FAILED" in result.stdout
    assert "Not ready: migrations" in result.stderr


def test_check_services_flags_a_database_that_does_not_answer(tmp_path):
    result = check_services(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/nowhere")

    assert result.returncode != 0
    assert "database    FAILED" in result.stdout


def test_check_services_flags_redis_that_does_not_answer(tmp_path):
    result = check_services(
        REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", DATABASE_URL=f"sqlite:///{tmp_path / 'x'}"
    )

    assert result.returncode != 0
    assert "cache       FAILED" in result.stdout
    assert "broker      FAILED" in result.stdout
