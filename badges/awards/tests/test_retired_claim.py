"""A badge for a retired certification or exam is claimed and accepted exactly like any other."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.awards.services import award_issue, claim_token_create
from badges.models import AwardState, Status
from badges.tests.factories import BadgeTemplateFactory, CertificationFactory, ExamFactory

pytestmark = pytest.mark.django_db


def certification_template(retired):
    fields = {"status": Status.RETIRED, "retired_on": "2023-07-13"} if retired else {}
    return BadgeTemplateFactory(certification=CertificationFactory(**fields))


def exam_template(retired):
    fields = {"status": Status.RETIRED, "retired_on": "2023-07-13"} if retired else {}
    return BadgeTemplateFactory(certification=None, exam=ExamFactory(**fields), name="77-418", slug="77-418")


@pytest.mark.parametrize("make_template", [certification_template, exam_template])
@pytest.mark.parametrize("retired", [False, True])
def test_claiming_and_accepting_works_whether_retired_or_not(client, make_template, retired):
    template = make_template(retired)
    user = UserFactory(email="lin@example.com")
    award = award_issue(template=template, email="someone-else@example.com", name="Lin Park")
    claim_url = reverse("claim", args=[claim_token_create(award=award)])
    client.force_login(user)

    claim_page = client.get(claim_url)
    collected = client.post(claim_url, {"action": "collect"})
    accepted = client.post(reverse("award_accept", args=[award.public_id]))
    wallet_page = client.get(reverse("wallet_award", args=[award.public_id]))

    award.refresh_from_db()
    assert claim_page.status_code == 200
    assert collected.status_code == accepted.status_code == 302
    assert (award.earner, award.state) == (user, AwardState.ACCEPTED)
    for response in (claim_page, wallet_page):
        assert ("Retired on July 13, 2023" in response.text) is retired
        assert ("can still be claimed, shared and verified" in response.text) is retired


def test_a_retired_badge_appears_on_its_template_page_after_acceptance(client):
    template = certification_template(retired=True)
    user = UserFactory()
    award = award_issue(template=template, email=user.email, name="Lin Park")
    client.force_login(user)
    client.post(reverse("award_accept", args=[award.public_id]))

    response = client.get(reverse("badge_template_detail", args=[template.slug]))

    assert "Retired on July 13, 2023" in response.text
    assert f'href="/badges/{award.public_id}/"' in response.text
