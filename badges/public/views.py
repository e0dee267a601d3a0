"""Pages anyone may open: a badge's public page, its link-preview image, an earner's public profile."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..models import AwardStatus
from ..sharing import links
from . import cache, selectors
from .og_image import render_og_image
from .page_cache import anonymous_page_cached, award_body
from .page_views import page_view_count

# How long browsers and link-preview crawlers may keep the preview image.
OG_MAX_AGE = 600


def _render_award_body(award):
    template = award.template
    if template.certification:
        exams = list(template.certification.exams.all())
    else:
        exams = [template.exam] if template.exam else []
    skills = template.skills or (template.certification.skills if template.certification else [])
    context = {
        "award": award,
        "template": template,
        "issuer": template.issuer,
        "status": award.status,
        "exams": exams,
        "skills": skills,
        "credential_id": links.credential_id(award),
    }
    return render_to_string("badges/_public_award.html", context)


def award_public(request, public_id):
    response = _award_public_page(request, public_id)
    if response.status_code == 200:
        # Counted for stored pages too: they answer before the page view below runs.
        page_view_count(public_id)
    return response


@anonymous_page_cached
def _award_public_page(request, public_id):
    return render_award_page(request, selectors.visible_award_or_404(request.user, public_id))


def render_award_page(request, award):
    """The public page of `award`, loaded with `selectors.PAGE_RELATED`; also what `stored` keeps for visitors."""
    context = {
        "award": award,
        "body": mark_safe(award_body(request, award, _render_award_body)),  # noqa: S308  (our own template)
        "is_owner": request.user.is_authenticated and award.earner_id == request.user.pk,
        "visible_to_public": award.is_publicly_visible,
        "status": award.status,
        "public_url": links.public_url(award),
        "og_image_url": links.og_image_url(award),
        "oembed_url": links.oembed_discovery_url(award),
    }
    return render(request, "badges/award_public.html", context)


# The preview image names a badge that is no longer valid.
OG_STATUS_LABELS = {AwardStatus.REVOKED: "Revoked", AwardStatus.EXPIRED: "Expired"}


def award_og_image(request, public_id):
    award = selectors.public_award_or_404(public_id, *selectors.PAGE_RELATED)
    png = cache.get(cache.OG, public_id)
    if png is None:
        png = render_og_image(
            badge_name=award.template.name,
            earner_name=award.recipient_name,
            issuer_name=award.template.issuer.name,
            site_name=settings.SITE_NAME,
            image_file=award.template.image or None,
            status=OG_STATUS_LABELS.get(award.status, ""),
        )
        cache.put(cache.OG, public_id, png)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={OG_MAX_AGE}"
    return response


def profile_public(request, key):
    """An earner's public badges. A private profile answers 404 to everyone but its owner."""
    person = selectors.profile_person_or_404(request.user, key)
    if key != person.profile_key:
        # An old link by public id, or a handle typed in capitals: send it to the profile's address. Not a
        # permanent redirect: the earner may choose another handle.
        return redirect("profile_public", person.profile_key)
    is_owner = person == request.user
    context = {"person": person, "awards": selectors.profile_awards(person, is_owner=is_owner), "is_owner": is_owner}
    return render(request, "badges/profile_public.html", context)
