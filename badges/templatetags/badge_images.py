from django import template

from ..catalog.images import RENDITION_FORMATS, RENDITION_SIZES, rendition_name

register = template.Library()


@register.inclusion_tag("partials/_badge_image.html")
def badge_image(badge_template, px):
    """The badge's image shown at `px` CSS pixels. Its sized copies go in `srcset`, so the browser fetches the
    smallest one that is sharp on its screen; an image without copies yet is served whole."""
    context = {"template": badge_template, "px": px}
    image = badge_template.image
    if image and badge_template.image_renditions_of == image.name:
        url = image.storage.url
        context["srcsets"] = {
            ext: ", ".join(f"{url(rendition_name(image.name, size, ext))} {size}w" for size in RENDITION_SIZES)
            for ext in RENDITION_FORMATS
        }
        fallback = min((size for size in RENDITION_SIZES if size >= px), default=RENDITION_SIZES[-1])
        context["src"] = url(rendition_name(image.name, fallback, "png"))
    return context
