from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outbox.services import outbox_enqueue

from .models import SupportRequest, SupportStatus


@transaction.atomic
def support_request_file(*, name, email, message, concerning="", user=None):
    """File a request and acknowledge it to the sender, so they know it arrived and where replies come from."""
    support_request = SupportRequest.objects.create(
        name=name.strip(),
        email=email.strip().lower(),
        concerning=concerning.strip(),
        message=message.strip(),
        user=user if user and user.is_authenticated else None,
    )
    outbox_enqueue(kind="support_ack", to=support_request.email, payload={"request_id": support_request.pk})
    for address in support_staff_addresses():
        outbox_enqueue(kind=SUPPORT_STAFF_EMAIL, to=address, payload={"request_id": support_request.pk})
    return support_request


SUPPORT_STAFF_EMAIL = "support_staff"


def support_staff_addresses():
    """Who hears of a new request: SUPPORT_NOTIFY_EMAILS if set, otherwise every active staff member."""
    if settings.SUPPORT_NOTIFY_EMAILS:
        return list(settings.SUPPORT_NOTIFY_EMAILS)
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")
    return list(staff.values_list("email", flat=True))


@transaction.atomic
def support_request_reply(*, support_request, reply, staff_user):
    """Record a staff reply and email it. Each call sends one email: callers call it once per new reply."""
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError("Write a reply before sending it.", code="reply_required")
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    support_request.staff_reply = reply
    support_request.replied_at = timezone.now()
    support_request.replied_by = staff_user
    if support_request.status == SupportStatus.OPEN:
        support_request.status = SupportStatus.ANSWERED
    support_request.save(update_fields=["staff_reply", "replied_at", "replied_by", "status", "updated_at"])
    # The reply travels in the payload: a later reply gets its own email, and a retry sends this one.
    outbox_enqueue(
        kind="support_reply", to=support_request.email, payload={"request_id": support_request.pk, "reply": reply}
    )
    return support_request
