"""Media on S3-compatible storage (a local moto server): uploads, generated emblems, previews and baked
images work as on the local disk, and public URLs come from the storage."""

import json
import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.catalog.images import badge_image_renditions_generate, badge_images_generate, rendition_name
from badges.openbadges import baking
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory
from badges.tests.images import PNG_SIGNATURE, image_bytes

pytestmark = pytest.mark.django_db


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the local S3 server)
        return response.read()


def test_an_uploaded_badge_image_lands_in_the_bucket_and_serves_from_it(s3_storage, client):
    template = BadgeTemplateFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    photo = SimpleUploadedFile("badge.jpg", image_bytes("JPEG", (400, 400)), content_type="image/jpeg")
    form = {"issuer": template.issuer_id, "exam": "", "certification": template.certification_id}
    form |= {"slug": template.slug, "name": template.name, "description": "", "criteria": "", "skills": "[]"}

    response = client.post(
        reverse("admin:badges_badgetemplate_change", args=[template.pk]),
        {**form, "validity_months": "", "image": photo},
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.image.url.startswith(s3_storage + "/badges/")
    assert fetch(template.image.url).startswith(PNG_SIGNATURE)


def test_generated_emblems_previews_and_baked_images_read_from_the_bucket(s3_storage, client):
    award = AcceptedAwardFactory()
    assert badge_images_generate() >= 1
    award.template.refresh_from_db()

    page = client.get(reverse("award_public", args=[award.public_id]))
    badgeclass = json.loads(client.get(reverse("ob2_badgeclass", args=[award.template.slug])).content)
    og = client.get(reverse("award_og_image", args=[award.public_id]))
    baked = client.get(reverse("award_baked_png", args=[award.public_id]))

    image_url = award.template.image.url
    assert image_url.startswith(s3_storage + "/badges/")
    assert image_url in page.text
    assert badgeclass["image"] == image_url
    assert og.status_code == 200 and og.content.startswith(PNG_SIGNATURE)
    assert baked.status_code == 200
    assert json.loads(baking.unbake(baked.content))["id"].endswith(str(award.public_id))


def test_sized_copies_of_badge_images_are_stored_and_served_from_the_bucket(s3_storage, client):
    award = AcceptedAwardFactory()
    badge_images_generate()
    assert badge_image_renditions_generate() == 1
    award.template.refresh_from_db()

    page = client.get(reverse("award_public", args=[award.public_id])).text

    copy_url = s3_storage + "/" + rendition_name(award.template.image.name, 256, "webp")
    assert f"{copy_url} 256w" in page
    assert fetch(copy_url).startswith(b"RIFF")  # a WebP file, publicly readable like the image it copies


def test_the_page_policy_allows_images_from_the_storage_origin():
    from badgeportal.settings import media_origins

    assert media_origins("", "", "") == []
    assert media_origins("b", "http://127.0.0.1:9000", "") == ["http://127.0.0.1:9000"]
    assert media_origins("b", "https://s3.example.net", "media.example.org") == ["https://media.example.org"]


def test_earners_data_downloads_are_not_public_in_the_bucket(s3_storage):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("exports/abc/badgeportal-data.zip", ContentFile(b"PK private"))

    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(default_storage.url(name))
    assert refused.value.code == 403
    with default_storage.open(name) as handle:
        assert handle.read() == b"PK private"  # the app itself still reads it, to hand it to its owner
