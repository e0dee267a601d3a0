"""Verification under the production server: gunicorn with two sync workers, as the README runs it.

Verifying used to fetch our own published data over HTTP from inside the request. Two verifies at once
held both workers, each waiting for a worker to answer its own fetch: both timed out and reported a valid
badge as unverifiable, and every other request waited behind them.
"""

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from badges.tests.factories import AcceptedAwardFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gunicorn_site(settings, web_processes):
    # DEBUG serves the page's static files without `collectstatic`; the cache is each worker's own.
    server = web_processes(REDIS_URL="")
    settings.SITE_URL = server.url
    return server.url


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
