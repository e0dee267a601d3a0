"""Issue, read, list, revoke, change the address, resend: the admin's services, the API's shape."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from badges.models import Award, AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory
from outbox.models import OutboxEmail

from .conftest import issue_body

pytestmark = pytest.mark.django_db


def errors(response):
    return [(error["field"], error["code"]) for error in response.json()["errors"]]


def test_issuing_creates_the_award_and_queues_the_claim_email(api, template, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/awards", issue_body(template, email=" Ada@Example.com ", external_id="C-17"))

    award = Award.objects.get()
    body = response.json()
    assert response.status_code == 201
    assert body["id"] == str(award.public_id)
    assert body | {"recipient_email": "ada@example.com", "external_id": "C-17", "state": "pending", "status": "valid",
                   "template": "azure-fundamentals", "issued_on": timezone.localdate().isoformat()} == body  # fmt: skip
    assert body["public_url"] == f"https://badges.example.org/badges/{award.public_id}/"
    assert body["openbadges_v2_url"].endswith(f"/ob/v2/assertions/{award.public_id}")
    assert "token" not in str(body).lower()
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


def test_issuing_without_the_email_sends_none(api, template):
    response = api.post("/api/v1/awards", issue_body(template, send_email=False))

    assert response.status_code == 201
    assert not OutboxEmail.objects.exists()


def test_issuing_takes_the_evidence_and_publishes_it(api, template):
    from badges.openbadges import ob2

    body = issue_body(template, evidence_url="https://exams.example.org/results/42")

    award = api.post("/api/v1/awards", body).json()

    assert award["evidence_url"] == "https://exams.example.org/results/42"
    stored = Award.objects.select_related("template").get(public_id=award["id"])
    assert ob2.assertion_json(stored)["evidence"] == "https://exams.example.org/results/42"


def test_issuing_takes_dates(api, template):
    body = issue_body(template, issued_on="2026-01-10", expires_on="2028-01-10")

    award = api.post("/api/v1/awards", body).json()

    assert (award["issued_on"], award["expires_on"]) == ("2026-01-10", "2028-01-10")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"template": "nope"}, ("template", "unknown_template")),
        ({"email": "not-an-address"}, ("email", "invalid_email")),
        ({"email": "a" * 250 + "@example.com"}, ("email", "max_length")),
        ({"name": ""}, ("name", "blank")),
        ({"name": "Ada\x00Lovelace"}, ("name", "null_characters_not_allowed")),
        ({"name": "Ada\x07Lovelace"}, ("name", "name_control_character")),
        ({"name": "A" * 201}, ("name", "max_length")),
        ({"name": 17}, ("name", "invalid")),
        ({"name": ["Ada"]}, ("name", "invalid")),
        ({"external_id": "x" * 101}, ("external_id", "max_length")),
        ({"evidence_url": "javascript:alert(1)"}, ("evidence_url", "evidence_invalid")),
        ({"evidence_url": "https://e.example.org/" + "x" * 500}, ("evidence_url", "max_length")),
        ({"issued_on": "yesterday"}, ("issued_on", "invalid")),
        ({"issued_on": "2026-01-10", "expires_on": "2025-01-10"}, ("expires_on", "expires_before_issue")),
        ({"send_email": "perhaps"}, ("send_email", "invalid")),
        ({"exernal_id": "C-17"}, ("exernal_id", "unknown_field")),
    ],
)
def test_each_invalid_field_is_refused_with_its_field_and_code(api, template, change, expected):
    response = api.post("/api/v1/awards", {**issue_body(template), **change})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert expected in errors(response)
    assert not Award.objects.exists()


def test_missing_fields_are_each_reported(api, template):
    response = api.post("/api/v1/awards", {})

    assert sorted(errors(response)) == [("email", "required"), ("name", "required"), ("template", "required")]


def test_a_body_that_is_not_an_object_is_refused(api, template):
    response = api.post("/api/v1/awards", [issue_body(template)])

    assert response.status_code == 422
    assert errors(response) == [(None, "invalid")]


def test_malformed_json_is_a_400_problem(api, template):
    response = api.post("/api/v1/awards", raw='{"template": ')

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_body_that_is_not_json_is_a_415_problem(api, template):
    response = api.post("/api/v1/awards", raw="template=x", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_a_body_over_the_cap_is_a_413_problem(api, template, settings):
    settings.MAX_REQUEST_BYTES = 1000

    response = api.post("/api/v1/awards", issue_body(template, name="A" * 2000))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "too_large"


def test_get_an_award(api, template):
    award = AwardFactory(template=template, external_id="C-9")

    response = api.get(f"/api/v1/awards/{award.public_id}")

    assert response.status_code == 200
    assert response.json()["external_id"] == "C-9"


def test_an_unknown_award_is_not_found(api, template):
    response = api.get("/api/v1/awards/6f1c1c1e-8d7e-4a39-9a52-0c47b1c5a1aa")

    assert response.status_code == 404


def test_list_filters_by_template_state_earner_id_and_change_time(api, template, django_assert_num_queries):
    from badges.tests.factories import BadgeTemplateFactory

    other_template = BadgeTemplateFactory(issuer=template.issuer, slug="other", certification__slug="other")
    old = AwardFactory(template=template, external_id="C-1")
    Award.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    accepted = AcceptedAwardFactory(template=template, external_id="C-2")
    elsewhere = AwardFactory(template=other_template, external_id="C-1")

    def ids(**params):
        return [row["id"] for row in api.get("/api/v1/awards", params).json()["results"]]

    assert ids() == [str(a.public_id) for a in (old, accepted, elsewhere)]
    assert ids(template="other") == [str(elsewhere.public_id)]
    assert ids(state="accepted") == [str(accepted.public_id)]
    assert ids(external_id="C-1") == [str(old.public_id), str(elsewhere.public_id)]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(updated_since=since) == [str(accepted.public_id), str(elsewhere.public_id)]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"state": "lost"}, "state"), ({"updated_since": "last week"}, "updated_since"), ({"limit": "0"}, "limit")],
)
def test_a_bad_filter_is_refused(api, params, field):
    response = api.get("/api/v1/awards", params)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_a_forged_cursor_is_refused(api):
    response = api.get("/api/v1/awards", {"cursor": "eyJpIjoxfQ:forged"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_pages_hold_every_award_once_while_others_are_inserted(api, template):
    first = [AwardFactory(template=template) for _ in range(5)]

    page = api.get("/api/v1/awards", {"limit": 2}).json()
    seen = [row["id"] for row in page["results"]]
    inserted = [AwardFactory(template=template) for _ in range(3)]  # between two pages, as another client would
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]

    assert seen == [str(award.public_id) for award in first + inserted]


def test_listing_costs_the_same_queries_whatever_the_page(api, template, django_assert_num_queries):
    for _ in range(30):
        AwardFactory(template=template)
    api.get("/api/v1/awards")  # the key's last use is written once a minute at most

    # The key, the page.
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/awards", {"limit": 30}).json()["results"]) == 30


def test_list_templates(api, template):
    response = api.get("/api/v1/templates")

    assert response.json() == {"next": None, "results": [{"slug": "azure-fundamentals", "name": template.name,
        "description": template.description, "validity_months": None, "is_retired": False}]}  # fmt: skip


def test_revoke_needs_a_reason_and_revokes_once(api, template):
    award = AwardFactory(template=template)
    path = f"/api/v1/awards/{award.public_id}/revoke"

    missing = api.post(path, {})
    blank = api.post(path, {"reason": "  "})
    revoked = api.post(path, {"reason": "Exam result annulled."})
    again = api.post(path, {"reason": "Twice"})

    assert errors(missing) == [("reason", "required")]
    assert errors(blank) == [("reason", "blank")]
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revocation_reason"] == "Exam result annulled."
    assert again.status_code == 422
    assert errors(again) == [(None, "already_revoked")]


def test_replace_the_address_of_a_pending_award(api, template, django_capture_on_commit_callbacks):
    award = AwardFactory(template=template, recipient_email="wrong@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/awards/{award.public_id}/email", {"email": "Right@Example.com"})

    assert response.json()["recipient_email"] == "right@example.com"
    assert [message.to for message in mail.outbox] == [["right@example.com"]]


@pytest.mark.parametrize(
    ("body", "expected"),
    [({"email": "nope"}, ("email", "invalid_email")), ({}, ("email", "required")),
     ({"email": "a@example.com", "cc": "x"}, ("cc", "unknown_field"))],
)  # fmt: skip
def test_replace_the_address_refuses_bad_input(api, template, body, expected):
    award = AwardFactory(template=template)

    assert expected in errors(api.post(f"/api/v1/awards/{award.public_id}/email", body))


def test_an_accepted_award_keeps_its_address_and_gets_no_resend(api, template):
    award = AcceptedAwardFactory(template=template)

    replaced = api.post(f"/api/v1/awards/{award.public_id}/email", {"email": "new@example.com"})
    resent = api.post(f"/api/v1/awards/{award.public_id}/resend")

    assert errors(replaced) == [(None, "not_pending")]
    assert errors(resent) == [(None, "not_pending")]
    assert not OutboxEmail.objects.exists()


def test_resend_queues_the_claim_email_again(api, template):
    award = AwardFactory(template=template)

    response = api.post(f"/api/v1/awards/{award.public_id}/resend")

    assert response.status_code == 202
    assert OutboxEmail.objects.get().to == award.recipient_email
    assert response.json()["state"] == AwardState.PENDING


def test_resend_of_a_revoked_award_is_refused(api, template):
    award = AwardFactory(template=template, revoked_at=timezone.now(), revocation_reason="x")

    assert errors(api.post(f"/api/v1/awards/{award.public_id}/resend")) == [(None, "revoked")]


def test_issued_on_defaults_to_today(api, template):
    assert api.post("/api/v1/awards", issue_body(template)).json()["issued_on"] == date.today().isoformat()


def test_issuing_one_award_costs_a_fixed_number_of_queries(api, template, django_assert_num_queries):
    from webhooks.services import webhook_endpoint_create

    webhook_endpoint_create(issuer=template.issuer, url="https://hooks.example.org/in", events=["award.issued"])
    api.get("/api/v1/templates")  # the key's last use, written once a minute
    ContentType.objects.get_for_model(Award)  # the audit entry's, read once per process

    # The key; the idempotency key (clear an expired one, insert in a savepoint); in one transaction: the
    # template, the verified owner of the address, the award, its audit entry, its claim email, the webhook
    # endpoints and the delivery, the stored answer; and the savepoints around them.
    with django_assert_num_queries(17):
        assert api.post("/api/v1/awards", issue_body(template)).status_code == 201
