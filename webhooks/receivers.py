"""Each award signal becomes webhook deliveries, written in the transaction that sent it."""

from django.dispatch import receiver

from badges.awards import signals

from .models import WebhookEvent
from .services import webhook_events_record

SINGLE = {
    signals.award_issued: WebhookEvent.ISSUED,
    signals.award_claimed: WebhookEvent.CLAIMED,
    signals.award_held: WebhookEvent.ACCEPTED,
    signals.award_declined: WebhookEvent.DECLINED,
    signals.award_revoked: WebhookEvent.REVOKED,
    signals.award_expired: WebhookEvent.EXPIRED,
}


def _record_one(event_type):
    def record(sender, award, **kwargs):
        webhook_events_record(event_type=event_type, awards=[award])

    return record


# Kept referenced: signals hold their receivers weakly.
_receivers = {signal: _record_one(event_type) for signal, event_type in SINGLE.items()}
for _signal, _receiver in _receivers.items():
    _signal.connect(_receiver, dispatch_uid=f"webhooks:{SINGLE[_signal]}")


@receiver(signals.awards_issued_in_bulk, dispatch_uid="webhooks:award.issued:bulk")
def record_bulk_issue(sender, awards, **kwargs):
    webhook_events_record(event_type=WebhookEvent.ISSUED, awards=awards)
