"""Sized copies of badge images: made when an image is uploaded or drawn, stored beside it, served by srcset."""

import re
from io import BytesIO, StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import UserFactory
from badges.catalog.images import (
    RENDITION_SIZES,
    badge_image_renditions_generate,
    badge_image_renditions_make,
    rendition_name,
)
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory
from badges.tests.images import image_bytes

pytestmark = pytest.mark.django_db


def with_image(template, name="own.png"):
    template.image.save(name, ContentFile(image_bytes(size=(600, 600))), save=True)
    return template


def stored(name):
    with default_storage.open(name) as handle, Image.open(handle) as image:
        return image.format, image.size


def test_the_name_of_a_copy_derives_from_the_image():
    assert rendition_name("badges/ab12.png", 128, "webp") == "badges/ab12-128.webp"


def test_making_copies_stores_each_size_in_png_and_webp():
    template = with_image(BadgeTemplateFactory())

    assert badge_image_renditions_make(template=template)

    for size in RENDITION_SIZES:
        assert stored(f"badges/own-{size}.png") == ("PNG", (size, size))
        assert stored(f"badges/own-{size}.webp") == ("WEBP", (size, size))
    template.refresh_from_db()
    assert template.image_renditions_of == "badges/own.png"


def test_copies_already_made_for_the_image_are_not_made_again():
    template = with_image(BadgeTemplateFactory())
    badge_image_renditions_make(template=template)

    assert not badge_image_renditions_make(template=template)
    assert badge_image_renditions_generate() == 0


def test_a_new_image_needs_new_copies_and_pages_serve_it_whole_until_then(client):
    award = AcceptedAwardFactory()
    badge_image_renditions_make(template=with_image(award.template))
    with_image(award.template, "newer.png")

    content = client.get(reverse("award_public", args=[award.public_id])).text

    assert "srcset" not in content
    assert 'src="/media/badges/newer.png"' in content
    assert badge_image_renditions_generate() == 1


def test_the_command_sizes_every_image_without_copies_and_redoes_them_on_request():
    with_image(BadgeTemplateFactory(), "a.png")
    with_image(BadgeTemplateFactory(), "b.png")
    BadgeTemplateFactory()  # no image: an emblem is drawn, then sized
    out = StringIO()

    call_command("generate_badge_images", stdout=out)
    call_command("generate_badge_images", stdout=out)
    call_command("generate_badge_images", "--redo-renditions", stdout=out)

    assert out.getvalue().splitlines() == [
        "badge images: 1 generated, 3 sized",
        "badge images: 0 generated, 0 sized",
        "badge images: 0 generated, 3 sized",
    ]
    assert stored("badges/a-512.webp") == ("WEBP", (512, 512))
    assert not default_storage.exists("badges/a-512_1.webp")  # redone in place, not beside


def test_an_upload_in_admin_gets_its_copies(client):
    template = BadgeTemplateFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    photo = SimpleUploadedFile("badge.jpg", image_bytes("JPEG", (400, 400)), content_type="image/jpeg")
    form = {"issuer": template.issuer_id, "exam": "", "certification": template.certification_id}
    form |= {"slug": template.slug, "name": template.name, "description": "", "criteria": "", "skills": "[]"}

    client.post(reverse("admin:badges_badgetemplate_change", args=[template.pk]), {**form, "image": photo})

    template.refresh_from_db()
    assert template.image_renditions_of == template.image.name
    assert stored(rendition_name(template.image.name, 256, "webp")) == ("WEBP", (256, 256))


def test_the_public_page_shows_the_badge_at_256_px_from_its_sized_copies(client):
    award = AcceptedAwardFactory()
    badge_image_renditions_make(template=with_image(award.template))

    content = client.get(reverse("award_public", args=[award.public_id])).text

    picture = re.search(r"<picture.*?</picture>", content, re.S).group(0)
    assert '<source type="image/webp" srcset="/media/badges/own-128.webp 128w, ' in picture
    assert "/media/badges/own-512.webp 512w" in picture
    assert 'sizes="256px"' in picture and 'width="256" height="256"' in picture
    assert 'src="/media/badges/own-256.png"' in picture


def test_grids_show_the_badge_at_128_px(client):
    award = AcceptedAwardFactory()
    badge_image_renditions_make(template=with_image(award.template))

    content = client.get(reverse("profile_public", args=[award.earner.public_id])).text

    assert 'sizes="128px"' in content and 'width="128" height="128"' in content
    assert 'src="/media/badges/own-128.png"' in content


def test_copies_keep_the_image_square_and_transparent():
    template = BadgeTemplateFactory()
    clear = BytesIO()
    Image.new("RGBA", (600, 600), (0, 0, 0, 0)).save(clear, format="PNG")
    template.image.save("clear.png", ContentFile(clear.getvalue()), save=True)

    badge_image_renditions_make(template=template)

    with default_storage.open("badges/clear-128.webp") as handle, Image.open(handle) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0
