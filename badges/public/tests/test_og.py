import io
import re
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from badges.awards.services import award_revoke
from badges.models import BadgeTemplate
from badges.public.og_image import load_font, render_og_image
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory

pytestmark = pytest.mark.django_db

SITE = "https://badges.example.org"


@pytest.fixture
def award():
    return AcceptedAwardFactory(template=BadgeTemplateFactory(name="Contoso Certified: Security Engineer"))


def meta_tags(content):
    """{property or name: content} for every <meta> tag on the page."""
    tags = {}
    for match in re.finditer(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', content):
        tags[match.group(1)] = unescape(match.group(2))
    return tags


def png_size(data):
    image = Image.open(io.BytesIO(data))
    return image.format, image.size


def test_public_page_has_open_graph_and_twitter_tags_with_absolute_urls(client, award):
    content = client.get(reverse("award_public", args=[award.public_id])).content.decode()

    tags = meta_tags(content)
    public_url = SITE + reverse("award_public", args=[award.public_id])
    image_url = SITE + reverse("award_og_image", args=[award.public_id])
    assert tags["og:title"] == f"Contoso Certified: Security Engineer · {award.recipient_name}"
    assert "Contoso Certification Program" in tags["og:description"]
    assert tags["og:url"] == public_url
    assert tags["og:type"] == "website"
    assert tags["og:image"] == image_url
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert "Contoso Certified: Security Engineer" in tags["og:image:alt"]
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == image_url
    assert tags["twitter:image:alt"] == tags["og:image:alt"]
    assert f'<link rel="canonical" href="{public_url}">' in content


def test_description_of_a_revoked_badge_says_revoked(client, award):
    award_revoke(award=award, reason="Annulled.")

    content = client.get(reverse("award_public", args=[award.public_id])).content.decode()

    assert "(revoked)" in meta_tags(content)["og:description"]


def test_og_image_is_a_1200_by_630_png(client, award):
    response = client.get(reverse("award_og_image", args=[award.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"]
    assert png_size(response.content) == ("PNG", (1200, 630))


def test_og_image_uses_the_badge_image(client, award):
    upload = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 30, 30)).save(upload, format="PNG")
    template = award.template
    template.image = SimpleUploadedFile("security.png", upload.getvalue(), content_type="image/png")
    template.save()

    response = client.get(reverse("award_og_image", args=[award.public_id]))

    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert image.size == (1200, 630)
    assert image.getpixel((80 + 180, 315)) == (200, 30, 30)


def test_og_image_survives_a_missing_image_file(client, award):
    BadgeTemplate.objects.filter(pk=award.template_id).update(image="badges/gone.png")

    response = client.get(reverse("award_og_image", args=[award.public_id]))

    assert png_size(response.content) == ("PNG", (1200, 630))


def test_og_image_is_served_from_cache_the_second_time(client, award, django_assert_num_queries):
    first = client.get(reverse("award_og_image", args=[award.public_id]))

    with django_assert_num_queries(1):
        second = client.get(reverse("award_og_image", args=[award.public_id]))

    assert second.content == first.content


def test_og_image_changes_when_the_badge_is_renamed(client, award, django_capture_on_commit_callbacks):
    first = client.get(reverse("award_og_image", args=[award.public_id])).content
    template = BadgeTemplate.objects.get(pk=award.template_id)
    with django_capture_on_commit_callbacks(execute=True):
        template.name = "Contoso Certified: Security Engineer Expert"
        template.save()

    second = client.get(reverse("award_og_image", args=[award.public_id])).content

    assert second != first


def test_without_dejavu_the_font_falls_back_to_pillows_scalable_one():
    typeface = load_font(48, [Path("/nonexistent/DejaVuSans.ttf")])

    assert typeface.size == 48
    assert typeface.getbbox("Badge")[3] > 30


def test_og_image_fits_long_names():
    png = render_og_image(
        badge_name="A very long certification name " * 6,
        earner_name="Someone With A Long Name " * 3,
        issuer_name="Contoso",
        site_name="badgeportal",
        status="Expired",
    )

    assert png_size(png) == ("PNG", (1200, 630))


def test_a_long_title_is_cut_to_its_lines_with_an_ellipsis():
    from PIL import Image, ImageDraw

    from badges.public.og_image import font, wrap_lines

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    typeface = font(40, bold=True)

    lines = wrap_lines(draw, "word " * 60, typeface, 400, max_lines=3)

    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(draw.textlength(line, font=typeface) <= 400 for line in lines)
