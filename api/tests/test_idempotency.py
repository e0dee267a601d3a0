"""Idempotency-Key: the same request twice does the work once; a key reused for another body is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiKey, IdempotencyKey
from api.services import idempotency_keys_purge
from badges.models import Award
from badges.tests.factories import AwardFactory

from .conftest import issue_body

pytestmark = pytest.mark.django_db


def test_the_same_key_and_body_replays_the_first_answer(api, template):
    first = api.post("/api/v1/awards", issue_body(template), idempotency_key="exam-42")
    again = api.post("/api/v1/awards", issue_body(template), idempotency_key="exam-42")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Award.objects.count() == 1


def test_key_order_and_spacing_do_not_make_another_body(api, template):
    api.post("/api/v1/awards", raw='{"template": "azure-fundamentals", "email": "a@example.com", "name": "Ada"}',
             idempotency_key="k")  # fmt: skip
    again = api.post("/api/v1/awards", raw='{"name":"Ada","email":"a@example.com","template":"azure-fundamentals"}',
                     idempotency_key="k")  # fmt: skip

    assert again.status_code == 201
    assert Award.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(api, template):
    api.post("/api/v1/awards", issue_body(template), idempotency_key="exam-42")
    other = api.post("/api/v1/awards", issue_body(template, name="Grace Hopper"), idempotency_key="exam-42")

    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert other.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert Award.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_another_body(api, template):
    award = AwardFactory(template=template)
    api.post(f"/api/v1/awards/{award.public_id}/resend", idempotency_key="k")

    assert api.post("/api/v1/awards", issue_body(template), idempotency_key="k").status_code == 422


def test_keys_belong_to_one_api_key(make_api, template):
    mine, theirs = make_api(), make_api()
    mine.post("/api/v1/awards", issue_body(template), idempotency_key="k")

    assert theirs.post("/api/v1/awards", issue_body(template), idempotency_key="k").status_code == 201
    assert Award.objects.count() == 2


def test_a_post_without_a_key_is_refused(api, template):
    response = api.post("/api/v1/awards", issue_body(template), idempotency_key=None)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert not Award.objects.exists()


def test_an_over_long_key_is_refused(api, template):
    assert api.post("/api/v1/awards", issue_body(template), idempotency_key="k" * 256).status_code == 400


def test_a_refused_request_keeps_nothing_so_it_can_be_corrected(api, template):
    refused = api.post("/api/v1/awards", issue_body(template, email="nope"), idempotency_key="k")
    corrected = api.post("/api/v1/awards", issue_body(template), idempotency_key="k")

    assert refused.status_code == 422
    assert corrected.status_code == 201


def test_a_key_still_running_answers_409(api, template):
    # The row a request holds while it runs: no answer yet.
    fingerprint = _fingerprint_of(api, template)
    IdempotencyKey.objects.create(
        api_key=ApiKey.objects.get(), key="k", fingerprint=fingerprint, created_at=timezone.now()
    )

    response = api.post("/api/v1/awards", issue_body(template), idempotency_key="k")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"


def _fingerprint_of(api, template):
    # Run the same request once with another key and read its stored fingerprint.
    api.post("/api/v1/awards", issue_body(template), idempotency_key="probe")
    Award.objects.all().delete()
    return IdempotencyKey.objects.get(key="probe").fingerprint


def test_keys_expire_after_a_day(api, template):
    api.post("/api/v1/awards", issue_body(template), idempotency_key="k")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = api.post("/api/v1/awards", issue_body(template), idempotency_key="k")

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Award.objects.count() == 2


def test_the_purge_forgets_old_keys_only(api, template):
    api.post("/api/v1/awards", issue_body(template), idempotency_key="older")
    api.post("/api/v1/awards", issue_body(template), idempotency_key="newer")
    IdempotencyKey.objects.filter(key="older").update(created_at=timezone.now() - timedelta(hours=25))

    assert idempotency_keys_purge(hours=24) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["newer"]
