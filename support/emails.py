from django.conf import settings
from django.urls import reverse

from outbox.registry import templated_email

from .models import SupportRequest


def _context(row):
    support_request = SupportRequest.objects.filter(pk=row.payload["request_id"]).first()
    if support_request is None:
        return None  # Deleted by staff meanwhile: nothing to acknowledge or answer.
    return {"support_request": support_request, "help_url": settings.SITE_URL + reverse("help")}


def render_support_ack(row):
    context = _context(row)
    if context is None:
        return None
    return templated_email(to=row.to, template="support/email/ack", context=context)


def render_support_reply(row):
    context = _context(row)
    if context is None:
        return None
    return templated_email(
        to=row.to, template="support/email/reply", context={**context, "reply": row.payload["reply"]}
    )


def render_support_staff(row):
    context = _context(row)
    if context is None:
        return None
    support_request = context["support_request"]
    admin_url = settings.SITE_URL + reverse("admin:support_supportrequest_change", args=[support_request.pk])
    # Staff answer from admin; a reply to this email goes to the requester, as a mail client would expect.
    return templated_email(
        to=row.to,
        template="support/email/staff_new",
        context={**context, "admin_url": admin_url},
        reply_to=[support_request.email],
    )
