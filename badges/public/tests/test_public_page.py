from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards.services import award_revoke
from badges.models import BadgeTemplate, Status
from badges.openbadges import keys
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, ExamFactory

pytestmark = pytest.mark.django_db


def public_page(client, award):
    return client.get(reverse("award_public", args=[award.public_id]))


@pytest.fixture
def award():
    template = BadgeTemplateFactory(
        name="Contoso Certified: Cloud Engineer Associate",
        description="Builds and runs cloud solutions.",
        criteria="Pass exam CX-204.",
        skills=["Networking", "Identity"],
    )
    exam = ExamFactory(code="CX-204", title="Developing Cloud Solutions")
    exam.certifications.add(template.certification)
    return AcceptedAwardFactory(
        template=template, recipient_name="Ada Lovelace", issued_on=date(2025, 3, 14), expires_on=date(2099, 3, 14)
    )


def test_page_states_who_earned_what_from_whom_and_when(client, award):
    response = public_page(client, award)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ada Lovelace" in content
    assert "Contoso Certified: Cloud Engineer Associate" in content
    assert "Contoso Certification Program" in content
    assert "March 14, 2025" in content
    assert "March 14, 2099" in content
    assert "Builds and runs cloud solutions." in content
    assert "Pass exam CX-204." in content
    assert "Networking" in content and "Identity" in content
    assert "CX-204" in content and "Developing Cloud Solutions" in content
    assert str(award.public_id) in content


def test_valid_badge_says_valid(client, award):
    content = public_page(client, award).content.decode()

    assert "Valid." in content
    assert "Valid until March 14, 2099" in content


def test_badge_without_expiry_says_it_does_not_expire(client):
    award = AcceptedAwardFactory(expires_on=None)

    content = public_page(client, award).content.decode()

    assert "does not expire" in content


def test_expired_badge_says_since_when(client):
    award = AcceptedAwardFactory(issued_on=date(2020, 1, 1), expires_on=date(2023, 6, 30))

    content = public_page(client, award).content.decode()

    assert "Expired." in content
    assert "Expired since June 30, 2023" in content
    assert "Valid." not in content


def test_revoked_badge_says_when_and_why(client, award):
    award_revoke(award=award, reason="Exam result annulled.")

    content = public_page(client, award).content.decode()

    assert "Revoked." in content
    assert f"Revoked on {timezone.localdate():%B} " in content
    assert "Exam result annulled." in content
    assert "Valid." not in content


def test_retired_certification_and_exam_say_retired_on(client, award):
    certification = award.template.certification
    certification.status, certification.retired_on = Status.RETIRED, date(2024, 12, 31)
    certification.save()
    certification.exams.update(status=Status.RETIRED, retired_on=date(2024, 11, 30))

    content = public_page(client, award).content.decode()

    assert "Retired on December 31, 2024" in content
    assert "Retired on November 30, 2024" in content


def test_exam_badge_lists_its_exam(client):
    exam = ExamFactory(code="CX-900", title="Cloud Fundamentals")
    template = BadgeTemplateFactory(certification=None, exam=exam, name="Exam CX-900", slug="exam-cx-900")
    award = AcceptedAwardFactory(template=template)

    content = public_page(client, award).content.decode()

    assert "CX-900" in content and "Cloud Fundamentals" in content


def test_template_without_image_shows_placeholder(client, award):
    content = public_page(client, award).content.decode()

    assert 'class="badge-image badge-placeholder' in content


def test_page_includes_the_open_badges_partials(client, award):
    response = public_page(client, award)

    names = {template.name for template in response.templates}
    assert {"badges/_ob_links.html", "badges/_ob_head.html"} <= names


def test_page_never_shows_the_recipient_email(client, award):
    other = UserFactory()
    client.force_login(other)

    content = public_page(client, award).content.decode()

    assert award.recipient_email not in content
    assert award.earner.email not in content


def test_unknown_badge_answers_404(client):
    response = client.get(reverse("award_public", args=["00000000-0000-0000-0000-000000000000"]))

    assert response.status_code == 404


def test_visitor_page_is_built_once_then_read_in_one_query(client, award, django_assert_num_queries):
    keys.issuer_key_active(issuer=award.template.issuer)
    # The stored page, then its build: generation, award, signing key, the page's exams, the write.
    with django_assert_num_queries(6):
        first = public_page(client, award)
    with django_assert_num_queries(1):  # the whole page is stored: one indexed lookup
        second = public_page(client, award)

    assert first.content == second.content


def test_signed_in_visitor_page_reads_the_award_and_the_cached_body(client, award, django_assert_num_queries):
    client.force_login(UserFactory())
    with django_assert_num_queries(4):  # session, user, the award with its catalog rows, the exams
        first = public_page(client, award)
    with django_assert_num_queries(3):  # session, user, the award: the badge part comes from the cache
        second = public_page(client, award)

    # The pages differ in their CSRF token (the sign-out form); the badge part is the same.
    assert b"Developing Cloud Solutions" in first.content
    assert b"Developing Cloud Solutions" in second.content


def test_owner_page_is_never_read_from_or_written_to_the_visitors_cache(client, award, django_assert_num_queries):
    client.force_login(award.earner)
    public_page(client, award)
    public_page(client, award)
    client.logout()
    keys.issuer_key_active(issuer=award.template.issuer)

    # The owner's visits stored nothing: the stored page, then its build (as above).
    with django_assert_num_queries(6):
        public_page(client, award)


def test_template_change_shows_at_once(client, award, django_capture_on_commit_callbacks):
    public_page(client, award)
    template = BadgeTemplate.objects.get(pk=award.template_id)
    with django_capture_on_commit_callbacks(execute=True):
        template.description = "A rewritten description."
        template.save()

    content = public_page(client, award).content.decode()

    assert "A rewritten description." in content


def test_revocation_shows_at_once(client, award, django_capture_on_commit_callbacks):
    public_page(client, award)
    with django_capture_on_commit_callbacks(execute=True):
        award_revoke(award=award, reason="Issued by mistake.")

    content = public_page(client, award).content.decode()

    assert "Issued by mistake." in content


def test_certification_retirement_shows_at_once(client, award, django_capture_on_commit_callbacks):
    public_page(client, award)
    certification = award.template.certification
    with django_capture_on_commit_callbacks(execute=True):
        certification.status, certification.retired_on = Status.RETIRED, date(2025, 6, 30)
        certification.save()

    content = public_page(client, award).content.decode()

    assert "Retired on June 30, 2025" in content


def test_no_public_response_contains_the_recipient_email(client, award):
    award_revoke(award=award, reason="Annulled.")
    public_url = "https://badges.example.org" + reverse("award_public", args=[award.public_id])
    urls = [reverse(name, args=[award.public_id]) for name in ["award_public", "award_embed", "award_qr"]]
    urls += [reverse("oembed") + f"?url={public_url}", reverse("profile_public", args=[award.earner.public_id])]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert award.recipient_email.encode() not in response.content, url
        assert award.recipient_email.split("@")[0].encode() not in response.content, url
