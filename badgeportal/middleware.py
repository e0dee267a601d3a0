from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from .audit import audit_actor
from .client_ip import client_ip


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, with two changes.

    The actor stays the lazy `request.user`, read only when an entry is written: the stock middleware loads
    the user on every request, and public pages answer from the cache without touching the database.

    The address is the client's as our own proxies report it (`client_ip`), not the first `X-Forwarded-For`
    entry, which any client can write: an audit trail must not record an address the actor chose.
    """

    def __call__(self, request):
        with audit_actor(getattr(request, "user", None)):
            return super().__call__(request)

    @staticmethod
    def _get_actor(request):
        return getattr(request, "user", None)

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)


# The multipart envelope and the small fields sent beside an uploaded file.
FORM_OVERHEAD_BYTES = 64 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than MAX_REQUEST_BYTES before anything reads it.

    Django reads a multipart upload whole (to memory or a temporary file) before a form can look at the
    file's size, so a 300 MB POST to /verify/ was received in full only to be told the file is too big.
    It sits last so the refusal page gets the session, user and CSP nonce, and still answers before any
    view middleware (CSRF reads the body to find its token).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django then reads no body at all
        if length > settings.MAX_REQUEST_BYTES:
            limit, message = self._limit(request)
            if length > limit:
                if request.path.startswith("/api/"):
                    # The API answers every error as an RFC 9457 problem (api/problems.py); this one is written
                    # here, as nothing of the API runs before it.
                    detail = f"The body is over the {limit} byte cap."
                    problem = {"type": "about:blank", "title": "Content too large", "status": 413,
                               "code": "too_large", "detail": detail, "errors": []}  # fmt: skip
                    return JsonResponse(problem, status=413, content_type="application/problem+json")
                context = {"limit_mb": limit / (1024 * 1024), "message": message}
                return render(request, "413.html", context, status=413)
        return self.get_response(request)

    @staticmethod
    def _limit(request):
        """The award import's upload page takes a file of up to AWARD_IMPORT_MAX_BYTES (with room for the
        form's other fields); every other address MAX_REQUEST_BYTES."""
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = ""
        if view_name == "admin:badges_awardimport_add":
            from badges.imports.services import too_large_message

            return settings.AWARD_IMPORT_MAX_BYTES + FORM_OVERHEAD_BYTES, too_large_message()
        return settings.MAX_REQUEST_BYTES, ""
