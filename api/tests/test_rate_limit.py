"""Requests per key, counted in the shared cache: headers on every answer, 429 with Retry-After over the limit."""

import pytest

pytestmark = pytest.mark.django_db


def test_every_answer_carries_the_rate_limit_headers(api, settings):
    settings.API_RATE_LIMIT, settings.API_RATE_WINDOW = 5, 60

    response = api.get("/api/v1/templates")

    assert response["RateLimit-Limit"] == "5"
    assert response["RateLimit-Remaining"] == "4"
    assert 0 <= int(response["RateLimit-Reset"]) <= 60
    assert response["RateLimit-Policy"] == "5;w=60"


def test_over_the_limit_answers_429_with_retry_after(api, make_api, settings):
    settings.API_RATE_LIMIT, settings.API_RATE_WINDOW = 3, 3600
    answers = [api.get("/api/v1/templates") for _ in range(4)]

    refused = answers[-1]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused["RateLimit-Remaining"] == "0"
    # Another key has its own budget.
    assert make_api().get("/api/v1/templates").status_code == 200


def test_a_post_over_the_limit_does_nothing(api, template, settings):
    from badges.models import Award

    from .conftest import issue_body

    settings.API_RATE_LIMIT = 1
    api.get("/api/v1/templates")

    assert api.post("/api/v1/awards", issue_body(template)).status_code == 429
    assert not Award.objects.exists()
