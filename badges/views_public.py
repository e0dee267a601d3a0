"""Pages anyone may open: a badge's public page, its link-preview image, an earner's public profile."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from accounts.models import User

from . import public_cache, sharing
from .models import Award, AwardState
from .og_image import render_og_image

# How long browsers and link-preview crawlers may keep the preview image.
OG_MAX_AGE = 600

_PAGE_RELATED = ("template__issuer", "template__certification", "template__exam", "earner")


def _visible_award(request, public_id):
    """The award as this request may see it: public ones for everyone, and the earner's own in any state."""
    awards = Award.objects.publicly_visible()
    if request.user.is_authenticated:
        awards = awards | Award.objects.for_earner(request.user)
    return get_object_or_404(awards.select_related(*_PAGE_RELATED), public_id=public_id)


def _is_anonymous_visitor(request):
    """No session and no flash messages waiting: such a visitor is anonymous and gets the same page as
    every other one. Anyone signed in, the owner included, has a session cookie and never gets here."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and CookieStorage.cookie_name not in request.COOKIES


def _same_for_everyone(request):
    """True when the page just rendered holds nothing made for this one response: no CSRF token (only the
    signed-in header has a form) and no CSP nonce (the page has no inline script or style). The CSP header
    itself is added to every response, cached or not, by the middleware."""
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not get_nonce(request)


def _anonymous_page(content):
    response = HttpResponse(content)
    # The same URL gives the owner and signed-in visitors another page.
    patch_vary_headers(response, ["Cookie"])
    return response


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
    # Anonymous visitors (most of them, and every crawler) get the whole page from the cache by public_id,
    # before any query. It is filled only by an anonymous request, which sees only public badges, and any
    # change to what the page shows deletes it (`badges.public_cache`), so a badge hidden since gives 404.
    anonymous = _is_anonymous_visitor(request)
    if anonymous and (content := public_cache.get(public_cache.PAGE, public_id)) is not None:
        return _anonymous_page(content)
    award = _visible_award(request, public_id)
    is_owner = request.user.is_authenticated and award.earner_id == request.user.pk
    if is_owner or anonymous:
        # The owner may be looking at a badge visitors cannot see: never read or fill the visitors' cache.
        # An anonymous visitor's whole page is cached below, the badge part with it.
        body = _render_award_body(award)
    else:
        body = public_cache.get_or_set(public_cache.BODY, public_id, lambda: _render_award_body(award))
    context = {
        "award": award,
        "body": mark_safe(body),  # noqa: S308  (rendered by our own template above)
        "is_owner": is_owner,
        "visible_to_public": award.is_publicly_visible,
        "status": _status(award),
        "public_url": sharing.public_url(award),
        "og_image_url": sharing.og_image_url(award),
        "oembed_url": sharing.oembed_discovery_url(award),
    }
    response = render(request, "badges/award_public.html", context)
    if anonymous and _same_for_everyone(request):
        public_cache.put(public_cache.PAGE, public_id, response.content)
        patch_vary_headers(response, ["Cookie"])
    return response


def award_og_image(request, public_id):
    award = get_object_or_404(Award.objects.publicly_visible().select_related(*_PAGE_RELATED), public_id=public_id)
    png = public_cache.get(public_cache.OG, public_id)
    if png is None:
        png = render_og_image(
            badge_name=award.template.name,
            earner_name=award.recipient_name,
            issuer_name=award.template.issuer.name,
            site_name=settings.SITE_NAME,
            image_file=award.template.image or None,
            status={"revoked": "Revoked", "expired": "Expired"}.get(_status(award), ""),
        )
        public_cache.put(public_cache.OG, public_id, png)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={OG_MAX_AGE}"
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
