"""What support holds about a person: the requests they sent (registered with `accounts.personal_data`)."""

from django.db.models import Q
from django.template.defaultfilters import pluralize

from accounts.personal_data import json_file

from .models import SupportRequest


def _requests_of(user, addresses):
    """Sent while signed in, or from an address the person has proven is theirs (the form asks no proof, but
    the acknowledgement with the message already went to that address)."""
    return SupportRequest.objects.filter(Q(user=user) | Q(email__in=addresses))


def export_support_requests(*, user, addresses):
    fields = ["created_at", "name", "email", "concerning", "message", "status", "staff_reply", "replied_at"]
    yield json_file("support-requests.json", list(_requests_of(user, addresses).order_by("created_at").values(*fields)))


def support_requests_lost(*, user, addresses):
    count = _requests_of(user, addresses).count()
    return f"{count} support request{pluralize(count)} you sent us, with our replies." if count else ""


def support_requests_delete(*, user, addresses):
    deleted, _ = _requests_of(user, addresses).delete()
    return {"support_requests_deleted": deleted}
