"""Serving a public badge page rendered in advance: who may get the stored copy, and when a page may be stored.

Anonymous visitors (most of them, and every crawler) get the whole page stored with the award's public
documents (`badges.public.stored`): one indexed lookup, no ORM. It is rendered as an anonymous request sees
it, only for a public badge, and any change to what the page shows clears it in the same transaction, so
a badge hidden since gives 404. Signed-in visitors other than the owner share a cached copy of the badge
part of the page.
"""

import functools

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import Http404, HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import patch_vary_headers

from . import cache, stored


def is_anonymous_visitor(request):
    """No session and no flash messages waiting: such a visitor is anonymous and gets the same page as
    every other one. Anyone signed in, the owner included, has a session cookie and never gets here."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and CookieStorage.cookie_name not in request.COOKIES


def same_for_everyone(request):
    """True when the page just rendered holds nothing made for this one response: no CSRF token (only the
    signed-in header has a form) and no CSP nonce (the page has no inline script or style). The CSP header
    itself is added to every response, cached or not, by the middleware."""
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not get_nonce(request)


def _vary_on_cookie(response):
    # The same URL gives the owner and signed-in visitors another page.
    patch_vary_headers(response, ["Cookie"])
    return response


def anonymous_page_cached(view):
    """Wrap a view of `public_id` so anonymous visitors get the page stored with the award's documents."""

    @functools.wraps(view)
    def wrapper(request, public_id):
        if not is_anonymous_visitor(request):
            return view(request, public_id)
        document = stored.read(public_id, stored.PAGE)
        if document is None or not document.visible:
            raise Http404("No public badge has this address.")
        if document.page:
            return _vary_on_cookie(HttpResponse(document.page))
        # A page that could not be stored (it held something made for one response) is rendered each time.
        return _vary_on_cookie(view(request, public_id))

    return wrapper


def award_body(request, award, render_body):
    """The badge part of the page. Signed-in visitors other than the owner share a cached copy; the owner
    may be looking at a badge visitors cannot see, so never reads or fills it; an anonymous visitor's whole
    page is cached by `anonymous_page_cached`, this part with it."""
    is_owner = request.user.is_authenticated and award.earner_id == request.user.pk
    if is_owner or is_anonymous_visitor(request):
        return render_body(award)
    return cache.get_or_set(cache.BODY, award.public_id, lambda: render_body(award))
