from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import UserFactory
from badges.catalog.forms import CertificationAdminForm
from badges.models import Status
from badges.tests.factories import BadgeTemplateFactory, CertificationFactory, ExamFactory, IssuerFactory
from badges.tests.images import PNG_SIGNATURE, image_bytes, png_claiming

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def template_form_data(template, **changes):
    return {
        "issuer": template.issuer_id,
        "certification": template.certification_id,
        "exam": "",
        "slug": template.slug,
        "name": template.name,
        "description": template.description,
        "criteria": template.criteria,
        "skills": "[]",
        "validity_months": "",
        **changes,
    }


def _issuer_form(issuer, **changes):
    fields = {name: getattr(issuer, name) for name in ("name", "slug", "url", "email", "description")}
    return {**fields, "image": "", **changes}


def test_staff_set_the_issuers_linkedin_organization_id_in_the_admin(staff_client):
    issuer = IssuerFactory()

    response = staff_client.post(
        reverse("admin:badges_issuer_change", args=[issuer.pk]), _issuer_form(issuer, linkedin_organization_id="1035")
    )

    assert response.status_code == 302
    issuer.refresh_from_db()
    assert issuer.linkedin_organization_id == "1035"


def test_a_linkedin_organization_id_is_digits_only(staff_client):
    issuer = IssuerFactory()
    url = reverse("admin:badges_issuer_change", args=[issuer.pk])

    response = staff_client.post(url, _issuer_form(issuer, linkedin_organization_id="contoso"))

    assert response.status_code == 200
    assert "Digits only" in response.content.decode()
    issuer.refresh_from_db()
    assert issuer.linkedin_organization_id == ""


def test_the_admin_shows_why_an_svg_was_refused(staff_client):
    template = BadgeTemplateFactory()
    svg = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml")

    response = staff_client.post(
        reverse("admin:badges_badgetemplate_change", args=[template.pk]), template_form_data(template, image=svg)
    )

    assert response.status_code == 200
    assert "Upload a PNG, JPEG or WebP image (SVG and other formats are not accepted)." in response.text
    template.refresh_from_db()
    assert not template.image


def test_the_admin_shows_why_a_decompression_bomb_was_refused(staff_client):
    template = BadgeTemplateFactory()
    bomb = SimpleUploadedFile("bomb.png", png_claiming(20000, 20000), content_type="image/png")

    response = staff_client.post(
        reverse("admin:badges_badgetemplate_change", args=[template.pk]), template_form_data(template, image=bomb)
    )

    assert "too large to open safely" in response.text


def test_an_uploaded_image_is_stored_as_a_square_png_under_a_generated_name(staff_client):
    template = BadgeTemplateFactory()
    photo = SimpleUploadedFile("My Badge.jpg", image_bytes("JPEG", (900, 500)), content_type="image/jpeg")

    response = staff_client.post(
        reverse("admin:badges_badgetemplate_change", args=[template.pk]), template_form_data(template, image=photo)
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.image.name.startswith("badges/") and "My Badge" not in template.image.name
    data = template.image.read()
    assert data.startswith(PNG_SIGNATURE)
    assert Image.open(BytesIO(data)).size == (600, 600)
    change_page = staff_client.get(reverse("admin:badges_badgetemplate_change", args=[template.pk]))
    assert f'src="{template.image.url}"' in change_page.text


def test_retiring_an_exam_in_admin_without_a_date_retires_it_today(staff_client):
    exam = ExamFactory()

    response = staff_client.post(
        reverse("admin:badges_exam_change", args=[exam.pk]),
        {"code": exam.code, "title": exam.title, "product": "", "status": "retired", "retired_on": ""},
    )

    assert response.status_code == 302
    exam.refresh_from_db()
    assert (exam.status, exam.retired_on) == (Status.RETIRED, timezone.localdate())


def test_retiring_a_certification_keeps_the_date_staff_gave():
    cert = CertificationFactory()
    form = CertificationAdminForm(
        data={"name": cert.name, "slug": cert.slug, "status": "retired", "retired_on": "2024-06-30", "skills": "[]"},
        instance=cert,
    )

    assert form.is_valid(), form.errors
    assert str(form.save().retired_on) == "2024-06-30"


def test_an_active_certification_cannot_carry_a_retirement_date():
    cert = CertificationFactory()
    form = CertificationAdminForm(
        data={"name": cert.name, "slug": cert.slug, "status": "active", "retired_on": "2024-06-30", "skills": "[]"},
        instance=cert,
    )

    assert not form.is_valid()
    assert "Only a retired row has a retirement date" in str(form.errors["retired_on"])
