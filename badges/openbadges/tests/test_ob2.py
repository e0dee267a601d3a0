import hashlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.models import AwardState
from badges.openbadges import keys, ob2
from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory, ExamFactory

pytestmark = pytest.mark.django_db
SITE = "https://badges.example.org"


def _get(client, name, arg):
    return client.get(reverse(name, args=[arg]))


def test_assertion_has_the_hosted_badge_shape(client):
    award = AcceptedAwardFactory(expires_on=timezone.localdate().replace(year=2099))
    give_image(award.template)

    response = _get(client, "ob2_assertion", award.public_id)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "Assertion"
    assert data["id"] == f"{SITE}/ob/v2/assertions/{award.public_id}"
    assert data["badge"] == f"{SITE}/ob/v2/badges/{award.template.slug}"
    assert data["verification"] == {"type": "HostedBadge"}
    assert data["issuedOn"] == f"{award.issued_on.isoformat()}T00:00:00+00:00"
    assert data["expires"] == "2099-" + award.expires_on.strftime("%m-%d") + "T23:59:59+00:00"
    assert data["image"] == f"{SITE}/badges/{award.public_id}/baked.png"


def test_recipient_is_the_salted_sha256_of_the_lowercased_email(client):
    award = AcceptedAwardFactory(earner=UserFactory(email="ada@example.com"))

    recipient = _get(client, "ob2_assertion", award.public_id).json()["recipient"]

    expected = hashlib.sha256(("ada@example.com" + award.recipient_salt).encode()).hexdigest()
    assert recipient == {
        "type": "email",
        "hashed": True,
        "salt": award.recipient_salt,
        "identity": "sha256$" + expected,
    }
    assert ob2.recipient_identity("  ADA@Example.com ", award.recipient_salt) == recipient["identity"]


def test_assertion_without_expiry_or_image_leaves_them_out(client):
    award = AcceptedAwardFactory()

    data = _get(client, "ob2_assertion", award.public_id).json()

    assert "expires" not in data
    assert "image" not in data
    assert "evidence" not in data


def test_assertion_names_the_evidence_and_the_page_links_it(client):
    award = AcceptedAwardFactory(evidence_url="https://exams.example.org/results/42")

    data = _get(client, "ob2_assertion", award.public_id).json()
    page = _get(client, "award_public", award.public_id).content.decode()

    assert data["evidence"] == "https://exams.example.org/results/42"
    assert 'href="https://exams.example.org/results/42" rel="nofollow noopener"' in page


def test_revoked_assertion_answers_410_with_reason(client):
    award = AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Exam result annulled.")

    response = _get(client, "ob2_assertion", award.public_id)

    assert response.status_code == 410
    assert response["Content-Type"].startswith("application/ld+json")
    data = response.json()
    assert data["revoked"] is True
    assert data["revocationReason"] == "Exam result annulled."
    assert data["id"] == f"{SITE}/ob/v2/assertions/{award.public_id}"


@pytest.mark.parametrize(
    "award_kwargs",
    [
        {"state": AwardState.PENDING},
        {"state": AwardState.DECLINED},
        {"is_public": False},
        {"earner__profile_public": False},
        {"is_public": False, "revoked_at": "now", "revocation_reason": "Fraud."},
    ],
    ids=["pending", "declined", "hidden-badge", "private-profile", "hidden-and-revoked"],
)
def test_what_the_public_may_not_see_answers_404_json(client, award_kwargs):
    if award_kwargs.get("revoked_at") == "now":
        award_kwargs["revoked_at"] = timezone.now()
    award = AcceptedAwardFactory(**award_kwargs)

    for name in ("ob2_assertion", "award_credential_jwt", "award_credential_json", "award_baked_png"):
        response = _get(client, name, award.public_id)
        assert response.status_code == 404, name
        assert response["Content-Type"].startswith("application/ld+json"), name
        assert response.json()["error"] == "not_found"


def test_unclaimed_award_answers_404(client):
    award = AwardFactory()

    assert _get(client, "ob2_assertion", award.public_id).status_code == 404


def test_badgeclass_has_criteria_issuer_image_and_exams(client):
    exam = ExamFactory(code="CX-900", title="Cloud Fundamentals")
    template = give_image(BadgeTemplateFactory(skills=["Networking", "Storage"], criteria=""))
    template.certification.exams.add(exam)
    template.certification.url = "https://learn.contoso.example/cert"
    template.certification.save()

    response = _get(client, "ob2_badgeclass", template.slug)

    data = response.json()
    assert response["Content-Type"].startswith("application/ld+json")
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "BadgeClass"
    assert data["id"] == f"{SITE}/ob/v2/badges/{template.slug}"
    assert data["issuer"] == f"{SITE}/ob/v2/issuers/{template.issuer.slug}"
    assert data["image"] == f"{SITE}{template.image.url}"
    assert "Pass exam CX-900: Cloud Fundamentals." in data["criteria"]["narrative"]
    assert data["criteria"]["id"] == "https://learn.contoso.example/cert"
    assert data["tags"] == ["Networking", "Storage"]
    assert data["alignment"] == [{"targetName": template.certification.name, "targetUrl": template.certification.url}]


def test_badgeclass_criteria_written_by_staff_are_used_as_they_are(client):
    exam = ExamFactory(code="CX-900", title="Cloud Fundamentals")
    template = BadgeTemplateFactory(criteria="Pass exam CX-900: Cloud Fundamentals.")
    template.certification.exams.add(exam)

    data = _get(client, "ob2_badgeclass", template.slug).json()

    assert data["criteria"]["narrative"] == "Pass exam CX-900: Cloud Fundamentals."


def test_badgeclass_image_is_a_stored_file_on_site(client):
    # The reference validator does not fetch images, so we check the URL points at a real file.
    template = give_image(BadgeTemplateFactory())

    data = _get(client, "ob2_badgeclass", template.slug).json()

    assert data["image"] == SITE + "/media/" + template.image.name
    assert template.image.storage.exists(template.image.name)


def test_issuer_profile_has_name_url_and_email(client):
    template = BadgeTemplateFactory()

    response = _get(client, "ob2_issuer", template.issuer.slug)

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": f"{SITE}/ob/v2/issuers/contoso",
        "name": "Contoso Certification Program",
        "url": "https://certs.contoso.example",
        "email": "badges@contoso.example",
    }


@pytest.mark.parametrize("name", ["ob2_issuer", "ob2_badgeclass"])
def test_unknown_slug_answers_404_json_not_html(client, name):
    response = _get(client, name, "no-such-thing")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/ld+json")
    assert json.loads(response.content)["error"] == "not_found"


def test_assertion_follows_changes_to_the_award(client, django_capture_on_commit_callbacks):
    award = AcceptedAwardFactory()
    first = _get(client, "ob2_assertion", award.public_id).json()

    with django_capture_on_commit_callbacks(execute=True):
        award.expires_on = award.issued_on.replace(year=award.issued_on.year + 2)
        award.save()
    second = _get(client, "ob2_assertion", award.public_id).json()

    assert "expires" not in first
    assert second["expires"].startswith(award.expires_on.isoformat())


def test_assertion_queries_on_cache_miss_and_hit(client, django_assert_num_queries):
    award = AcceptedAwardFactory()
    keys.issuer_key_active(issuer=award.template.issuer)
    url = reverse("ob2_assertion", args=[award.public_id])

    with django_assert_num_queries(6):  # the stored documents, then their build (see test_public_page)
        miss = client.get(url)
    with django_assert_num_queries(1):  # the whole response is stored: one indexed lookup
        hit = client.get(url)

    assert hit.status_code == miss.status_code == 200
    assert hit.content == miss.content
    assert hit["Content-Type"] == miss["Content-Type"]
    assert hit["Access-Control-Allow-Origin"] == "*"


def test_badgeclass_queries_on_cache_miss_and_hit(client, django_assert_num_queries):
    template = BadgeTemplateFactory(criteria="")
    url = reverse("ob2_badgeclass", args=[template.slug])

    with django_assert_num_queries(2):  # the template, then its certification's exams for the criteria
        client.get(url)
    with django_assert_num_queries(1):
        client.get(url)


def test_issuer_queries(client, django_assert_num_queries):
    template = BadgeTemplateFactory()

    with django_assert_num_queries(1):
        client.get(reverse("ob2_issuer", args=[template.issuer.slug]))


def test_unknown_address_under_ob_answers_404_json(client):
    response = client.get("/ob/v2/assertions/not-a-uuid")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/ld+json")


def test_other_methods_answer_405_json(client):
    award = AcceptedAwardFactory()

    response = client.post(reverse("ob2_assertion", args=[award.public_id]))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"] == "method_not_allowed"


def test_head_is_allowed(client):
    award = AcceptedAwardFactory()

    response = client.head(reverse("ob2_assertion", args=[award.public_id]))

    assert response.status_code == 200
