"""Who may call what: no key, a bad or revoked key, a missing scope, and another issuer's awards (404)."""

import uuid

import pytest
from django.utils import timezone

from api.models import ApiKey
from badges.tests.factories import AwardFactory, BadgeTemplateFactory

from .conftest import issue_body

pytestmark = pytest.mark.django_db

AWARD_ENDPOINTS = [
    ("get", "/api/v1/awards/{id}", None),
    ("post", "/api/v1/awards/{id}/revoke", {"reason": "Annulled"}),
    ("post", "/api/v1/awards/{id}/email", {"email": "new@example.com"}),
    ("post", "/api/v1/awards/{id}/resend", {}),
]
ALL_ENDPOINTS = [
    ("get", "/api/v1/templates", None, "templates:read"),
    ("get", "/api/v1/awards", None, "awards:read"),
    ("post", "/api/v1/awards", {}, "awards:write"),
    ("post", "/api/v1/awards/batch", {"items": [{}]}, "awards:write"),
    ("get", "/api/v1/awards/{id}", None, "awards:read"),
    ("post", "/api/v1/awards/{id}/revoke", {"reason": "x"}, "awards:write"),
    ("post", "/api/v1/awards/{id}/email", {"email": "n@example.com"}, "awards:write"),
    ("post", "/api/v1/awards/{id}/resend", {}, "awards:write"),
]


def _call(api, method, path, data, **kwargs):
    return api.get(path, **kwargs) if method == "get" else api.post(path, data, **kwargs)


@pytest.mark.parametrize(("method", "path", "data", "scope"), ALL_ENDPOINTS)
def test_every_endpoint_refuses_a_call_without_a_key(api, template, method, path, data, scope):
    award = AwardFactory(template=template)

    response = _call(api, method, path.format(id=award.public_id), data, key="")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path", "data", "scope"), ALL_ENDPOINTS)
def test_every_endpoint_refuses_a_revoked_key(api, template, method, path, data, scope):
    award = AwardFactory(template=template)
    ApiKey.objects.update(revoked_at=timezone.now())

    response = _call(api, method, path.format(id=award.public_id), data)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(("method", "path", "data", "scope"), ALL_ENDPOINTS)
def test_every_endpoint_needs_its_scope(make_api, template, method, path, data, scope):
    award = AwardFactory(template=template)
    others = [other for other in ["awards:write", "awards:read", "templates:read"] if other != scope]

    response = _call(make_api(scopes=others), method, path.format(id=award.public_id), data)

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert scope in response.json()["detail"]


@pytest.mark.parametrize(("method", "path", "data"), AWARD_ENDPOINTS)
def test_another_issuers_award_is_not_found(make_api, other_issuer, template, method, path, data):
    award = AwardFactory(template=template)
    theirs = make_api(for_issuer=other_issuer)

    response = _call(theirs, method, path.format(id=award.public_id), data)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    award.refresh_from_db()
    assert not award.is_revoked and award.recipient_email != "new@example.com"


def test_another_issuers_templates_are_neither_listed_nor_usable(make_api, other_issuer, template):
    theirs = make_api(for_issuer=other_issuer)
    BadgeTemplateFactory(issuer=other_issuer, slug="theirs", certification__slug="theirs")

    listed = theirs.get("/api/v1/templates").json()["results"]
    issued = theirs.post("/api/v1/awards", issue_body(template))

    assert [row["slug"] for row in listed] == ["theirs"]
    assert issued.status_code == 422
    assert issued.json()["errors"][0] == {
        "field": "template", "code": "unknown_template", "message": "You have no badge template with this slug."
    }  # fmt: skip


def test_another_issuers_awards_are_not_listed(make_api, other_issuer, template):
    AwardFactory(template=template)

    assert make_api(for_issuer=other_issuer).get("/api/v1/awards").json()["results"] == []


def test_a_key_in_another_scheme_or_unknown_is_refused(api, client):
    basic = client.get("/api/v1/awards", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    unknown = client.get("/api/v1/awards", headers={"Authorization": "Bearer bpk_" + "x" * 43})

    assert basic.status_code == unknown.status_code == 401


def test_a_call_notes_when_the_key_was_last_used(api):
    assert ApiKey.objects.get().last_used_at is None

    api.get("/api/v1/templates")

    assert ApiKey.objects.get().last_used_at is not None


def test_an_unknown_api_address_answers_a_problem(api):
    response = api.get(f"/api/v1/nothing/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
