from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from badges.catalog.images import BADGE_SIZE, MAX_UPLOAD_BYTES, badge_image_clean
from badges.tests.images import PNG_SIGNATURE, image_bytes, png_claiming

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def upload(data, name="badge.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(data, **kwargs):
    with pytest.raises(ValidationError) as caught:
        badge_image_clean(upload(data, **kwargs))
    return caught.value


def assert_fresh_square_png(content):
    data = content.read()
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(BytesIO(data))
    assert (image.format, image.size, image.mode) == ("PNG", (BADGE_SIZE, BADGE_SIZE), "RGBA")
    return data, image


@pytest.mark.parametrize(
    "width,height",
    [
        (20000, 20000),  # Past twice Pillow's limit: Pillow raises.
        (10000, 10000),  # Past Pillow's limit: Pillow only warns, we refuse.
        (5000, 5000),  # Below Pillow's limit, above ours.
    ],
)
def test_a_decompression_bomb_is_refused(width, height):
    error = refusal(png_claiming(width, height))

    assert error.code == "too_many_pixels"


def test_an_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'

    error = refusal(svg, name="badge.svg", content_type="image/svg+xml")

    assert error.code == "format"
    assert "SVG" in error.message


def test_a_gif_script_polyglot_is_refused():
    error = refusal(image_bytes("GIF") + b"/*" + SCRIPT + b"*/", name="badge.gif", content_type="image/gif")

    assert error.code == "format"


def test_a_png_with_html_appended_is_reencoded_without_the_original_bytes():
    original = image_bytes("PNG") + SCRIPT

    data, _ = assert_fresh_square_png(badge_image_clean(upload(original)))

    assert b"<script" not in data
    assert original[:200] not in data


def test_an_oversize_file_is_refused_before_decoding():
    error = refusal(b"\x89PNG" + b"\0" * MAX_UPLOAD_BYTES)

    assert error.code == "too_large"


def test_a_truncated_png_is_refused():
    error = refusal(image_bytes("PNG")[:60])

    assert error.code == "damaged"


@pytest.mark.parametrize("fmt,size", [("PNG", (300, 150)), ("JPEG", (800, 400)), ("WEBP", (200, 200))])
def test_an_accepted_image_becomes_a_centred_square_png(fmt, size):
    content = badge_image_clean(upload(image_bytes(fmt, size), name=f"badge.{fmt.lower()}"))

    _, image = assert_fresh_square_png(content)
    assert content.name.endswith(".png") and len(content.name) == 36  # uuid4 hex + ".png"
    assert image.getpixel((BADGE_SIZE // 2, BADGE_SIZE // 2))[3] == 255
    if size[0] > size[1]:
        assert image.getpixel((BADGE_SIZE // 2, 5))[3] == 0  # Transparent above a wide image.


def test_each_upload_gets_a_new_name():
    first = badge_image_clean(upload(image_bytes()))
    second = badge_image_clean(upload(image_bytes()))

    assert first.name != second.name
