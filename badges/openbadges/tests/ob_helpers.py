"""Shared arrangements for the Open Badges tests."""

import io

from django.core.files.base import ContentFile
from PIL import Image


def png_bytes(size=(32, 32), color=(20, 90, 200, 255)):
    buffer = io.BytesIO()
    Image.new("RGBA", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def give_image(template):
    template.image.save(f"{template.slug}.png", ContentFile(png_bytes()), save=True)
    return template
