"""Rows sent by a worker and retried with backoff: outbox emails and webhook deliveries alike."""

from collections import defaultdict
from datetime import timedelta


def backoff(attempts, *, first_seconds, max_seconds):
    """Capped exponential backoff: `first_seconds` after the first attempt, doubling after each one."""
    seconds = first_seconds * 2 ** min(attempts - 1, 32)
    return timedelta(seconds=min(seconds, max_seconds))


def claim_due(due, *, limit, now, delay, **also):
    """Take up to `limit` rows of `due` (a locking, ordered queryset; call inside a transaction), count the
    attempt and set its retry time `now + delay(attempts)`, writing `also` too. Returns the rows."""
    rows = list(due[:limit])
    # One UPDATE per attempt count (a batch mostly shares one), not bulk_update's CASE per row.
    by_attempts = defaultdict(list)
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + delay(row.attempts)
        by_attempts[row.attempts].append(row)
    for attempts, claimed in by_attempts.items():
        due.model.objects.filter(pk__in=[row.pk for row in claimed]).update(
            attempts=attempts, next_attempt_at=claimed[0].next_attempt_at, **also
        )
    return rows
