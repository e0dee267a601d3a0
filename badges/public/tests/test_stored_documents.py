"""Every field a stored public document shows, changed by every kind of write, shows at once in all of them.

The documents: the public page (anonymous), the OB 2.0 assertion, the OB 3.0 credential (VC-JWT) and the two
baked PNGs. Each change below is made once the documents are stored, and each test reads them all back. The
writes include queryset updates and raw SQL, which send no signal: the database triggers are what clear the
documents, so a service added later (a renewal, say) cannot leave one stale.
"""

import io
import json
from datetime import date, timedelta

import jwt
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from badges.awards.services import award_decline, award_revoke
from badges.models import Award, BadgeTemplate, Certification, Exam, Issuer, PublicDocument, Status
from badges.openbadges import baking, keys
from badges.openbadges.tests.ob_helpers import give_image, png_bytes
from badges.public import stored
from badges.sharing.services import award_set_visibility
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, ExamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    template = give_image(BadgeTemplateFactory(name="Contoso Certified: Cloud Engineer Associate", criteria=""))
    ExamFactory(code="CX-204", title="Developing Cloud Solutions").certifications.add(template.certification)
    keys.issuer_key_active(issuer=template.issuer)
    today = timezone.localdate()
    return AcceptedAwardFactory(
        template=template, recipient_name="Ada Lovelace", issued_on=today - timedelta(days=10), expires_on=today
    )


def read_all(client, award):
    """What the public gets from each address of the award, after the documents were stored."""
    public_id = award.public_id
    page = client.get(reverse("award_public", args=[public_id]))
    ob2 = client.get(reverse("ob2_assertion", args=[public_id]))
    ob3 = client.get(reverse("award_credential_jwt", args=[public_id]))
    baked = client.get(reverse("award_baked_png", args=[public_id]))
    baked3 = client.get(reverse("award_baked_ob3_png", args=[public_id]), HTTP_ACCEPT="image/png")
    found = {
        "statuses": (page.status_code, ob2.status_code, ob3.status_code, baked.status_code, baked3.status_code),
        "page": page.content.decode(),
    }
    if ob2.status_code in (200, 410):
        found["ob2"] = ob2.json()
    if ob3.status_code == 200:
        token = ob3.content.decode()
        found["ob3"] = jwt.decode(token, options={"verify_signature": False})
        found["ob3_kid"] = jwt.get_unverified_header(token)["kid"]
    if baked.status_code == 200:
        found["baked"] = json.loads(baking.unbake(baked.content))
        found["baked3"] = jwt.decode(
            baking.unbake(baked3.content, keyword=baking.OB3_KEYWORD), options={"verify_signature": False}
        )
    return found


def stored_now(client, award):
    """Read everything once, so the documents are stored, and check that they are."""
    before = read_all(client, award)
    document = PublicDocument.objects.get(award=award)
    assert document.built_release == stored.release() and document.visible
    return before


def test_everything_is_served_from_one_stored_row(client, award, django_assert_num_queries):
    stored_now(client, award)

    for name in ("award_public", "ob2_assertion", "award_credential_jwt", "award_baked_png", "award_baked_ob3_png"):
        with django_assert_num_queries(1):
            assert client.get(reverse(name, args=[award.public_id])).status_code == 200


def test_the_baked_images_carry_the_stored_documents(client, award):
    found = stored_now(client, award)

    assert found["baked"] == found["ob2"]
    assert found["baked3"] == found["ob3"]


# The award's own fields


def test_revocation(client, award):
    stored_now(client, award)

    award_revoke(award=award, reason="Exam result annulled.")

    found = read_all(client, award)
    assert found["statuses"][:3] == (200, 410, 410)
    assert found["statuses"][3:] == (410, 410)
    assert found["ob2"]["revocationReason"] == "Exam result annulled."
    assert "Exam result annulled." in found["page"]


def test_revocation_by_a_queryset_update(client, award):
    stored_now(client, award)

    Award.objects.filter(pk=award.pk).update(revoked_at=timezone.now(), revocation_reason="Fraud.")

    found = read_all(client, award)
    assert found["statuses"] == (200, 410, 410, 410, 410)
    assert "Fraud." in found["page"]


def test_renewal_moves_the_expiry_everywhere(client, award):
    """A renewal (a service that changes `expires_on` and records when) written as a plain queryset update."""
    stored_now(client, award)
    renewed_until = timezone.localdate() + timedelta(days=365)

    Award.objects.filter(pk=award.pk).update(expires_on=renewed_until, accepted_at=timezone.now())

    found = read_all(client, award)
    assert found["ob2"]["expires"].startswith(renewed_until.isoformat())
    assert found["baked"]["expires"].startswith(renewed_until.isoformat())
    assert found["ob3"]["validUntil"].startswith(renewed_until.isoformat())
    assert found["baked3"]["validUntil"].startswith(renewed_until.isoformat())
    assert renewed_until.strftime("%B %-d, %Y") in found["page"]


def test_a_change_to_any_column_clears_the_documents(award, client):
    """Even one no document shows today: a field added tomorrow is covered the same way."""
    stored_now(client, award)

    Award.objects.filter(pk=award.pk).update(accepted_at=timezone.now() - timedelta(days=1))

    assert PublicDocument.objects.get(award=award).built_release == ""


def test_raw_sql_clears_the_documents(award, client):
    stored_now(client, award)

    with connection.cursor() as cursor:
        cursor.execute("UPDATE badges_award SET recipient_name = %s WHERE id = %s", ["Augusta Ada King", award.pk])

    assert "Augusta Ada King" in read_all(client, award)["page"]


def test_the_issue_date(client, award):
    stored_now(client, award)

    Award.objects.filter(pk=award.pk).update(issued_on=date(2026, 1, 2))

    found = read_all(client, award)
    assert found["ob2"]["issuedOn"].startswith("2026-01-02")
    assert found["ob3"]["validFrom"].startswith("2026-01-02")
    assert "January 2, 2026" in found["page"]


def test_the_name_on_the_award(client, award):
    stored_now(client, award)

    award.recipient_name = "Augusta Ada King"
    award.save()

    assert "Augusta Ada King" in read_all(client, award)["page"]


def test_the_recipient_address(client, award):
    before = stored_now(client, award)

    Award.objects.filter(pk=award.pk).update(recipient_email="ada@new.example")

    found = read_all(client, award)
    assert found["ob2"]["recipient"]["identity"] != before["ob2"]["recipient"]["identity"]
    assert found["ob3"]["credentialSubject"]["identifier"] != before["ob3"]["credentialSubject"]["identifier"]


@pytest.mark.parametrize(
    "hide",
    [
        lambda award: award_set_visibility(award=award, is_public=False),
        lambda award: Award.objects.filter(pk=award.pk).update(is_public=False),
        lambda award: Award.objects.filter(pk=award.pk).update(state="declined"),
        lambda award: type(award.earner).objects.filter(pk=award.earner_id).update(profile_public=False),
        lambda award: type(award.earner).objects.filter(pk=award.earner_id).update(is_active=False),
        lambda award: award.earner.delete(),
    ],
    ids=["visibility service", "is_public update", "declined", "private profile", "deactivated", "account deleted"],
)
def test_hiding_answers_404_everywhere(client, award, hide):
    stored_now(client, award)

    hide(award)

    assert read_all(client, award)["statuses"] == (404, 404, 404, 404, 404)


def test_showing_again_after_hiding(client, award):
    stored_now(client, award)
    award_set_visibility(award=award, is_public=False)
    assert read_all(client, award)["statuses"][0] == 404

    award.refresh_from_db()
    award_set_visibility(award=award, is_public=True)

    assert read_all(client, award)["statuses"] == (200, 200, 200, 200, 200)


def test_a_pending_award_is_never_public(client):
    award = AcceptedAwardFactory(state="pending")

    assert read_all(client, award)["statuses"] == (404, 404, 404, 404, 404)
    award_decline(award=award)
    assert read_all(client, award)["statuses"] == (404, 404, 404, 404, 404)


# Expiry follows the date


def test_a_stored_page_is_not_served_from_its_page_until(client, award):
    """The stored page says "valid" until `page_until` (the day after expiry); from then on it is built again
    (with today's status: `test_public_cache` checks it says "expired")."""
    assert "Valid." in stored_now(client, award)["page"]
    assert PublicDocument.objects.get(award=award).page_until == award.expires_on + timedelta(days=1)
    PublicDocument.objects.filter(award=award).update(page="the page of another day", page_until=timezone.localdate())

    assert "another day" not in read_all(client, award)["page"]


# The earner


def test_the_earners_name_clears_the_documents(client, award):
    stored_now(client, award)
    earner = award.earner

    earner.full_name = "Augusta Ada King"
    earner.save(update_fields=["full_name"])

    assert PublicDocument.objects.get(award=award).built_release == ""


def test_a_login_keeps_the_documents(client, award):
    stored_now(client, award)

    client.force_login(award.earner)  # saves last_login only

    assert PublicDocument.objects.get(award=award).built_release == stored.release()


# The template, its catalog rows and its issuer


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Contoso Certified: Cloud Architect Expert"), ("description", "Designs whole clouds.")],
)
def test_template_text(client, award, field, value):
    stored_now(client, award)

    BadgeTemplate.objects.filter(pk=award.template_id).update(**{field: value})

    found = read_all(client, award)
    assert value in found["page"]
    assert found["ob3"]["credentialSubject"]["achievement"][field] == value


def test_template_criteria_and_skills(client, award):
    stored_now(client, award)

    BadgeTemplate.objects.filter(pk=award.template_id).update(criteria="Build three clouds.", skills=["Terraform"])

    found = read_all(client, award)
    assert "Build three clouds." in found["page"] and "Terraform" in found["page"]
    assert found["ob3"]["credentialSubject"]["achievement"]["criteria"]["narrative"] == "Build three clouds."
    assert found["ob3"]["credentialSubject"]["achievement"]["tag"] == ["Terraform"]


def test_template_slug_moves_the_badge_class_url(client, award):
    stored_now(client, award)

    BadgeTemplate.objects.filter(pk=award.template_id).update(slug="cloud-architect")

    found = read_all(client, award)
    assert found["ob2"]["badge"].endswith("/ob/v2/badges/cloud-architect")
    assert found["baked"]["badge"].endswith("/ob/v2/badges/cloud-architect")


def test_template_image(client, award):
    stored_now(client, award)
    template = award.template

    template.image.save("new-art.png", _red_png(), save=True)

    found = read_all(client, award)
    assert "new-art" in found["page"]
    assert found["ob3"]["credentialSubject"]["achievement"]["image"]["id"].endswith(template.image.name)


def _red_png():
    from django.core.files.base import ContentFile  # noqa: PLC0415

    return ContentFile(png_bytes(color=(200, 20, 20, 255)))


def test_template_removed_image_stops_the_baked_download(client, award):
    stored_now(client, award)

    BadgeTemplate.objects.filter(pk=award.template_id).update(image="")

    assert read_all(client, award)["statuses"][3:] == (404, 404)


@pytest.mark.parametrize(
    ("field", "value", "in_page", "in_credential"),
    [
        ("name", "Fabrikam Learning", True, lambda c: c["issuer"]["name"]),
        ("url", "https://learn.fabrikam.example", True, lambda c: c["issuer"]["url"]),
        ("email", "badges@fabrikam.example", False, lambda c: c["issuer"]["email"]),
        ("slug", "fabrikam", False, lambda c: c["issuer"]["id"].rsplit("/", 1)[1]),
    ],
)
def test_issuer_fields(client, award, field, value, in_page, in_credential):
    stored_now(client, award)

    Issuer.objects.filter(pk=award.template.issuer_id).update(**{field: value})

    found = read_all(client, award)
    assert (value in found["page"]) is in_page
    assert in_credential(found["ob3"]) == value


def test_issuer_key_rotation_re_signs_the_credential(client, award):
    before = stored_now(client, award)

    new_key = keys.issuer_key_rotate(issuer=award.template.issuer)

    found = read_all(client, award)
    assert before["ob3_kid"] != found["ob3_kid"]
    assert found["ob3_kid"].endswith(new_key.kid)
    assert found["ob3"] == before["ob3"]  # the same credential, signed with the new key
    token = client.get(reverse("award_credential_jwt", args=[award.public_id])).content.decode()
    jwt.decode(token, keys.private_key_of(new_key).public_key(), algorithms=["RS256"], options={"verify_aud": False})


def test_certification_retirement_and_url(client, award):
    stored_now(client, award)

    Certification.objects.filter(pk=award.template.certification_id).update(
        status=Status.RETIRED, retired_on=date(2025, 6, 30), url="https://learn.example.org/retired"
    )

    assert "Retired on June 30, 2025" in read_all(client, award)["page"]


def test_exam_title_and_retirement(client, award):
    stored_now(client, award)

    Exam.objects.filter(code="CX-204").update(
        title="Developing Cloud Apps", status=Status.RETIRED, retired_on=date(2025, 1, 31)
    )

    found = read_all(client, award)
    assert "Developing Cloud Apps" in found["page"] and "Retired on January 31, 2025" in found["page"]
    assert "Developing Cloud Apps" in found["ob3"]["credentialSubject"]["achievement"]["criteria"]["narrative"]


def test_exams_added_to_and_removed_from_the_certification(client, award):
    stored_now(client, award)
    certification = award.template.certification

    added = ExamFactory(code="CX-305", title="Designing Cloud Infrastructure")
    added.certifications.add(certification)
    assert "Designing Cloud Infrastructure" in read_all(client, award)["page"]

    certification.exams.remove(Exam.objects.get(code="CX-204"))
    found = read_all(client, award)
    assert "Developing Cloud Solutions" not in found["page"]
    assert "CX-204" not in found["ob3"]["credentialSubject"]["achievement"]["criteria"]["narrative"]


def test_other_awards_keep_their_documents(client, award):
    other = AcceptedAwardFactory(template=BadgeTemplateFactory(issuer=award.template.issuer))
    stored_now(client, award)
    stored_now(client, other)

    BadgeTemplate.objects.filter(pk=award.template_id).update(name="Renamed")

    assert PublicDocument.objects.get(award=other).built_release == stored.release()
    assert PublicDocument.objects.get(award=award).built_release == ""


def test_a_new_release_rebuilds_as_read(client, award, settings):
    stored_now(client, award)

    settings.SITE_URL = "https://badges.other.example"

    assert read_all(client, award)["ob2"]["id"].startswith("https://badges.other.example/")


# Building ahead of the first visitor


def test_the_command_builds_what_is_not_current(client, award, django_assert_num_queries):
    other = AcceptedAwardFactory(template=award.template)
    stored_now(client, other)

    call_command("build_public_documents", stdout=io.StringIO())

    assert PublicDocument.objects.get(award=award).built_release == stored.release()
    with django_assert_num_queries(1):
        assert client.get(reverse("award_public", args=[award.public_id])).status_code == 200


def test_the_command_shares_the_work_between_processes(award):
    others = [AcceptedAwardFactory(template=award.template) for _ in range(3)]
    out = io.StringIO()

    call_command("build_public_documents", "--shard", "0/2", stdout=out)
    call_command("build_public_documents", "--shard", "1/2", stdout=out)

    assert all(d.built_release == stored.release() for d in PublicDocument.objects.filter(award__in=[award, *others]))
    with pytest.raises(CommandError):
        call_command("build_public_documents", "--shard", "2/2")


def test_the_command_builds_the_awards_listed_in_a_file(award, tmp_path):
    other = AcceptedAwardFactory(template=award.template)
    listed = tmp_path / "ids.txt"
    listed.write_text(f"{award.public_id}\n")

    call_command("build_public_documents", "--public-ids", str(listed), stdout=io.StringIO())

    assert PublicDocument.objects.get(award=award).built_release == stored.release()
    assert PublicDocument.objects.get(award=other).built_release == ""
    listed.write_text("not-an-id\n")
    with pytest.raises(CommandError):
        call_command("build_public_documents", "--public-ids", str(listed))


def test_baked_images_with_the_media_root_as_settings_read_it(client, award, settings):
    """settings.py reads MEDIA_ROOT with django-environ, whose Path cannot be a dictionary key."""
    import environ  # noqa: PLC0415

    settings.MEDIA_ROOT = environ.Path(str(settings.MEDIA_ROOT))

    assert stored_now(client, award)["statuses"] == (200, 200, 200, 200, 200)
