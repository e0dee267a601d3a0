"""A batch of up to 1,000 awards through the import's bulk service: each item reported by its index."""

import pytest
from django.db import connection

from badges.models import Award
from badges.tests.factories import AwardFactory
from outbox.models import OutboxEmail
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_endpoint_create

from .conftest import issue_body

pytestmark = pytest.mark.django_db


def items(template, count):
    return [issue_body(template, email=f"earner{n}@example.com", external_id=f"C-{n}") for n in range(count)]


def test_the_valid_items_are_created_and_the_invalid_reported_by_index(api, template):
    batch = items(template, 3)
    batch[1]["email"] = "not-an-address"
    batch[2]["colour"] = "blue"

    response = api.post("/api/v1/awards/batch", {"items": batch})

    body = response.json()
    assert response.status_code == 200
    assert (body["created"], body["invalid"], body["skipped"]) == (1, 2, 0)
    assert [result["status"] for result in body["results"]] == ["created", "invalid", "invalid"]
    assert body["results"][0]["award"]["recipient_email"] == "earner0@example.com"
    assert body["results"][1]["errors"][0]["field"] == "email"
    assert body["results"][2]["errors"] == [{"field": "colour", "code": "unknown_field", "message": "Unknown field."}]
    assert list(Award.objects.values_list("external_id", flat=True)) == ["C-0"]
    assert OutboxEmail.objects.count() == 1


def test_atomic_creates_nothing_when_one_item_is_invalid(api, template):
    batch = items(template, 3)
    batch[2]["template"] = "nope"

    response = api.post("/api/v1/awards/batch", {"items": batch, "atomic": True})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "items.2.template", "code": "unknown_template",
                                          "message": "You have no badge template with this slug."}]  # fmt: skip
    assert not Award.objects.exists()


def test_atomic_creates_all_when_every_item_is_valid(api, template):
    response = api.post("/api/v1/awards/batch", {"items": items(template, 4), "atomic": True, "send_email": False})

    assert response.json()["created"] == Award.objects.count() == 4
    assert not OutboxEmail.objects.exists()


def test_duplicates_can_be_skipped(api, template):
    AwardFactory(template=template, recipient_email="earner0@example.com")
    batch = items(template, 2) + [issue_body(template, email="earner1@example.com")]

    body = api.post("/api/v1/awards/batch", {"items": batch, "duplicates": "skip"}).json()

    assert [result["status"] for result in body["results"]] == ["skipped", "created", "skipped"]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [({"items": []}, "items", "min_length"), ({}, "items", "required"), ({"items": "x"}, "items", "not_a_list"),
     ({"items": [{}], "atomic": "maybe"}, "atomic", "invalid"), ({"items": [{}], "extra": 1}, "extra", "unknown_field"),
     ({"items": [{}], "duplicates": "merge"}, "duplicates", "invalid_choice")],
)  # fmt: skip
def test_a_malformed_batch_is_refused(api, template, body, field, code):
    response = api.post("/api/v1/awards/batch", body)

    assert response.status_code == 422
    assert (field, code) in [(error["field"], error["code"]) for error in response.json()["errors"]]


def test_more_than_1000_items_are_refused(api, template):
    response = api.post("/api/v1/awards/batch", {"items": [{}] * 1001})

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "max_length"
    assert not Award.objects.exists()


def test_an_item_that_is_not_an_object_is_reported(api, template):
    body = api.post("/api/v1/awards/batch", {"items": ["ada@example.com", issue_body(template)]}).json()

    assert [result["status"] for result in body["results"]] == ["invalid", "created"]


def test_a_batch_costs_the_same_queries_whatever_its_size(api, template, django_assert_num_queries):
    webhook_endpoint_create(issuer=template.issuer, url="https://hooks.example.org/in", events=["award.issued"])
    api.post("/api/v1/awards/batch", {"items": items(template, 1)})  # the key's last use, written once a minute
    Award.objects.all().delete()
    WebhookDelivery.objects.all().delete()
    OutboxEmail.objects.all().delete()

    # The key; the idempotency key (clear an expired one, insert in a savepoint); in the request's transaction:
    # the templates, then in the bulk service's: the verified owners, the awards and their claim emails (one
    # INSERT each; on PostgreSQL a COPY each, after reserving their ids), one INSERT of audit entries, the
    # webhook endpoints, one INSERT of deliveries; the awards read back for the answer; the stored answer; and
    # the savepoints.
    queries = 20 if connection.vendor == "postgresql" else 18
    with django_assert_num_queries(queries):
        api.post(
            "/api/v1/awards/batch", {"items": [issue_body(template, email=f"a{n}@example.com") for n in range(10)]}
        )
    with django_assert_num_queries(queries):
        api.post(
            "/api/v1/awards/batch", {"items": [issue_body(template, email=f"b{n}@example.com") for n in range(1000)]}
        )

    assert Award.objects.count() == 1010
    assert WebhookDelivery.objects.count() == 1010
