"""Badge template images: checking uploads, drawing a default emblem, and the sized copies pages serve.

Every image we store is one we encoded ourselves: an upload is checked and decoded by
`accounts.images` (which profile photos go through too) and re-encoded as a fresh square PNG,
so no byte of the original reaches the site or the Open Badges bakers.

The 600 px image is what Open Badges publish and bake. Pages show badges at 128 to 256 CSS pixels, so
next to each image we store copies at RENDITION_SIZES in PNG and WebP, named after it
(`rendition_name`), and pages offer them through `srcset` (the `badge_image` template tag).
"""

import math
import re
import uuid
from io import BytesIO

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont, ImageOps

from accounts.images import image_upload_open

from ..models import BadgeTemplate
from ..public import cache as public_cache

BADGE_SIZE = 600
# Grids show 128 px, the public page 256 px; 512 serves the public page on high-density screens.
RENDITION_SIZES = (128, 256, 512)
RENDITION_FORMATS = {"webp": "WEBP", "png": "PNG"}
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _square_png(image):
    image = image.convert("RGBA")
    image.thumbnail((BADGE_SIZE, BADGE_SIZE), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (BADGE_SIZE, BADGE_SIZE), (0, 0, 0, 0))
    canvas.paste(image, ((BADGE_SIZE - image.width) // 2, (BADGE_SIZE - image.height) // 2), image)
    out = BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _new_name():
    return f"{uuid.uuid4().hex}.png"


def badge_image_clean(uploaded_file):
    """Check an uploaded badge image and return it re-encoded as a square PNG with a generated name.

    Raises ValidationError with a message for the person who uploaded it.
    """
    image = image_upload_open(uploaded_file, max_bytes=MAX_UPLOAD_BYTES)
    return ContentFile(_square_png(image), name=_new_name())


# Default emblems for templates without artwork.

PALETTE = {
    "Azure": (0, 90, 158),
    "Microsoft 365": (164, 38, 44),
    "Dynamics 365": (0, 45, 114),
    "Power Platform": (116, 39, 116),
    "Security": (16, 90, 60),
    "Fabric and Data": (17, 94, 89),
    "Office": (183, 71, 42),
    "Developer": (60, 60, 130),
    "Education": (120, 76, 20),
}
DEFAULT_COLOUR = (55, 65, 81)
LEVEL_MARKS = {"Fundamentals": 1, "Associate": 2, "Expert": 3, "Specialty": 2}
NAME_PREFIXES = re.compile(r"^(Microsoft (365 )?Certified|Microsoft Office Specialist|MCSA|MCSE|MCSD|MTA)\s*:\s*")


def short_name(template):
    """What fits on the emblem: an exam's code, or a certification's name without the program prefix."""
    if template.exam_id:
        return template.exam.code
    return NAME_PREFIXES.sub("", template.name) or template.name


def _product(template):
    recognized = template.recognized
    return recognized.product if recognized else ""


def _hexagon(centre, radius):
    cx, cy = centre
    return [
        (cx + radius * math.cos(math.radians(60 * i - 90)), cy + radius * math.sin(math.radians(60 * i - 90)))
        for i in range(6)
    ]


def wrap_text(draw, text, font, width):
    """Break `text` into lines no wider than `width`; a single word wider than that keeps a line of its own."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _fitted_lines(draw, text, max_width, max_height):
    """The largest font size (bundled scalable font, no system fonts) at which `text` fits the box."""
    for size in range(64, 17, -4):
        font = ImageFont.load_default(size=size)
        lines = wrap_text(draw, text, font, max_width)
        if len(lines) * size * 1.2 <= max_height and all(draw.textlength(x, font=font) <= max_width for x in lines):
            return font, size, lines
    font = ImageFont.load_default(size=18)
    return font, 18, wrap_text(draw, text, font, max_width)[:6]


def badge_image_draw(template):
    """A clean emblem: a hexagon in the product's colour with the short name and the level."""
    colour = PALETTE.get(_product(template), DEFAULT_COLOUR)
    size, centre = BADGE_SIZE, (BADGE_SIZE / 2, BADGE_SIZE / 2)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon(_hexagon(centre, 290), fill=(255, 255, 255, 255))
    draw.polygon(_hexagon(centre, 276), fill=colour + (255,))
    draw.polygon(_hexagon(centre, 246), outline=(255, 255, 255, 190), width=4)

    font, font_size, lines = _fitted_lines(draw, short_name(template), 330, 220)
    line_height = font_size * 1.2
    top = centre[1] - 40 - line_height * len(lines) / 2
    for number, line in enumerate(lines):
        draw.text((centre[0], top + number * line_height), line, font=font, fill="white", anchor="ma")

    level = template.level or (template.certification.program if template.certification_id else "") or "Badge"
    level_font = ImageFont.load_default(size=30)
    band_top = 410
    draw.rounded_rectangle((150, band_top, 450, band_top + 52), radius=26, fill=(255, 255, 255, 235))
    draw.text((centre[0], band_top + 26), level.upper(), font=level_font, fill=colour, anchor="mm")
    for i in range(LEVEL_MARKS.get(level, 0)):
        x = centre[0] + (i - (LEVEL_MARKS[level] - 1) / 2) * 34
        draw.regular_polygon((x, 500, 10), 5, rotation=0, fill=(255, 255, 255, 255))
    out = BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name=_new_name())


def badge_images_generate():
    """Give every template without artwork a drawn emblem; templates that have one are left alone."""
    missing = list(BadgeTemplate.objects.filter(image="").select_related("certification", "exam"))
    now = timezone.now()
    for template in missing:
        emblem = badge_image_draw(template)
        template.image.save(emblem.name, emblem, save=False)
        template.updated_at = now
    # One write for all rows: a commit per image is most of the run time on SQLite.
    BadgeTemplate.objects.bulk_update(missing, ["image", "updated_at"], batch_size=200)
    # bulk_update sends no post_save: clear what shows the image (the page, the assertion's baked image).
    public_cache.invalidate_templates(template.pk for template in missing)
    return len(missing)


# Sized copies


def rendition_name(image_name, size, ext):
    """`badges/ab12.png` at 128 px in WebP is `badges/ab12-128.webp`: derived, so pages need not look it up."""
    return f"{image_name.rsplit('.', 1)[0]}-{size}.{ext}"


def _encode(image, fmt):
    # Fast settings: a catalog of hundreds of images is sized in well under a minute, files a few percent larger.
    out = BytesIO()
    image.save(out, format=fmt, **({"quality": 85, "method": 2} if fmt == "WEBP" else {}))
    return out.getvalue()


def badge_image_renditions_write(template):
    """Store the sized copies of the template's image next to it, through its storage (the disk or S3), and
    record which image they were made from. The caller saves the template."""
    storage = template.image.storage
    with template.image.open("rb") as handle, Image.open(handle) as source:
        source = source.convert("RGBA")
    for size in RENDITION_SIZES:
        resized = ImageOps.fit(source, (size, size), Image.Resampling.LANCZOS)
        for ext, fmt in RENDITION_FORMATS.items():
            name = rendition_name(template.image.name, size, ext)
            # A rerun replaces the file: the local storage would save under another name beside it.
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, ContentFile(_encode(resized, fmt)))
    template.image_renditions_of = template.image.name


def badge_image_renditions_make(*, template):
    """Make the sized copies of a template's image unless they exist; after an upload, say."""
    if not template.image or template.image_renditions_of == template.image.name:
        return False
    badge_image_renditions_write(template)
    template.save(update_fields=["image_renditions_of", "updated_at"])
    return True


def badge_image_renditions_generate(*, redo=False):
    """Make the sized copies every template image lacks (all of them again with `redo`); returns how many."""
    templates = BadgeTemplate.objects.exclude(image="")
    if not redo:
        templates = templates.exclude(image_renditions_of=F("image"))
    templates = list(templates)
    now = timezone.now()
    for template in templates:
        badge_image_renditions_write(template)
        template.updated_at = now
    BadgeTemplate.objects.bulk_update(templates, ["image_renditions_of", "updated_at"], batch_size=200)
    # bulk_update sends no post_save: clear the pages that show the image.
    public_cache.invalidate_templates(template.pk for template in templates)
    return len(templates)
