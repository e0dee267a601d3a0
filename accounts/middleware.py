from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


class StaffMFARequiredMiddleware:
    """Sends a staff member without two-factor authentication to set it up before any admin page.

    Only the admin is guarded: the setup pages, sign-out and the rest of the site stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_MFA_REQUIRED and self._needs_mfa(request):
            messages.warning(
                request, "Staff accounts need two-factor authentication. Set it up here, then open the admin again."
            )
            return redirect("mfa_index")
        return self.get_response(request)

    def _needs_mfa(self, request):
        return (
            request.path.startswith(reverse("admin:index"))
            and request.user.is_authenticated
            and request.user.is_staff
            # Recovery codes back up a second factor; on their own they are not one.
            and not is_mfa_enabled(request.user, types=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
        )
