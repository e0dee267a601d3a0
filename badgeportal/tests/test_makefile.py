import os
import shutil
import subprocess

from django.conf import settings

from conftest import require_service


def _dry_run(*args, **env):
    if shutil.which("make") is None:
        require_service("make is not installed")
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"} | env
    result = subprocess.run(
        ["make", "-n", *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_make_run_serves_on_the_port_asked_and_links_to_it():
    commands = _dry_run("run", "PORT=8001")

    assert "SITE_URL=http://127.0.0.1:8001 .venv/bin/python manage.py load_demo" in commands
    assert "SITE_URL=http://127.0.0.1:8001 .venv/bin/python manage.py runserver 127.0.0.1:8001" in commands


def test_a_site_url_set_in_the_environment_wins():
    commands = _dry_run("run", SITE_URL="https://badges.example.org")

    assert "SITE_URL=https://badges.example.org .venv/bin/python manage.py runserver 127.0.0.1:8000" in commands
