"""Checking uploaded images: profile photos here, badge artwork in `badges.catalog.images`.

Every image we store is one we encoded ourselves. An upload is size-checked, opened by Pillow with its
format and dimensions checked before anything is decoded, verified, and handed back decoded; the caller
re-encodes it, so no byte of the original (a script hidden after the image data, metadata, a second
format) reaches the site.
"""

import uuid
import warnings
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Far above any sensible badge or photo, far below what would exhaust memory when decoded.
MAX_UPLOAD_PIXELS = 4096 * 4096
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
NOT_AN_IMAGE = "Upload a PNG, JPEG or WebP image (SVG and other formats are not accepted)."

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_SIZE = 400


def _refuse(message, code):
    raise ValidationError(message, code=code)


def _read(uploaded_file, max_bytes):
    too_large = f"The file is larger than {max_bytes // (1024 * 1024)} MB."
    if uploaded_file.size is not None and uploaded_file.size > max_bytes:
        _refuse(too_large, "too_large")
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:  # the size a client declares is not to be trusted
        _refuse(too_large, "too_large")
    return data


def _decode(data):
    with warnings.catch_warnings():
        # Pillow only warns for images between its limit and twice that; here a warning is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                _refuse(NOT_AN_IMAGE, "format")
            width, height = image.size
            if width * height > MAX_UPLOAD_PIXELS:
                _refuse(
                    f"The image is {width}x{height} pixels; the limit is {MAX_UPLOAD_PIXELS:,} pixels in all.",
                    "too_many_pixels",
                )
            image.verify()
            # verify() leaves the image unusable: decode a fresh copy.
            image = Image.open(BytesIO(data))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse("The image claims to be too large to open safely.", "too_many_pixels")
        except UnidentifiedImageError:
            _refuse(NOT_AN_IMAGE, "format")
        except (OSError, SyntaxError, ValueError, EOFError):
            _refuse("The image file is damaged or incomplete.", "damaged")
    return image


def image_upload_open(uploaded_file, *, max_bytes):
    """The uploaded image, checked and decoded, upright as its camera meant it.

    Raises ValidationError with a message for the person who uploaded it.
    """
    return ImageOps.exif_transpose(_decode(_read(uploaded_file, max_bytes)))


def photo_clean(uploaded_file):
    """A profile photo, checked and re-encoded as a square JPEG (cropped to its centre), with a new name."""
    image = image_upload_open(uploaded_file, max_bytes=PHOTO_MAX_BYTES).convert("RGBA")
    # A transparent background reads as white, not JPEG's black.
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image)
    out = BytesIO()
    ImageOps.fit(flat, (PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS).save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
