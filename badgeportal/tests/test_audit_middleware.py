"""The audit trail's actor middleware, checked on a model badges registers with auditlog (`badges.audit`)."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.tests.factories import IssuerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited_issuer():
    return IssuerFactory()


def test_an_audited_change_names_the_signed_in_actor_and_the_connecting_address(client, audited_issuer):
    staff = UserFactory(is_staff=True, is_superuser=True, email="staff@example.com")
    client.force_login(staff)
    data = {"name": "Contoso Learning", "slug": "contoso", "url": "https://contoso.example", "email": "a@contoso.ex"}

    client.post(
        reverse("admin:badges_issuer_change", args=[audited_issuer.pk]), data, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    entry = LogEntry.objects.get_for_object(audited_issuer).get(action=LogEntry.Action.UPDATE)
    assert (entry.actor, entry.actor_email) == (staff, "staff@example.com")
    # A header the client writes is not where the request came from.
    assert entry.remote_addr == "127.0.0.1"


def test_a_change_outside_a_signed_in_request_has_no_actor(audited_issuer):
    audited_issuer.name = "Renamed by a command"
    audited_issuer.save()

    entry = LogEntry.objects.get_for_object(audited_issuer).get(action=LogEntry.Action.UPDATE)
    assert entry.actor is None


def test_a_bulk_write_after_a_request_is_not_signed_by_that_requests_user(client):
    from badgeportal.audit import audit_actor, audit_record_many

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.get(reverse("admin:index"))  # auditlog leaves this request's actor in the thread's context
    issuer = IssuerFactory()

    [after_request] = audit_record_many(instances=[issuer], action="imported")
    with audit_actor(staff):
        [inside] = audit_record_many(instances=[issuer], action="imported")

    assert after_request.actor is None
    assert inside.actor == staff
