"""Reminders after issue: to accept a badge still waiting (twice at most), and before a badge expires.

Run daily by beat (`badges.awards.tasks.award_reminders_sweep`). Each reminder is an `AwardReminder` row
written in the same transaction as its outbox email; the row's unique constraints make a reminder go at
most once per award and kind (per expiry date for the expiry reminder), however many sweeps run at once.
An address that unsubscribed (`ReminderOptOut`) gets no reminder; the program's claim emails still go.
"""

from datetime import datetime, time, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from outbox.models import OutboxEmail
from outbox.services import outbox_enqueue

from ..awards.services import CLAIM_EMAIL, normalize_email
from ..models import Award, AwardReminder, AwardState, BadgeTemplate, ReminderKind, ReminderOptOut

REMINDER_EMAIL = "reminder"
# A reminder is due from its day for this many days: a sweep that did not run for a few days catches up,
# but badges issued long before reminders were set up are not emailed out of the blue.
DUE_WINDOW_DAYS = 7
UNSUBSCRIBE_SALT = "badges.reminders.unsubscribe"


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _not_reminded_or_opted_out(awards, kind, **reminder_filter):
    reminded = AwardReminder.objects.filter(award=OuterRef("pk"), kind=kind, **reminder_filter)
    opted_out = ReminderOptOut.objects.filter(email=OuterRef("recipient_email"))
    return awards.filter(~Exists(reminded), ~Exists(opted_out))


def _waiting_days(template, kind):
    """The [from, to) range of days since issue in which `kind` of reminder to accept is due, or None."""
    first, second = template.first_reminder_days, template.second_reminder_days
    if kind == ReminderKind.FIRST:
        if first is None:
            return None
        # Once the second reminder is due, the first is no longer worth sending.
        end = min(first + DUE_WINDOW_DAYS, second) if second is not None and second > first else first + DUE_WINDOW_DAYS
        return first, end
    if second is None:
        return None
    return second, second + DUE_WINDOW_DAYS


def pending_reminders_due(*, template, kind, today):
    """Awards of `template` waiting for their earner that are due the `kind` reminder to accept today."""
    days = _waiting_days(template, kind)
    if days is None:
        return Award.objects.none()
    since, until = days
    awards = Award.objects.filter(
        template=template,
        state=AwardState.PENDING,
        revoked_at__isnull=True,
        anonymised_at__isnull=True,
        # Counted from when the award was made (and its claim email sent), not its issue date, which an
        # import may set to the day of the exam.
        created_at__lt=_start_of(today - timedelta(days=since - 1)),
        created_at__gte=_start_of(today - timedelta(days=until - 1)),
    )
    # A program that issued without a claim email (an import with emails off) tells its earners itself.
    claim_emailed = OutboxEmail.objects.for_award(OuterRef("pk")).filter(kind=CLAIM_EMAIL)
    return _not_reminded_or_opted_out(awards.filter(Exists(claim_emailed)), kind)


def expiry_reminders_due(*, template, today):
    """Held awards of `template` that expire within its reminder period and were not reminded of that date."""
    if template.expiry_reminder_days is None:
        return Award.objects.none()
    awards = Award.objects.held().filter(
        template=template,
        anonymised_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=template.expiry_reminder_days),
    )
    return _not_reminded_or_opted_out(awards, ReminderKind.EXPIRY, expires_on=OuterRef("expires_on"))


def award_reminder_send(*, award, kind):
    """Record and queue one reminder; False when it was already sent (the constraint refused a second)."""
    expires_on = award.expires_on if kind == ReminderKind.EXPIRY else None
    try:
        with transaction.atomic():
            AwardReminder.objects.create(award=award, kind=kind, expires_on=expires_on)
            outbox_enqueue(
                kind=REMINDER_EMAIL, to=award.recipient_email, payload={"award_id": award.pk, "reminder": kind}
            )
    except IntegrityError:
        return False
    return True


def reminders_send(*, today=None):
    """Send every reminder due `today`; return how many were queued."""
    today = today or timezone.localdate()
    sent = 0
    for template in BadgeTemplate.objects.order_by("pk"):
        batches = [
            (ReminderKind.FIRST, pending_reminders_due(template=template, kind=ReminderKind.FIRST, today=today)),
            (ReminderKind.SECOND, pending_reminders_due(template=template, kind=ReminderKind.SECOND, today=today)),
            (ReminderKind.EXPIRY, expiry_reminders_due(template=template, today=today)),
        ]
        for kind, awards in batches:
            for award in awards.only("pk", "recipient_email", "expires_on").iterator(chunk_size=500):
                sent += award_reminder_send(award=award, kind=kind)
    return sent


def unsubscribe_token(email):
    """The signed token in a reminder's unsubscribe link: it names the address, and only we can make one."""
    return signing.dumps(email, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_email_from(token):
    """The address a token names, or None for a token we did not sign."""
    try:
        return normalize_email(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, ValidationError, ValueError, TypeError):
        return None


def reminders_unsubscribe(*, email):
    """Stop reminders to `email`. Idempotent; claim emails the program sends are not affected."""
    ReminderOptOut.objects.get_or_create(email=normalize_email(email))


def is_opted_out(email):
    return ReminderOptOut.objects.filter(email=email).exists()
