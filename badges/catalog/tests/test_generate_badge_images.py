from io import BytesIO, StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image

from badges.tests.factories import BadgeTemplateFactory, ExamFactory
from badges.tests.images import PNG_SIGNATURE, image_bytes

pytestmark = pytest.mark.django_db


def test_templates_without_an_image_get_a_real_square_png():
    template = BadgeTemplateFactory(certification__product="Azure")
    exam_template = BadgeTemplateFactory(certification=None, exam=ExamFactory(code="AZ-900"), name="AZ-900", slug="az")

    call_command("generate_badge_images", stdout=StringIO())

    for item in (template, exam_template):
        item.refresh_from_db()
        data = item.image.read()
        assert data.startswith(PNG_SIGNATURE)
        assert Image.open(BytesIO(data)).size == (600, 600)


def test_an_uploaded_image_is_left_alone_and_a_second_run_does_nothing():
    own = BadgeTemplateFactory()
    own.image.save("own.png", ContentFile(image_bytes()), save=True)
    BadgeTemplateFactory()
    out = StringIO()

    call_command("generate_badge_images", stdout=out)
    call_command("generate_badge_images", stdout=out)

    own.refresh_from_db()
    assert own.image.name == "badges/own.png"
    assert out.getvalue().splitlines() == ["badge images: 1 generated, 2 sized", "badge images: 0 generated, 0 sized"]
