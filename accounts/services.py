import hashlib

from allauth.account.utils import filter_users_by_email
from django.conf import settings
from django.core.cache import cache

from outbox.services import outbox_enqueue

LOGIN_FAILURES_EMAIL = "login_failures"
ALERT_WINDOW = 24 * 60 * 60


def login_failure_record(*, email):
    """Count a failed sign-in for `email`; the account's owner hears of it once the count reaches the threshold.

    The count lives a day from the first failure, so a steady attack sends at most one email a day.
    An address with no account is counted too but never written to.
    """
    key = "login-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    cache.add(key, 0, timeout=ALERT_WINDOW)
    failures = cache.incr(key)
    if failures != settings.LOGIN_FAILURE_ALERT_THRESHOLD:
        return
    for user in filter_users_by_email(email, is_active=True, prefer_verified=True)[:1]:
        outbox_enqueue(kind=LOGIN_FAILURES_EMAIL, to=user.email, payload={"user_id": user.pk, "failures": failures})
