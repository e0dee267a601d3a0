import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.models import AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory

from .pdf_reading import pdf_reader, pdf_text, qr_codes_on_page

pytestmark = pytest.mark.django_db

SITE = "https://badges.example.org"  # conftest's SITE_URL


@pytest.fixture
def earner():
    return UserFactory(full_name="Katherine Johnson", handle="katherine", headline="Orbital mechanics")


def _badge(earner, name, **fields):
    return AcceptedAwardFactory(earner=earner, template=BadgeTemplateFactory(name=name), **fields)


def verify_url(award):
    return SITE + reverse("award_verify", args=[award.public_id])


def test_transcript_lists_public_badges_each_linking_its_verification(client, earner):
    shown = _badge(earner, "Shown Badge")
    expired = _badge(earner, "Expired Badge", issued_on="2020-01-01", expires_on="2021-01-01")
    _badge(earner, "Hidden Badge", is_public=False)
    _badge(earner, "Revoked Badge", revoked_at=timezone.now(), revocation_reason="Exam withdrawn")
    AwardFactory(earner=earner, template=BadgeTemplateFactory(name="Pending Badge"))
    AwardFactory(earner=earner, state=AwardState.DECLINED, template=BadgeTemplateFactory(name="Declined Badge"))
    _badge(UserFactory(), "Someone Else's Badge")

    response = client.get(reverse("transcript", args=["katherine"]))

    content = response.text
    assert response.status_code == 200
    assert "Katherine Johnson" in content and "Orbital mechanics" in content
    assert "2 badges as of" in content
    for award in (shown, expired):
        assert reverse("award_verify", args=[award.public_id]) in content
        assert reverse("award_public", args=[award.public_id]) in content
        assert reverse("award_certificate", args=[award.public_id]) in content
    assert 'class="pill pill-expired"' in content
    for left_off in ("Hidden Badge", "Revoked Badge", "Pending Badge", "Declined Badge", "Someone Else"):
        assert left_off not in content
    assert reverse("transcript_pdf", args=["katherine"]) in content
    assert earner.email not in content


def test_transcript_of_a_private_profile_answers_404_to_visitors_and_its_pdf_to_everyone(client, earner):
    earner.profile_public = False
    earner.save()
    _badge(earner, "Shown Badge")

    assert client.get(reverse("transcript", args=["katherine"])).status_code == 404
    assert client.get(reverse("transcript_pdf", args=["katherine"])).status_code == 404
    client.force_login(earner)
    assert client.get(reverse("transcript_pdf", args=["katherine"])).status_code == 404


def test_the_owner_of_a_private_profile_sees_what_visitors_will_without_a_pdf_to_share(client, earner):
    earner.profile_public = False
    earner.save()
    _badge(earner, "Shown Badge")
    client.force_login(earner)

    response = client.get(reverse("transcript", args=["katherine"]))

    assert response.status_code == 200
    assert "Only you can see this page" in response.text
    assert "Shown Badge" in response.text
    assert reverse("transcript_pdf", args=["katherine"]) not in response.text


def test_a_deactivated_account_has_no_transcript(client, earner):
    earner.is_active = False
    earner.save()

    assert client.get(reverse("transcript", args=["katherine"])).status_code == 404
    assert client.get(reverse("transcript_pdf", args=["katherine"])).status_code == 404


def test_old_addresses_lead_to_the_handle(client, earner):
    page = client.get(reverse("transcript", args=[earner.public_id]))
    pdf = client.get(reverse("transcript_pdf", args=["KATHERINE"]))

    assert page.status_code == 302 and page["Location"] == reverse("transcript", args=["katherine"])
    assert pdf.status_code == 302 and pdf["Location"] == reverse("transcript_pdf", args=["katherine"])


def test_an_empty_transcript_says_how_badges_get_there(client, earner):
    client.force_login(earner)

    response = client.get(reverse("transcript", args=["katherine"]))

    assert "No public badges yet" in response.text
    assert reverse("wallet") in response.text


def test_transcript_query_count_does_not_grow_with_badges(client, earner, django_assert_num_queries):
    for number in range(6):
        _badge(earner, f"Badge {number}")

    with django_assert_num_queries(2):  # the person, their badges with catalog rows
        client.get(reverse("transcript", args=["katherine"]))
    with django_assert_num_queries(2):
        response = client.get(reverse("transcript_pdf", args=["katherine"]))
    assert response.status_code == 200


def test_transcript_pdf_lists_every_public_badge_with_its_verify_address(client, earner):
    shown = _badge(earner, "Shown Badge", issued_on="2025-03-04")
    expired = _badge(earner, "Expired Badge", issued_on="2020-01-01", expires_on="2021-01-01")
    _badge(earner, "Revoked Badge", revoked_at=timezone.now(), revocation_reason="Exam withdrawn")
    _badge(earner, "Hidden Badge", is_public=False)

    response = client.get(reverse("transcript_pdf", args=["katherine"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="transcript-katherine.pdf"'
    assert response["Cache-Control"] == "no-cache"
    text = pdf_text(response.content)
    assert "Transcript of badges" in text and "Katherine Johnson" in text and "Orbital mechanics" in text
    assert "Shown Badge" in text and "March 4, 2025" in text
    assert "Expired Badge" in text and "Expired on January 1, 2021" in text
    assert verify_url(shown) in text and verify_url(expired) in text
    assert "Revoked Badge" not in text and "Hidden Badge" not in text
    assert pdf_reader(response.content).metadata.title == "Transcript of badges: Katherine Johnson"


def test_transcript_pdf_links_each_badges_verify_page(client, earner):
    award = _badge(earner, "Shown Badge")

    reader = pdf_reader(client.get(reverse("transcript_pdf", args=["katherine"])).content)

    links = [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[0]["/Annots"]]
    assert verify_url(award) in links
    assert SITE + reverse("transcript", args=["katherine"]) in links


def test_transcript_pdf_qr_code_opens_the_transcript_page(client, earner):
    _badge(earner, "Shown Badge")

    content = client.get(reverse("transcript_pdf", args=["katherine"])).content

    assert qr_codes_on_page(content) == [SITE + reverse("transcript", args=["katherine"])]


def test_a_long_transcript_runs_over_pages_and_keeps_the_names_as_written(client):
    earner = UserFactory(full_name="Zoë Ångström-Łukasiewicz", handle="zoe")
    for number in range(30):
        _badge(earner, f"Badge number {number}")

    content = client.get(reverse("transcript_pdf", args=["zoe"])).content

    assert len(pdf_reader(content).pages) > 1
    text = pdf_text(content)
    assert "Zoë Ångström-Łukasiewicz" in text
    assert all(f"Badge number {number}" in text for number in range(30))


def test_the_pdfs_are_rate_limited(client, earner, settings):
    settings.PDF_RATE_LIMIT = "2/m"
    award = _badge(earner, "Shown Badge")

    answers = [client.get(reverse("transcript_pdf", args=["katherine"])).status_code for _ in range(2)]
    answers.append(client.get(reverse("award_certificate", args=[award.public_id])).status_code)

    assert answers == [200, 200, 429]


def test_the_earner_reaches_the_transcript_from_the_wallet_the_profile_and_the_footer(client, earner):
    client.force_login(earner)
    transcript = reverse("transcript", args=["katherine"])

    assert transcript in client.get(reverse("wallet")).text
    assert transcript in client.get(reverse("profile_public", args=["katherine"])).text
    footer = client.get(reverse("help")).text.split('class="site-footer"')[1]
    assert transcript in footer


def test_visitors_reach_the_transcript_from_the_public_profile(client, earner):
    assert reverse("transcript", args=["katherine"]) in client.get(reverse("profile_public", args=["katherine"])).text


def test_transcript_pdf_dates_the_statuses_it_shows(client, earner):
    _badge(earner, "Shown Badge", issued_on="2025-01-01", expires_on=timezone.localdate() + datetime.timedelta(days=9))

    text = pdf_text(client.get(reverse("transcript_pdf", args=["katherine"])).content)

    today = timezone.localdate()
    assert f"as of {today:%B} {today.day}, {today.year}" in text
    assert "Valid until" in text
