"""The award's admin page: nothing fixed at issue can be edited, buttons for what can be done, its history,
and no hard delete without its own permission."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards.services import award_issue
from badges.models import Award
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, email="staff@example.com"))
    return client


def change_url(award):
    return reverse("admin:badges_award_change", args=[award.pk])


def test_template_recipient_and_visibility_are_read_only_after_issue(staff_client):
    award = AwardFactory()

    page = staff_client.get(change_url(award)).text

    for field in ("template", "recipient_email", "recipient_name", "is_public", "expires_on"):
        assert f'name="{field}"' not in page
    assert 'name="external_id"' in page


def test_posting_a_new_template_or_address_to_the_change_form_changes_nothing(staff_client):
    award = AwardFactory(recipient_email="keep@example.com")
    other = BadgeTemplateFactory()

    staff_client.post(
        change_url(award), {"template": other.pk, "recipient_email": "x@example.com", "external_id": "C-1"}
    )

    award.refresh_from_db()
    assert (award.template_id, award.recipient_email, award.external_id) != (other.pk, "x@example.com", "")
    assert award.recipient_email == "keep@example.com" and award.external_id == "C-1"


def test_the_page_offers_resend_revoke_renew_and_a_new_address_for_a_pending_badge(staff_client):
    award = AwardFactory()

    page = staff_client.get(change_url(award)).text

    for name in ("resend", "revoke", "renew", "replace"):
        assert reverse(f"admin:badges_award_{name}", args=[award.pk]) in page


def test_resend_from_the_page_queues_a_claim_email_and_is_audited(staff_client):
    award = AwardFactory()

    response = staff_client.post(reverse("admin:badges_award_resend", args=[award.pk]))

    assert response.status_code == 302
    assert OutboxEmail.objects.filter(kind="claim", to=award.recipient_email).count() == 1
    entry = LogEntry.objects.get_for_object(award).get(additional_data__action="resend claim email")
    assert entry.actor_email == "staff@example.com"


def test_revoke_from_the_page_needs_a_reason_then_revokes_and_tells_the_earner(staff_client):
    award = AcceptedAwardFactory()
    url = reverse("admin:badges_award_revoke", args=[award.pk])

    refused = staff_client.post(url, {"reason": "  "})
    staff_client.post(url, {"reason": "Exam voided"})

    assert refused.status_code == 200 and "This field is required" in refused.text
    award.refresh_from_db()
    assert award.revocation_reason == "Exam voided"
    assert OutboxEmail.objects.filter(kind="award_revoked").count() == 1
    entry = LogEntry.objects.get_for_object(award).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor_email == "staff@example.com"
    assert entry.changes_dict["revocation_reason"] == ["", "Exam voided"]


def test_renew_from_the_page_sets_the_new_date(staff_client):
    award = AcceptedAwardFactory(issued_on=date(2024, 1, 1), expires_on=date(2026, 1, 1))
    new_date = timezone.localdate() + timedelta(days=365)

    response = staff_client.post(reverse("admin:badges_award_renew", args=[award.pk]), {"expires_on": new_date})

    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.expires_on, award.renewed_on) == (new_date, timezone.localdate())


@pytest.mark.django_db(transaction=True)
def test_renew_from_the_page_works_outside_a_test_transaction_and_tells_the_earner(staff_client):
    """As in production, no transaction wraps the request: the renewal's row lock (FOR UPDATE on PostgreSQL)
    must be taken in the service's own."""
    award = AcceptedAwardFactory(issued_on=date(2024, 1, 1), expires_on=date(2026, 1, 1))
    new_date = timezone.localdate() + timedelta(days=365)

    response = staff_client.post(reverse("admin:badges_award_renew", args=[award.pk]), {"expires_on": new_date})

    assert response.status_code == 302
    award.refresh_from_db()
    assert award.expires_on == new_date
    assert list(OutboxEmail.objects.values_list("kind", "to")) == [("award_renewed", award.recipient_email)]


def test_renew_refuses_a_past_date_with_a_message(staff_client):
    award = AcceptedAwardFactory()

    response = staff_client.post(reverse("admin:badges_award_renew", args=[award.pk]), {"expires_on": "2001-01-01"})

    assert response.status_code == 200
    assert "The new expiry date is in the past." in response.text


def test_the_page_shows_the_badges_emails_with_subject_and_state_and_its_changes(staff_client):
    award = award_issue(template=BadgeTemplateFactory(name="Cloud Engineer"), email="n@example.com", name="Noor")
    outbox_deliver(row=OutboxEmail.objects.get())

    page = staff_client.get(change_url(award)).text

    assert "Your badge from Contoso Certification Program: Cloud Engineer" in page
    assert "sent" in page
    assert "Changes (audit trail)" in page and "n@example.com" in page


def test_delete_is_refused_without_the_permission(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_award", "change_award", "delete_award"]))
    client.force_login(staff)
    award = AwardFactory()

    page = client.get(change_url(award)).text
    response = client.post(reverse("admin:badges_award_delete", args=[award.pk]), {"post": "yes"})

    assert "deletelink" not in page
    assert response.status_code == 403
    assert Award.objects.filter(pk=award.pk).exists()


def test_with_the_permission_delete_says_what_is_lost_first(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_award", "hard_delete_award"]))
    client.force_login(staff)
    award = AwardFactory()
    url = reverse("admin:badges_award_delete", args=[award.pk])

    confirm = client.get(url)
    client.post(url, {"post": "yes"})

    assert "not the same as revoking it" in confirm.text
    assert not Award.objects.filter(pk=award.pk).exists()


def test_staff_sign_in_is_in_the_audit_trail_and_an_earners_is_not(client):
    staff, earner = UserFactory(is_staff=True), UserFactory()

    client.force_login(staff)
    client.force_login(earner)

    assert LogEntry.objects.get_for_object(staff).filter(additional_data__action="staff sign-in").count() == 1
    assert not LogEntry.objects.get_for_object(earner).exists()


def test_template_and_catalog_edits_are_in_the_audit_trail(staff_client):
    template = BadgeTemplateFactory(name="Old name")
    template.name = "New name"
    template.save()

    entry = LogEntry.objects.get_for_object(template).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["name"] == ["Old name", "New name"]


def test_the_audit_trail_is_searchable_and_read_only_in_admin(staff_client):
    award = AwardFactory(recipient_email="findme@example.com")
    entry = LogEntry.objects.get_for_object(award).get()

    listing = staff_client.get(reverse("admin:auditlog_logentry_changelist"), {"q": "findme@example.com"})

    assert str(award) in listing.text
    assert (
        staff_client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert 'name="_save"' not in staff_client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).text


def test_issuing_from_admin_is_in_the_audit_trail_with_the_staff_member(staff_client):
    template = BadgeTemplateFactory()

    staff_client.post(
        reverse("admin:badges_award_add"),
        {"template": template.pk, "recipient_email": "new@example.com", "recipient_name": "Noor Ali",
         "issued_on": "2026-11-01", "expires_on": ""},
    )  # fmt: skip

    entry = LogEntry.objects.get_for_object(Award.objects.get()).get(action=LogEntry.Action.CREATE)
    assert entry.actor_email == "staff@example.com"
    assert entry.changes_dict["recipient_email"] == ["None", "new@example.com"]


def test_a_new_address_is_in_the_audit_trail_with_both_addresses(staff_client):
    award = AwardFactory(recipient_email="wrong@example.com")

    staff_client.post(reverse("admin:badges_award_replace", args=[award.pk]), {"email": "right@example.com"})

    entry = LogEntry.objects.get_for_object(award).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["recipient_email"] == ["wrong@example.com", "right@example.com"]
    assert entry.actor_email == "staff@example.com"


def test_opening_a_claim_link_is_noted_once(client):
    from badges.awards.services import claim_token_create

    award = AwardFactory()
    url = reverse("claim", args=[claim_token_create(award=award)])

    client.get(url)
    award.refresh_from_db()
    first = award.claim_link_opened_at
    client.get(url)
    award.refresh_from_db()

    assert first is not None and award.claim_link_opened_at == first


def _bulk_awards(count=2):
    template = BadgeTemplateFactory()
    return Award.objects.bulk_create(
        [Award(template=template, recipient_email=f"e{n}@example.com", recipient_name=f"E {n}") for n in range(count)]
    )


def test_awards_issued_in_bulk_get_one_entry_each_naming_who_imported_them():
    from badgeportal.audit import audit_actor
    from badges.awards.signals import awards_issued_in_bulk

    staff = UserFactory(is_staff=True, email="importer@example.com")
    awards = _bulk_awards()

    with audit_actor(staff):
        awards_issued_in_bulk.send(sender=Award, awards=awards)

    entries = LogEntry.objects.filter(additional_data__action="issued in bulk")
    assert sorted(entry.object_id for entry in entries) == sorted(award.pk for award in awards)
    assert {entry.actor_email for entry in entries} == {"importer@example.com"}
    # Written by COPY on PostgreSQL: each reads back as an entry the ORM made would.
    entry = entries.get(object_id=awards[0].pk)
    assert (entry.action, entry.content_type.model) == (LogEntry.Action.CREATE, "award")
    assert entry.object_pk == str(awards[0].pk)
    assert entry.object_repr == str(awards[0]) and entry.actor == staff
    assert entry.changes_dict == {"action": ["", "issued in bulk"]}
    assert abs(timezone.now() - entry.timestamp) < timedelta(minutes=1)


def test_bulk_entries_after_a_staff_request_do_not_name_that_staff_member(admin_client):
    """auditlog's own context keeps the last request's actor in the thread; an action after it (an API
    batch, a task) must not be filed under that person."""
    from badges.awards.signals import awards_issued_in_bulk

    admin_client.get(reverse("admin:badges_award_changelist"))
    awards_issued_in_bulk.send(sender=Award, awards=_bulk_awards())

    entries = LogEntry.objects.filter(additional_data__action="issued in bulk")
    assert entries.count() == 2
    assert {entry.actor_id for entry in entries} == {None}
