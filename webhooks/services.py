"""Webhooks: deliveries written with the change they report, posted on the database's schedule.

- `webhook_events_record` runs inside the award service's transaction (through the signal receivers): one
  query for the issuers' endpoints, one bulk insert of deliveries. A change that rolls back sends nothing.
- `webhook_claim` takes a batch of due deliveries with SELECT ... FOR UPDATE SKIP LOCKED and, in the same
  transaction, counts the attempt and moves the retry time, so two workers never post the same row at once
  and a worker that dies leaves its rows due again at that time.
- `webhook_deliver` posts one delivery, signed, and records the answer. A 2xx is delivered; anything else is
  retried with exponential backoff (WEBHOOK_RETRY_SECONDS doubling up to WEBHOOK_RETRY_MAX_SECONDS) until it
  has failed for WEBHOOK_FAIL_AFTER_SECONDS (a day). An endpoint that has answered nothing but failures for
  that long is switched off and staff are emailed; its waiting deliveries go out once staff switch it back on.

Delivery is at least once: a worker that dies after the receiver answered, before our commit, posts again.
The `webhook-id` stays the same on every attempt, so receivers drop repeats.
"""

import json
import logging
import time
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from badgeportal.retries import backoff, claim_due
from outbox.models import OutboxEmail
from outbox.services import outbox_enqueue_many

from . import http, signing
from .models import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .payloads import event_document

logger = logging.getLogger(__name__)

# The outbox kind of the email telling staff an endpoint was switched off.
ENDPOINT_DISABLED_EMAIL = "webhook_endpoint_disabled"


def webhook_events_validate(events):
    events = list(dict.fromkeys(events or []))
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown:
        raise ValidationError(f"Unknown event(s): {', '.join(unknown)}.", code="unknown_event")
    if not events:
        raise ValidationError("Choose at least one event.", code="no_events")
    return events


def webhook_url_validate(url):
    problem = http.url_problem(url)
    if problem:
        raise ValidationError(problem, code="refused_url")
    return url


def webhook_endpoint_create(*, issuer, url, events, description=""):
    """Register an endpoint; returns (endpoint, secret). The secret is shown once and never again."""
    endpoint = WebhookEndpoint(
        issuer=issuer, url=webhook_url_validate(url), events=webhook_events_validate(events), description=description
    )
    secret = webhook_endpoint_secret_assign(endpoint=endpoint)
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


def webhook_endpoint_secret_assign(*, endpoint):
    """Give `endpoint` a new secret (not saved) and return it, for the one time it is shown."""
    secret = signing.secret_generate()
    endpoint.secret_encrypted = signing.secret_encrypt(secret)
    return secret


def webhook_endpoint_secret_rotate(*, endpoint):
    """A new secret for `endpoint`, returned once; deliveries signed from now on use it."""
    secret = webhook_endpoint_secret_assign(endpoint=endpoint)
    endpoint.save(update_fields=["secret_encrypted"])
    return secret


def webhook_endpoint_enable(*, endpoint):
    """Switch an endpoint back on: a fresh start for its failure count; its waiting deliveries are due now."""
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=True, disabled_at=None, failing_since=None)
    pending = WebhookDelivery.objects.in_state(DeliveryState.PENDING).filter(endpoint=endpoint)
    pending.update(next_attempt_at=now, attempts=0, give_up_at=now + _retry_span())
    _sweep_after_commit()


def _retry_span():
    return timedelta(seconds=settings.WEBHOOK_FAIL_AFTER_SECONDS)


def webhook_events_record(*, event_type, awards, now=None):
    """Write a delivery of `event_type` for each award to each active endpoint of its issuer that asked for it.

    Call inside the transaction of the change. Two queries whatever the number of awards: the endpoints,
    and one bulk insert. `award.template` must be loaded (the services pass the template they used).
    """
    now = now or timezone.now()
    by_issuer = defaultdict(list)
    for award in awards:
        by_issuer[award.template.issuer_id].append(award)
    if not by_issuer:
        return []
    # An endpoint switched off for failing keeps collecting its events, sent once staff switch it back on; one
    # that staff switched off themselves hears nothing.
    listening = WebhookEndpoint.objects.filter(
        Q(is_active=True) | Q(disabled_at__isnull=False), issuer_id__in=by_issuer
    )
    endpoints = [endpoint for endpoint in listening.only("pk", "issuer_id", "events") if event_type in endpoint.events]
    deliveries = []
    for endpoint in endpoints:
        for award in by_issuer[endpoint.issuer_id]:
            payload = event_document(event_type=event_type, award=award, timestamp=now)
            deliveries.append(
                WebhookDelivery(
                    endpoint=endpoint,
                    event_type=event_type,
                    payload=payload,
                    created_at=now,
                    next_attempt_at=now,
                    give_up_at=now + _retry_span(),
                )
            )
    if deliveries:
        WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
        _sweep_after_commit()
    return deliveries


def _sweep_after_commit():
    from .tasks import webhooks_sweep

    webhooks_sweep.delay_on_commit()


def retry_delay(attempts):
    return backoff(
        attempts, first_seconds=settings.WEBHOOK_RETRY_SECONDS, max_seconds=settings.WEBHOOK_RETRY_MAX_SECONDS
    )


@transaction.atomic
def webhook_claim(*, limit, now=None):
    """Take up to `limit` due deliveries to active endpoints, oldest due first; count the attempt and set the retry."""
    now = now or timezone.now()
    due = (
        WebhookDelivery.objects.due(now)
        .filter(endpoint__is_active=True)
        .order_by("next_attempt_at", "pk")
        .select_for_update(skip_locked=True, of=("self",))
    )
    return claim_due(due, limit=limit, now=now, delay=retry_delay, last_attempt_at=now)


def webhook_send(*, delivery, now=None):
    """Post `delivery` (already claimed) and record the answer; return whether it was delivered."""
    endpoint = WebhookEndpoint.objects.get(pk=delivery.endpoint_id)
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    # The signature's time is the real time of the post, whatever `now` says: receivers refuse a stale one.
    timestamp = int(time.time())
    headers = signing.signed_headers(
        secret=signing.secret_decrypt(endpoint.secret_encrypted),
        event_id=delivery.event_id,
        timestamp=timestamp,
        body=body,
    )
    try:
        status, latency_ms = http.post(endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT)
    except http.DeliveryError as error:
        webhook_record_failure(delivery=delivery, endpoint=endpoint, error=str(error), now=now)
        return False
    if 200 <= status < 300:
        webhook_record_success(delivery=delivery, endpoint=endpoint, status=status, latency_ms=latency_ms, now=now)
        return True
    webhook_record_failure(
        delivery=delivery, endpoint=endpoint, error=f"HTTP {status}", status=status, latency_ms=latency_ms, now=now
    )
    return False


@transaction.atomic
def webhook_record_success(*, delivery, endpoint, status, latency_ms, now=None):
    now = now or timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        delivered_at=now, failed_at=None, last_status_code=status, last_latency_ms=latency_ms, last_error=""
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(failing_since=None)


@transaction.atomic
def webhook_record_failure(*, delivery, endpoint, error, status=None, latency_ms=None, now=None):
    """Note the failure; give the delivery up, and switch the endpoint off, once failing for too long."""
    now = now or timezone.now()
    cutoff = now - _retry_span()
    rows = WebhookDelivery.objects.in_state(DeliveryState.PENDING).filter(pk=delivery.pk)
    rows.update(last_status_code=status, last_latency_ms=latency_ms, last_error=error[:2000])
    if rows.filter(give_up_at__lte=now).update(failed_at=now):
        logger.warning("Webhook delivery %s (%s) failed for good: %s", delivery.pk, delivery.event_id, error)
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    endpoints.update(failing_since=Coalesce("failing_since", Value(now)))
    if endpoints.filter(is_active=True, failing_since__lte=cutoff).update(is_active=False, disabled_at=now):
        logger.error("Webhook endpoint %s switched off after failing since %s or earlier", endpoint.pk, cutoff)
        _tell_staff_endpoint_disabled(endpoint=endpoint)


def _tell_staff_endpoint_disabled(*, endpoint):
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
    outbox_enqueue_many(
        emails=[
            OutboxEmail(kind=ENDPOINT_DISABLED_EMAIL, to=email, payload={"endpoint_id": endpoint.pk})
            for email in staff
            if email
        ]
    )


def webhook_deliveries_resend(*, deliveries, now=None):
    """Post the chosen deliveries again (staff's resend), with the same `webhook-id`: due now, fresh schedule."""
    now = now or timezone.now()
    count = deliveries.update(
        next_attempt_at=now, give_up_at=now + _retry_span(), attempts=0, delivered_at=None, failed_at=None
    )
    if count:
        _sweep_after_commit()
    return count
