import io
import json
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, PngImagePlugin

from badges.openbadges import baking, keys
from badges.openbadges.tests.ob_helpers import give_image, png_bytes
from badges.tests.factories import AcceptedAwardFactory


def _chunks(data):
    return list(baking.iter_chunks(data))


def _itxt_chunks(data, keyword):
    return [d for t, d in _chunks(data) if t == b"iTXt" and d.split(b"\x00", 1)[0] == keyword.encode()]


def test_bake_then_unbake_gives_back_the_same_text():
    text = json.dumps({"id": "https://badges.example.org/ob/v2/assertions/x", "name": "Zoë"})

    baked = baking.bake(png_bytes(), text)

    assert baking.unbake(baked) == text


def test_baked_png_has_exactly_one_uncompressed_itxt_chunk_and_still_decodes():
    once = baking.bake(png_bytes(), "first")

    twice = baking.bake(once, "second")

    chunks = _itxt_chunks(twice, "openbadges")
    assert len(chunks) == 1
    keyword_end = chunks[0].index(b"\x00")
    assert chunks[0][keyword_end + 1] == 0  # compression flag: not compressed
    assert baking.unbake(twice) == "second"
    with Image.open(io.BytesIO(twice)) as image:
        image.load()
        assert image.size == (32, 32)


def test_bake_replaces_an_openbadges_chunk_written_by_another_tool():
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", "old data", zip=True)
    info.add_text("Software", "Other tool")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG", pnginfo=info)

    baked = baking.bake(buffer.getvalue(), "new data")

    assert len(_itxt_chunks(baked, "openbadges")) == 1
    assert baking.unbake(baked) == "new data"
    assert any(t == b"tEXt" for t, _ in _chunks(baked))


def test_ob2_and_ob3_chunks_live_side_by_side():
    baked = baking.bake(baking.bake(png_bytes(), "assertion"), "jwt", keyword=baking.OB3_KEYWORD)

    assert baking.unbake(baked, baking.OB2_KEYWORD) == "assertion"
    assert baking.unbake(baked, baking.OB3_KEYWORD) == "jwt"


def test_unbake_reads_a_compressed_itxt_chunk_from_another_tool():
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", "compressed data", zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG", pnginfo=info)

    assert baking.unbake(buffer.getvalue()) == "compressed data"


def test_unbake_of_a_plain_png_finds_nothing():
    assert baking.unbake(png_bytes()) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not a png", "not a PNG"),
        (png_bytes()[:40], "cut short"),
        (png_bytes()[:-1] + b"\x00", "checksum"),
        (baking.PNG_SIGNATURE, "no end marker"),
    ],
    ids=["not-png", "truncated", "bad-crc", "no-iend"],
)
def test_unbake_refuses_broken_files_with_a_reason(data, message):
    with pytest.raises(baking.BakingError, match=message):
        baking.unbake(data)


def test_unbake_refuses_a_compressed_chunk_that_inflates_too_far():
    bomb = zlib.compress(b"a" * (baking.MAX_TEXT_BYTES * 4))
    data = b"openbadges\x00\x01\x00\x00\x00" + bomb
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    png = png_bytes()
    hostile = png[:-12] + chunk + png[-12:]

    with pytest.raises(baking.BakingError, match="too large"):
        baking.unbake(hostile)


@pytest.mark.django_db
def test_baked_png_view_carries_the_hosted_assertion(client):
    award = AcceptedAwardFactory()
    give_image(award.template)
    hosted = client.get(reverse("ob2_assertion", args=[award.public_id])).json()

    response = client.get(reverse("award_baked_png", args=[award.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert json.loads(baking.unbake(response.content)) == hosted


@pytest.mark.django_db
def test_baked_png_of_a_template_stored_as_jpeg_is_a_png(client):
    award = AcceptedAwardFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, format="JPEG")
    award.template.image.save("jpeg-badge.jpg", ContentFile(buffer.getvalue()), save=True)

    response = client.get(reverse("award_baked_png", args=[award.public_id]))

    assert response.content.startswith(baking.PNG_SIGNATURE)
    assert baking.unbake(response.content)


@pytest.mark.django_db
def test_baked_png_without_template_image_answers_404(client):
    award = AcceptedAwardFactory()

    response = client.get(reverse("award_baked_png", args=[award.public_id]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_baked_png_of_revoked_award_answers_410(client):
    award = AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Cheating.")
    give_image(award.template)

    response = client.get(reverse("award_baked_png", args=[award.public_id]))

    assert response.status_code == 410
    assert response.json()["revocationReason"] == "Cheating."


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["award_baked_png", "award_baked_ob3_png"])
def test_a_browser_downloading_a_revoked_badge_gets_a_readable_page(client, url_name):
    award = AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Exam result withdrawn.")
    give_image(award.template)

    response = client.get(reverse(url_name, args=[award.public_id]), headers={"Accept": BROWSER_ACCEPT})

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]
    assert "This badge was revoked" in response.text
    assert "Exam result withdrawn." in response.text
    assert reverse("award_public", args=[award.public_id]) in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("accept", [None, "*/*", "image/png", "application/ld+json", "image/png,text/html;q=0.9"])
def test_a_machine_downloading_a_revoked_badge_still_gets_the_json_410(client, accept):
    award = AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Cheating.")
    give_image(award.template)
    headers = {"Accept": accept} if accept else {}

    response = client.get(reverse("award_baked_png", args=[award.public_id]), headers=headers)

    assert response.status_code == 410
    assert response.json() == {**response.json(), "revoked": True, "revocationReason": "Cheating."}


@pytest.mark.django_db
def test_a_browser_downloading_a_valid_badge_gets_the_png(client):
    award = AcceptedAwardFactory()
    give_image(award.template)

    response = client.get(reverse("award_baked_png", args=[award.public_id]), headers={"Accept": BROWSER_ACCEPT})

    assert response.status_code == 200
    assert response.content.startswith(baking.PNG_SIGNATURE)


@pytest.mark.django_db
def test_baked_png_queries(client, django_assert_num_queries):
    award = AcceptedAwardFactory()
    give_image(award.template)
    keys.issuer_key_active(issuer=award.template.issuer)
    url = reverse("award_baked_png", args=[award.public_id])

    with django_assert_num_queries(6):  # the stored documents, then their build (see test_public_page)
        client.get(url)
    with django_assert_num_queries(1):  # the stored assertion; the image's cut is kept in the process
        client.get(url)
