"""Webhooks against a real local receiver: signed per Standard Webhooks, delivered once per event id when the
receiver comes back, refused by a receiver holding another secret, never posted to a private address."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards.services import award_accept, award_decline, award_issue, award_revoke, awards_expiry_announce
from badges.models import Award
from badges.tests.factories import AwardFactory, BadgeTemplateFactory, IssuerFactory
from outbox.models import OutboxEmail
from outbox.tasks import outbox_sweep
from webhooks import http
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import (
    webhook_claim,
    webhook_deliveries_resend,
    webhook_endpoint_create,
    webhook_endpoint_enable,
    webhook_events_record,
    webhook_send,
)
from webhooks.tasks import webhooks_sweep

from .receiver import Receiver

pytestmark = pytest.mark.django_db

ALL_EVENTS = list(WebhookEvent.values)


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    receiver = Receiver()
    settings.WEBHOOK_ALLOW_PRIVATE = [receiver.address]
    yield receiver
    receiver.stop()


@pytest.fixture
def template(db):
    return BadgeTemplateFactory()


def endpoint_for(receiver, template, events=ALL_EVENTS):
    endpoint, secret = webhook_endpoint_create(issuer=template.issuer, url=receiver.url, events=events)
    receiver.secret = secret
    return endpoint


def sweep_later(minutes=0):
    """Run the sweep as the beat would, `minutes` from now: claim what is due then, and post it."""
    now = timezone.now() + timedelta(minutes=minutes)
    return sum(webhook_send(delivery=row, now=now) for row in webhook_claim(limit=100, now=now))


def test_an_issued_award_is_posted_signed_to_the_receiver(receiver, template, django_capture_on_commit_callbacks):
    endpoint_for(receiver, template)

    with django_capture_on_commit_callbacks(execute=True):
        award = award_issue(template=template, email="ada@example.com", name="Ada", external_id="C-1")

    delivery = WebhookDelivery.objects.get()
    [(event_id, payload)] = receiver.accepted
    assert event_id == str(delivery.event_id)
    assert payload["type"] == "award.issued"
    assert payload["data"]["id"] == str(award.public_id)
    assert payload["data"]["external_id"] == "C-1"
    assert delivery.delivered_at is not None
    assert (delivery.attempts, delivery.last_status_code) == (1, 204)
    assert delivery.last_latency_ms is not None


def test_every_change_in_an_awards_life_is_an_event(receiver, template):
    endpoint_for(receiver, template)
    earner = UserFactory()
    accepted = award_issue(template=template, email=earner.email, name="Ada")
    declined = award_issue(template=template, email="b@example.com", name="Bo")
    expired = AwardFactory(template=template, issued_on="2020-01-01", expires_on="2021-01-01")

    award_accept(award=accepted)
    Award.objects.filter(pk=declined.pk).update(earner=earner)
    award_decline(award=declined)
    award_revoke(award=accepted, reason="Annulled")
    awards_expiry_announce()
    sweep_later()

    assert [payload["type"] for _, payload in receiver.accepted] == [
        "award.issued", "award.issued", "award.accepted", "award.declined", "award.revoked", "award.expired"
    ]  # fmt: skip
    assert receiver.accepted[-1][1]["data"]["id"] == str(expired.public_id)


def test_only_the_chosen_events_of_the_issuers_own_awards_are_sent(receiver, template):
    endpoint_for(receiver, template, events=["award.revoked"])
    other = BadgeTemplateFactory(issuer=IssuerFactory(slug="other"))
    mine = award_issue(template=template, email="a@example.com", name="Ada")
    theirs = award_issue(template=other, email="b@example.com", name="Bo")

    award_revoke(award=mine, reason="x")
    award_revoke(award=theirs, reason="x")

    assert list(WebhookDelivery.objects.values_list("event_type", flat=True)) == ["award.revoked"]


def test_nothing_is_written_when_the_change_rolls_back(receiver, template):
    endpoint_for(receiver, template)

    with pytest.raises(RuntimeError), transaction.atomic():
        award_issue(template=template, email="a@example.com", name="Ada")
        raise RuntimeError("the change fails after the award was written")

    assert not WebhookDelivery.objects.exists()


def test_receiver_down_then_up_gets_each_event_once(settings, template):
    settings.WEBHOOK_ALLOW_HTTP = True
    receiver = Receiver()
    settings.WEBHOOK_ALLOW_PRIVATE = [receiver.address]
    endpoint_for(receiver, template)
    port, secret = receiver.port, receiver.secret
    receiver.stop()  # down: its port refuses connections
    award_issue(template=template, email="a@example.com", name="Ada")
    award_issue(template=template, email="b@example.com", name="Bo")

    assert sweep_later() == 0
    failed = WebhookDelivery.objects.first()
    assert failed.attempts == 1 and "No answer" in failed.last_error and failed.delivered_at is None
    assert sweep_later(minutes=0.1) == 0  # not due yet: the first retry waits WEBHOOK_RETRY_SECONDS
    receiver = Receiver(secret=secret, port=port)  # up again
    try:
        assert sweep_later(minutes=1) == 2
        assert sweep_later(minutes=120) == 0  # delivered ones are never posted again
        assert sorted(receiver.event_ids()) == sorted(str(d.event_id) for d in WebhookDelivery.objects.all())
    finally:
        receiver.stop()


def test_retries_back_off_exponentially(receiver, template):
    endpoint_for(receiver, template)
    receiver.status = 500
    award_issue(template=template, email="a@example.com", name="Ada")
    start = timezone.now()

    waits = []
    for _ in range(4):
        [row] = webhook_claim(limit=10, now=WebhookDelivery.objects.get().next_attempt_at)
        waits.append(round((row.next_attempt_at - start).total_seconds()))
        start = row.next_attempt_at
        webhook_send(delivery=row, now=row.next_attempt_at)

    assert waits == [30, 60, 120, 240]
    assert WebhookDelivery.objects.get().last_status_code == 500


def test_a_receiver_with_another_secret_refuses_and_the_delivery_is_retried(receiver, template):
    endpoint_for(receiver, template)
    receiver.secret = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="  # not ours

    award_issue(template=template, email="a@example.com", name="Ada")
    sweep_later()

    delivery = WebhookDelivery.objects.get()
    assert receiver.refused == 1 and receiver.accepted == []
    assert (delivery.last_status_code, delivery.delivered_at) == (401, None)


def test_an_endpoint_failing_for_a_day_is_switched_off_and_staff_are_told(receiver, template, settings):
    settings.WEBHOOK_FAIL_AFTER_SECONDS = 600  # shrunk from a day
    staff = UserFactory(is_staff=True)
    endpoint = endpoint_for(receiver, template)
    receiver.status = 503
    award_issue(template=template, email="a@example.com", name="Ada", send_email=False)

    sweep_later()
    assert WebhookEndpoint.objects.get().is_active
    sweep_later(minutes=11)
    outbox_sweep()

    endpoint.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert delivery.failed_at is not None
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert receiver.url in mail.outbox[0].body
    # Switched back on by staff: what waited is sent (a failed one is resent by staff from the admin).
    receiver.status = 204
    award_issue(template=template, email="b@example.com", name="Bo")
    webhook_endpoint_enable(endpoint=endpoint)
    assert sweep_later() == 1
    webhook_deliveries_resend(deliveries=WebhookDelivery.objects.filter(pk=delivery.pk))
    assert sweep_later() == 1
    assert len(set(receiver.event_ids())) == 2


def test_a_resend_carries_the_same_webhook_id(receiver, template):
    endpoint_for(receiver, template)
    award_issue(template=template, email="a@example.com", name="Ada")
    sweep_later()

    webhook_deliveries_resend(deliveries=WebhookDelivery.objects.all())
    sweep_later()

    assert len(receiver.event_ids()) == 2 and len(set(receiver.event_ids())) == 1


def test_a_bulk_issue_writes_its_deliveries_with_one_insert(template, django_assert_num_queries):
    webhook_endpoint_create(issuer=template.issuer, url="https://hooks.example.org/a", events=ALL_EVENTS)
    awards = [AwardFactory(template=template) for _ in range(50)]

    # The endpoints, one INSERT.
    with django_assert_num_queries(2):
        webhook_events_record(event_type="award.issued", awards=awards)

    assert WebhookDelivery.objects.count() == 50
    assert len(set(WebhookDelivery.objects.values_list("event_id", flat=True))) == 50


def test_the_secret_is_stored_encrypted(template):
    endpoint, secret = webhook_endpoint_create(issuer=template.issuer, url="https://hooks.example.org/a",
                                               events=ALL_EVENTS)  # fmt: skip

    assert secret.startswith("whsec_")
    assert secret not in WebhookEndpoint.objects.get().secret_encrypted


def test_the_sweep_task_posts_what_is_due(receiver, template):
    endpoint_for(receiver, template)
    award_issue(template=template, email="a@example.com", name="Ada")

    assert webhooks_sweep() == 1


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1/hook", "https://10.0.0.8/hook", "https://169.254.169.254/latest/meta-data",
     "https://[::1]/hook", "https://[::ffff:192.168.0.1]/hook", "https://localhost/hook"],
)  # fmt: skip
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(http.RefusedAddress):
        http.post(url, body=b"{}", headers={}, timeout=2)


def test_a_name_resolving_to_a_private_address_is_refused_at_connection_time(receiver, template, settings):
    endpoint = endpoint_for(receiver, template)
    settings.WEBHOOK_ALLOW_PRIVATE = []  # the receiver's own address is no longer allowed
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url.replace("127.0.0.1", "localhost"))
    award_issue(template=template, email="a@example.com", name="Ada")

    sweep_later()

    assert receiver.accepted == []
    assert "private, loopback or link-local" in WebhookDelivery.objects.get().last_error


def test_only_https_endpoints_unless_http_is_allowed(template, settings):
    from django.core.exceptions import ValidationError

    settings.WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(ValidationError, match="https"):
        webhook_endpoint_create(issuer=template.issuer, url="http://hooks.example.org/a", events=ALL_EVENTS)
    with pytest.raises(ValidationError, match="private"):
        webhook_endpoint_create(issuer=template.issuer, url="https://192.168.1.4/a", events=ALL_EVENTS)
    assert not OutboxEmail.objects.exists()


def test_a_claim_is_an_event(receiver, template):
    from badges.awards.services import email_address_verify

    endpoint_for(receiver, template, events=["award.claimed"])
    award = award_issue(template=template, email="kim@example.com", name="Kim")

    email_address_verify(user=UserFactory(verified_email=False), email="kim@example.com")
    sweep_later()

    assert [(payload["type"], payload["data"]["id"]) for _, payload in receiver.accepted] == [
        ("award.claimed", str(award.public_id))
    ]


def test_the_sweep_takes_every_batch_in_turn_when_run_in_process(receiver, template, settings):
    settings.WEBHOOK_BATCH_SIZE = 2
    endpoint_for(receiver, template)
    for n in range(5):
        award_issue(template=template, email=f"e{n}@example.com", name="E", send_email=False)

    assert webhooks_sweep.delay().get() == 5
    assert len(receiver.accepted) == 5
