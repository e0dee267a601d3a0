"""Browsers that have signed in to an account before.

A signed cookie names the device and the accounts that signed in from it. Failed sign-ins
from such a browser count against a budget of the device's own, so a stranger who keeps
failing to sign in as someone locks out only other strangers (OWASP's "device cookies").
"""

import secrets
from datetime import timedelta

from allauth.account.utils import filter_users_by_email
from django.conf import settings

COOKIE = "known_device"
SALT = "accounts.known_devices"
MAX_ACCOUNTS = 5  # people who share a browser each keep their own standing


def _read(request):
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=timedelta(days=settings.KNOWN_DEVICE_DAYS))
    device, _, user_ids = value.partition(":")
    return device, [int(pk) for pk in user_ids.split(",") if pk.isdigit()]


def known_device_for(request, *, email):
    """The device id when this browser has signed in as the account `email` belongs to, else None."""
    device, user_ids = _read(request)
    if not user_ids:
        return None
    users = filter_users_by_email(email, is_active=True, prefer_verified=True)
    return device if any(user.pk in user_ids for user in users) else None


def known_device_remember(request, response, *, user):
    device, user_ids = _read(request)
    user_ids = [user.pk, *(pk for pk in user_ids if pk != user.pk)][:MAX_ACCOUNTS]
    response.set_signed_cookie(
        COOKIE,
        f"{device or secrets.token_urlsafe(16)}:{','.join(map(str, user_ids))}",
        salt=SALT,
        max_age=timedelta(days=settings.KNOWN_DEVICE_DAYS),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
