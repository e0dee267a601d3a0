"""Both API adapters against a local server that plays the API, including its bad days."""

import pytest

from badges.tests.factories import CertificationFactory
from jobs.providers.adzuna import AdzunaProvider
from jobs.providers.base import ProviderError
from jobs.providers.usajobs import USAJobsProvider

from .payloads import adzuna_item, adzuna_page, usajobs_item, usajobs_page

pytestmark = pytest.mark.django_db


class USAJobs:
    provider = USAJobsProvider

    @staticmethod
    def page(numbers, *, pages=2):
        return usajobs_page([usajobs_item(n) for n in numbers], pages=pages)

    @staticmethod
    def malformed_page():
        broken = usajobs_item(3)
        del broken["MatchedObjectDescriptor"]
        return usajobs_page([usajobs_item(1), broken], pages=1)

    @staticmethod
    def page_number(request):
        return request.query["Page"]


class Adzuna:
    provider = AdzunaProvider

    @staticmethod
    def page(numbers, *, pages=2):
        return adzuna_page([adzuna_item(n) for n in numbers], count=pages * 2)

    @staticmethod
    def malformed_page():
        return adzuna_page([adzuna_item(1), {"title": "no id"}], count=2)

    @staticmethod
    def page_number(request):
        return request.path.rsplit("/", 1)[1]


APIS = [pytest.param(USAJobs, id="usajobs"), pytest.param(Adzuna, id="adzuna")]


def _fetch(api):
    return api.provider().fetch(CertificationFactory(name="Microsoft Certified: Azure Security Engineer Associate"), [])


@pytest.mark.parametrize("api", APIS)
def test_it_reads_every_page(fake_api, api):
    fake_api.add(api.page([1, 2]))
    fake_api.add(api.page([3, 4]))

    result = _fetch(api)

    assert [p.external_id for p in result.postings] == ["1", "2", "3", "4"]
    assert [api.page_number(r) for r in fake_api.requests] == ["1", "2"]


def test_usajobs_sends_its_key_the_requester_and_the_keyword(fake_api):
    fake_api.add(USAJobs.page([1], pages=1))

    _fetch(USAJobs)

    request = fake_api.requests[0]
    assert request.path == "/api/Search"
    assert request.headers["Authorization-Key"] == "usajobs-test-key"
    assert request.headers["User-Agent"] == "jobs@badges.example.org"
    assert request.query == {"Keyword": "Azure Security Engineer", "Page": "1", "ResultsPerPage": "2"}


def test_adzuna_sends_its_app_credentials_and_the_keyword(fake_api):
    fake_api.add(Adzuna.page([1], pages=1))

    _fetch(Adzuna)

    request = fake_api.requests[0]
    assert request.path == "/v1/api/jobs/us/search/1"
    assert request.query == {
        "app_id": "adzuna-id",
        "app_key": "adzuna-key",
        "what": "Azure Security Engineer",
        "results_per_page": "2",
    }


@pytest.mark.parametrize("api", APIS)
def test_it_waits_and_retries_after_429(fake_api, api):
    fake_api.add({"error": "slow down"}, status=429, headers={"Retry-After": "0"})
    fake_api.add(api.page([1], pages=1))

    result = _fetch(api)

    assert [p.external_id for p in result.postings] == ["1"]
    assert len(fake_api.requests) == 2


@pytest.mark.parametrize("api", APIS)
def test_it_retries_after_a_server_error(fake_api, api):
    fake_api.add({"error": "boom"}, status=500)
    fake_api.add(api.page([1], pages=1))

    result = _fetch(api)

    assert [p.external_id for p in result.postings] == ["1"]


@pytest.mark.parametrize("api", APIS)
def test_it_retries_after_a_timeout(fake_api, api):
    fake_api.add(api.page([9], pages=1), delay=1.0)
    fake_api.add(api.page([1], pages=1))

    result = _fetch(api)

    assert [p.external_id for p in result.postings] == ["1"]


@pytest.mark.parametrize("api", APIS)
def test_it_keeps_good_records_and_counts_a_malformed_one(fake_api, api):
    fake_api.add(api.malformed_page())

    result = _fetch(api)

    assert [p.external_id for p in result.postings] == ["1"]
    assert len(result.errors) == 1


@pytest.mark.parametrize("api", APIS)
def test_it_gives_up_after_the_last_attempt(fake_api, api):
    for _ in range(3):
        fake_api.add({"error": "boom"}, status=503)

    with pytest.raises(ProviderError, match="HTTP 503"):
        _fetch(api)
    assert len(fake_api.requests) == 3


@pytest.mark.parametrize("api", APIS)
def test_a_failure_on_a_later_page_fails_the_whole_fetch(fake_api, api):
    fake_api.add(api.page([1, 2]))
    for _ in range(3):
        fake_api.add({"error": "boom"}, status=500)

    with pytest.raises(ProviderError):
        _fetch(api)


@pytest.mark.parametrize("api", APIS)
def test_a_client_error_is_not_retried(fake_api, api):
    fake_api.add({"error": "bad key"}, status=401)

    with pytest.raises(ProviderError, match="HTTP 401"):
        _fetch(api)
    assert len(fake_api.requests) == 1


@pytest.mark.parametrize("api", APIS)
def test_an_answer_that_is_not_json_fails_the_fetch(fake_api, api):
    fake_api.add(b"<html>maintenance</html>")

    with pytest.raises(ProviderError):
        _fetch(api)


@pytest.mark.parametrize("api", APIS)
def test_it_is_configured_only_with_its_keys(settings, api):
    settings.USAJOBS_API_KEY = settings.ADZUNA_APP_KEY = ""

    assert api.provider.is_configured() is False
