import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import Status
from badges.tests.factories import (
    AcceptedAwardFactory,
    AwardFactory,
    BadgeTemplateFactory,
    CertificationFactory,
    ExamFactory,
)

pytestmark = pytest.mark.django_db


def page(client, template):
    return client.get(reverse("badge_template_detail", args=[template.slug]))


@pytest.fixture
def template():
    cert = CertificationFactory(name="Azure Administrator Associate", level="Associate", product="Azure")
    cert.exams.add(
        ExamFactory(code="AZ-104", title="Azure Administrator"),
        ExamFactory(code="AZ-103", title="Azure Administrator (old)", status=Status.RETIRED, retired_on="2020-08-31"),
    )
    return BadgeTemplateFactory(
        certification=cert,
        name=cert.name,
        description="Implements and runs Azure.",
        criteria="Pass exam AZ-104.",
        skills=["Microsoft PowerShell", "Microsoft Azure"],
        validity_months=12,
    )


def test_the_page_describes_the_badge(client, template):
    response = page(client, template)

    assert response.status_code == 200
    for text in [
        "<h1",
        "Implements and runs Azure.",
        "Microsoft PowerShell",
        "Pass exam AZ-104.",
        "Associate",
        "Valid for 12 months",
        "AZ-104",
        "Retired on August 31, 2020",  # The old exam, with its status.
    ]:
        assert text in response.text
    assert "Retired on" not in response.text.split("Exams that earn it")[0]  # The certification is active.


def test_a_badge_without_validity_says_it_does_not_expire(client):
    assert "This badge does not expire." in page(client, BadgeTemplateFactory()).text


def test_an_exam_badge_lists_its_exam(client):
    exam = ExamFactory(code="AZ-900", title="Azure Fundamentals")
    template = BadgeTemplateFactory(certification=None, exam=exam, name="AZ-900", slug="az-900")

    response = page(client, template)

    assert "Azure Fundamentals" in response.text
    assert "Exam" in response.text


def test_only_public_earners_are_listed_with_links_to_their_badge(client, template):
    public = AcceptedAwardFactory(template=template, recipient_name="Ada Public")
    hidden = AcceptedAwardFactory(template=template, recipient_name="Hidden Badge", is_public=False)
    private_profile = AcceptedAwardFactory(template=template, recipient_name="Private Profile")
    private_profile.earner.profile_public = False
    private_profile.earner.save()
    pending = AwardFactory(template=template, recipient_name="Not Yet Accepted")
    revoked = AcceptedAwardFactory(template=template, recipient_name="Revoked Person")
    revoked.revoked_at, revoked.revocation_reason = timezone.now(), "Cheating"
    revoked.save()

    response = page(client, template)

    assert f'<a href="/badges/{public.public_id}/">Ada Public</a>' in response.text
    assert client.get(f"/badges/{public.public_id}/").status_code == 200  # The public badge page.
    for award in (hidden, private_profile, pending, revoked):
        assert award.recipient_name not in response.text
        assert str(award.public_id) not in response.text
    assert public.recipient_email not in response.text
    assert "<strong>3</strong> earners accepted this badge." in response.text


def test_a_retired_certification_page_says_since_when(client, template):
    template.certification.status, template.certification.retired_on = Status.RETIRED, "2025-06-30"
    template.certification.save()

    response = page(client, template)

    assert "Retired on June 30, 2025" in response.text
    assert "can still be claimed, shared and verified" in response.text


def test_the_query_count_does_not_grow_with_earners(client, template, django_assert_num_queries):
    AcceptedAwardFactory.create_batch(2, template=template)
    with django_assert_num_queries(3):
        page(client, template)
    AcceptedAwardFactory.create_batch(10, template=template)
    with django_assert_num_queries(3):
        page(client, template)


def test_an_unknown_template_is_404(client):
    assert client.get(reverse("badge_template_detail", args=["nothing-here"])).status_code == 404
