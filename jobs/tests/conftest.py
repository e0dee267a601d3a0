import pytest

from .fake_api import FakeAPI


@pytest.fixture
def fake_api(settings):
    """Both job APIs pointed at a local server, with retries fast enough for tests."""
    api = FakeAPI().start()
    settings.USAJOBS_BASE_URL = f"{api.url}/api/Search"
    settings.USAJOBS_API_KEY = "usajobs-test-key"
    settings.USAJOBS_EMAIL = "jobs@badges.example.org"
    settings.ADZUNA_BASE_URL = f"{api.url}/v1/api/jobs"
    settings.ADZUNA_APP_ID = "adzuna-id"
    settings.ADZUNA_APP_KEY = "adzuna-key"
    settings.ADZUNA_COUNTRY = "us"
    settings.JOBS_HTTP_TIMEOUT = 0.3
    settings.JOBS_HTTP_ATTEMPTS = 3
    settings.JOBS_HTTP_BACKOFF = 0.001
    settings.JOBS_HTTP_MAX_WAIT = 0.01
    settings.JOBS_RESULTS_PER_PAGE = 2
    settings.JOBS_MAX_PAGES = 5
    yield api
    api.stop()
