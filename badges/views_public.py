"""Pages anyone may open: a badge's public page, its link-preview image, an earner's public profile."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.models import User

from . import sharing
from .models import Award, AwardState
from .og_image import render_og_image

# Catalog edits that do not touch the template (an exam of its certification retiring) show up within this time.
PUBLIC_CACHE_SECONDS = 600

_PAGE_RELATED = ("template__issuer", "template__certification", "template__exam", "earner")


def _visible_award(request, public_id):
    """The award as this request may see it: public ones for everyone, and the earner's own in any state."""
    awards = Award.objects.publicly_visible()
    if request.user.is_authenticated:
        awards = awards | Award.objects.for_earner(request.user)
    return get_object_or_404(awards.select_related(*_PAGE_RELATED), public_id=public_id)


def _cache_key(prefix, award):
    """Changes whenever anything the output shows may have changed, so stale entries are simply never read."""
    template = award.template
    recognized = template.recognized
    parts = [
        prefix,
        award.public_id,
        award.updated_at.timestamp(),
        template.updated_at.timestamp(),
        award.earner.profile_public if award.earner else "",
        f"{recognized.status}{recognized.retired_on}" if recognized else "",
        # Expiry is derived from today's date.
        timezone.localdate().isoformat(),
    ]
    return ":".join(str(part) for part in parts)


def _status(award):
    if award.is_revoked:
        return "revoked"
    if award.is_expired:
        return "expired"
    return "valid"


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
        "status": _status(award),
        "exams": exams,
        "skills": skills,
        "credential_id": sharing.credential_id(award),
    }
    return render_to_string("badges/_public_award.html", context)


def award_public(request, public_id):
    award = _visible_award(request, public_id)
    is_owner = request.user.is_authenticated and award.earner_id == request.user.pk
    if is_owner:
        # The owner may be looking at a badge visitors cannot see: never read or fill the visitors' cache.
        body = _render_award_body(award)
    else:
        key = _cache_key("badges:public-page", award)
        body = cache.get(key)
        if body is None:
            body = _render_award_body(award)
            cache.set(key, body, PUBLIC_CACHE_SECONDS)
    context = {
        "award": award,
        "body": mark_safe(body),  # noqa: S308  (rendered by our own template above)
        "is_owner": is_owner,
        "visible_to_public": sharing.is_publicly_visible(award),
        "status": _status(award),
        "public_url": sharing.public_url(award),
        "og_image_url": sharing.og_image_url(award),
        "oembed_url": sharing.oembed_discovery_url(award),
    }
    return render(request, "badges/award_public.html", context)


def award_og_image(request, public_id):
    award = get_object_or_404(Award.objects.publicly_visible().select_related(*_PAGE_RELATED), public_id=public_id)
    key = _cache_key("badges:og-image", award) + f":{award.template.image.name}"
    png = cache.get(key)
    if png is None:
        png = render_og_image(
            badge_name=award.template.name,
            earner_name=award.recipient_name,
            issuer_name=award.template.issuer.name,
            site_name=settings.SITE_NAME,
            image_file=award.template.image or None,
            status={"revoked": "Revoked", "expired": "Expired"}.get(_status(award), ""),
        )
        cache.set(key, png, PUBLIC_CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
    return response


def profile_public(request, public_id):
    """An earner's public badges. A private profile answers 404 to everyone but its owner."""
    is_owner = request.user.is_authenticated and request.user.public_id == public_id
    if is_owner:
        person = request.user
        # What visitors see once the profile is public, even while it is private.
        awards = Award.objects.for_earner(person).filter(state=AwardState.ACCEPTED, is_public=True)
    else:
        person = get_object_or_404(User, public_id=public_id, profile_public=True, is_active=True)
        awards = Award.objects.publicly_visible().filter(earner=person)
    awards = awards.select_related("template__issuer", "template__certification", "template__exam").order_by(
        "-issued_on", "-created_at"
    )
    context = {"person": person, "awards": list(awards), "is_owner": is_owner}
    return render(request, "badges/profile_public.html", context)
