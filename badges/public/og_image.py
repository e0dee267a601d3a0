"""The 1200x630 picture link previews show (Open Graph, Twitter cards), drawn with Pillow."""

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from ..catalog.images import wrap_text

WIDTH, HEIGHT = 1200, 630
BADGE_SIZE = 360
BACKGROUND = (245, 247, 251)
PRIMARY = (29, 78, 216)
TEAL = (15, 118, 110)
TEXT = (27, 35, 48)
MUTED = (74, 85, 104)
DANGER = (185, 28, 28)
WARNING = (138, 75, 0)

# Debian's DejaVu when present; elsewhere Pillow's own scalable font (Pillow >= 10.1) draws the same layout.
FONT_FILES = {
    True: [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")],
    False: [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")],
}


def load_font(size, paths):
    for path in paths:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


@cache
def font(size, *, bold=False):
    return load_font(size, FONT_FILES[bold])


def wrap_lines(draw, text, typeface, max_width, max_lines):
    """Like `wrap_text`, at most `max_lines` lines, the last one ending in an ellipsis if text was cut."""
    lines = wrap_text(draw, text, typeface, max_width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(last + "…", font=typeface) > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _badge_picture(image_file, name):
    """The badge's own image in a circle, or the same lettered placeholder the site shows."""
    size = (BADGE_SIZE, BADGE_SIZE)
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, *size), fill=255)
    picture = None
    if image_file:
        try:
            with image_file.open("rb") as handle, Image.open(handle) as source:
                picture = ImageOps.fit(source.convert("RGBA"), size, Image.Resampling.LANCZOS)
        except (OSError, ValueError):
            picture = None  # A missing or broken file still gets a preview.
    if picture is None:
        picture = Image.new("RGBA", size)
        gradient = Image.linear_gradient("L").resize(size).rotate(45)
        picture.paste(Image.composite(Image.new("RGBA", size, TEAL), Image.new("RGBA", size, PRIMARY), gradient))
        draw = ImageDraw.Draw(picture)
        draw.text(
            (BADGE_SIZE / 2, BADGE_SIZE / 2),
            (name[:1] or "?").upper(),
            font=font(160, bold=True),
            fill="white",
            anchor="mm",
        )
    circle = Image.new("RGBA", size, (0, 0, 0, 0))
    circle.paste(picture, (0, 0), mask)
    return circle


def render_og_image(*, badge_name, earner_name, issuer_name, site_name, image_file=None, status=""):
    """Return PNG bytes. `status` ("Revoked", "Expired") is stamped so a preview never looks valid when it is not."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, WIDTH, 12), fill=PRIMARY)

    left = 80
    top = (HEIGHT - BADGE_SIZE) // 2
    picture = _badge_picture(image_file, badge_name)
    canvas.paste(picture, (left, top), picture)

    x = left + BADGE_SIZE + 70
    max_width = WIDTH - x - 70
    y = 120
    draw.text((x, y), site_name.upper(), font=font(26, bold=True), fill=PRIMARY)
    y += 56
    title_font = font(54, bold=True)
    for line in wrap_lines(draw, badge_name, title_font, max_width, max_lines=3):
        draw.text((x, y), line, font=title_font, fill=TEXT)
        y += 66
    y += 20
    body_font = font(32)
    for line in wrap_lines(draw, f"Earned by {earner_name}", body_font, max_width, max_lines=1):
        draw.text((x, y), line, font=body_font, fill=TEXT)
        y += 46
    for line in wrap_lines(draw, f"Issued by {issuer_name}", body_font, max_width, max_lines=2):
        draw.text((x, y), line, font=body_font, fill=MUTED)
        y += 46
    if status:
        y += 14
        draw.text((x, y), status.upper(), font=font(34, bold=True), fill=DANGER if status == "Revoked" else WARNING)

    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
