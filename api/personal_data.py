"""Deleting an account forgets the API answers we keep for idempotency replays that name the person."""

from .models import IdempotencyKey


def idempotency_answers_forget(*, user, addresses):
    """Delete the stored answers (kept 24 hours at most) that hold one of `addresses`: a replay of the
    request would then run it again, which the awards' own rules make harmless (an address already
    anonymised is issued nothing new)."""
    forgotten = 0
    for address in addresses:
        forgotten += IdempotencyKey.objects.filter(response__icontains=address).delete()[0]
    return {"api_answers_forgotten": forgotten}
