"""Verification under the production server: gunicorn with two sync workers, as the README runs it.

Verifying used to fetch our own published data over HTTP from inside the request. Two verifies at once
held both workers, each waiting for a worker to answer its own fetch: both timed out and reported a valid
badge as unverifiable, and every other request waited behind them.
"""

import os
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from badges.tests.factories import AcceptedAwardFactory
from bench.gunicorn_server import start_server
from conftest import require_service

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url():
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def gunicorn_site(settings):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: gunicorn's workers read the test's rows (set DATABASE_URL=postgres://...)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # DEBUG serves the page's static files without `collectstatic`; the cache is each worker's own.
    env = {**os.environ, "DATABASE_URL": _database_url(), "SITE_URL": url, "DEBUG": "True", "REDIS_URL": ""}
    server = start_server(port, env)
    settings.SITE_URL = url
    yield url
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a worker stuck past gunicorn's graceful stop on a loaded machine
        server.kill()
        server.wait()


def _timed_get(url):
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read().decode()
    return time.monotonic() - started, body


def test_two_concurrent_verifies_finish_fast_and_say_verified(gunicorn_site):
    awards = [AcceptedAwardFactory(), AcceptedAwardFactory()]
    urls = [gunicorn_site + reverse("award_verify", args=[award.public_id]) for award in awards]

    with ThreadPoolExecutor(3) as pool:
        verifies = [pool.submit(_timed_get, url) for url in urls]
        health = pool.submit(_timed_get, gunicorn_site + reverse("healthz"))
        results = [future.result() for future in verifies]
        health_seconds, _ = health.result()

    for seconds, body in results:
        assert ">Verified</h2>" in body
        # Calling our own server used to hold both workers for the 5 s fetch timeout; the bound leaves room
        # for a loaded machine and still tells the two apart.
        assert seconds < 4.5, f"a verify took {seconds:.1f} s"
    assert health_seconds < 4.5, f"/healthz waited {health_seconds:.1f} s"
