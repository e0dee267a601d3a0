from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import UserFactory
from badges.catalog.images import badge_image_renditions_make
from badges.models import AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory

from .pdf_reading import pdf_reader, pdf_text, qr_codes_on_page

pytestmark = pytest.mark.django_db

SITE = "https://badges.example.org"  # conftest's SITE_URL


@pytest.fixture
def award():
    earner = UserFactory(full_name="Zoë Ångström-Łukasiewicz")
    return AcceptedAwardFactory(
        earner=earner,
        template=BadgeTemplateFactory(name="Contoso Certified: Cloud Architect Expert"),
        issued_on="2025-06-02",
        expires_on="2099-06-02",
    )


def certificate(client, award):
    return client.get(reverse("award_certificate", args=[award.public_id]))


def _png(colour="#1d4ed8", size=600):
    buffer = BytesIO()
    Image.new("RGBA", (size, size), colour).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="badge.png")


def test_certificate_names_the_earner_the_badge_its_issuer_and_dates(client, award):
    response = certificate(client, award)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="certificate-{award.public_id}.pdf"'
    reader = pdf_reader(response.content)
    assert len(reader.pages) == 1
    text = pdf_text(response.content)
    assert "Certificate of achievement" in text
    assert "Zoë Ångström-Łukasiewicz" in text
    assert "Contoso Certified: Cloud Architect Expert" in text
    assert "issued by Contoso Certification Program on June 2, 2025" in text
    assert "Valid until June 2, 2099" in text
    assert str(award.public_id) in text
    assert SITE + reverse("award_verify", args=[award.public_id]) in text


def test_certificate_qr_code_opens_the_badges_verify_page(client, award):
    content = certificate(client, award).content

    assert qr_codes_on_page(content) == [SITE + reverse("award_verify", args=[award.public_id])]


def test_certificate_embeds_the_shipped_fonts(client, award):
    reader = pdf_reader(certificate(client, award).content)

    fonts = {str(font["/BaseFont"]).lstrip("/").split("+")[-1]: font for font in _fonts(reader)}
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= set(fonts)
    # Embedded, so a reader without DejaVu draws the same letters. (The QR code's drawing also declares
    # Helvetica, one of the fonts every reader has, and writes nothing in it.)
    assert all("/FontFile2" in _descriptor(fonts[name]) for name in ("DejaVuSans", "DejaVuSans-Bold"))
    assert set(fonts) <= {"DejaVuSans", "DejaVuSans-Bold", "Helvetica"}


def _fonts(reader):
    return [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]


def _descriptor(font):
    if "/DescendantFonts" in font:
        return font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    return font["/FontDescriptor"].get_object()


def test_certificate_of_an_expired_badge_says_so(client, award):
    award.issued_on, award.expires_on = "2020-01-01", "2021-01-01"
    award.save()

    text = pdf_text(certificate(client, award).content)

    assert "Expired on January 1, 2021" in text


def test_certificate_of_a_revoked_badge_is_a_readable_page_not_a_pdf(client, award):
    award.revoked_at, award.revocation_reason = timezone.now(), "Exam result withdrawn"
    award.save()

    response = certificate(client, award)

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "This badge was revoked" in response.text
    assert "no certificate to download" in response.text
    assert "Exam result withdrawn" in response.text


@pytest.mark.parametrize(
    "change",
    [
        {"is_public": False},
        {"state": AwardState.PENDING},
        {"state": AwardState.DECLINED},
    ],
    ids=["private badge", "pending", "declined"],
)
def test_certificate_of_a_badge_the_public_cannot_see_answers_404(client, award, change):
    for name, value in change.items():
        setattr(award, name, value)
    award.save()

    assert certificate(client, award).status_code == 404
    client.force_login(award.earner)
    assert certificate(client, award).status_code == 404


def test_certificate_of_a_private_profile_answers_404(client, award):
    award.earner.profile_public = False
    award.earner.save()

    assert certificate(client, award).status_code == 404


def test_certificate_of_an_unknown_badge_answers_404(client):
    assert client.get("/badges/00000000-0000-4000-8000-000000000000/certificate.pdf").status_code == 404


def test_certificate_draws_the_badge_artwork_from_its_sized_copy(client, award):
    template = award.template
    template.image.save("badge.png", _png(), save=True)
    badge_image_renditions_make(template=template)

    reader = pdf_reader(certificate(client, award).content)

    images = reader.pages[0].images
    assert len(images) == 1
    assert images[0].image.size == (512, 512)


def test_certificate_without_readable_artwork_is_still_drawn(client, award):
    template = award.template
    template.image.save("badge.png", _png(), save=True)
    template.image.storage.delete(template.image.name)

    response = certificate(client, award)

    assert response.status_code == 200
    assert len(pdf_reader(response.content).pages[0].images) == 0


def test_certificate_takes_one_query(client, award, django_assert_num_queries):
    with django_assert_num_queries(1):  # the award with its template, issuer and earner
        certificate(client, award)


def test_the_badge_pages_offer_the_certificate_unless_revoked(client, award):
    revoked = AcceptedAwardFactory(earner=award.earner, revoked_at=timezone.now(), revocation_reason="Withdrawn")
    client.force_login(award.earner)
    link = reverse("award_certificate", args=[award.public_id])

    assert link in client.get(reverse("award_public", args=[award.public_id])).text
    assert link in client.get(award.get_absolute_url()).text  # the owner's page, in its share panel
    revoked_link = reverse("award_certificate", args=[revoked.public_id])
    assert revoked_link not in client.get(reverse("award_public", args=[revoked.public_id])).text
    assert revoked_link not in client.get(revoked.get_absolute_url()).text


def test_a_pending_badge_page_offers_no_certificate(client):
    pending = AwardFactory(earner=UserFactory())
    client.force_login(pending.earner)

    assert reverse("award_certificate", args=[pending.public_id]) not in client.get(pending.get_absolute_url()).text
