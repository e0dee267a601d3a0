from django.conf import settings
from django.urls import reverse

from outbox.registry import templated_email

from .models import User


def render_login_failures(row):
    user = User.objects.filter(pk=row.payload["user_id"], is_active=True).first()
    if user is None:
        return None  # The account is gone: nobody to warn.
    context = {
        "user": user,
        "failures": row.payload["failures"],
        "reset_url": settings.SITE_URL + reverse("account_reset_password"),
        "mfa_url": settings.SITE_URL + reverse("mfa_index"),
    }
    return templated_email(to=row.to, template="accounts/email/login_failures", context=context)
