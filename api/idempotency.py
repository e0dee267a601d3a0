"""`Idempotency-Key` on every POST: the same key with the same body gets the first answer again, the same key
with another body 422. Keys are per API key and kept API_IDEMPOTENCY_HOURS.

The key's row is written (committed) before the work starts, so a second request with the same key while the
first runs is told so (409) instead of doing the work twice. The work and the stored answer commit together:
either both are there or neither. Only successful answers are stored; a refused request (a validation error,
a 404) keeps nothing, so the client can correct it and send it again with the same key.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.response import Response

from .models import IdempotencyKey
from .problems import UnprocessableContent

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
# A row still without an answer after this long belongs to a request that died: the key may be used again.
ABANDONED_AFTER = timedelta(minutes=5)


class IdempotencyKeyMissing(exceptions.ParseError):
    default_code = "idempotency_key_missing"
    default_detail = f"Send an {HEADER} header (a unique string of up to {MAX_LENGTH} characters) with every POST."


class IdempotencyKeyInProgress(exceptions.APIException):
    status_code = 409
    default_code = "idempotency_key_in_progress"
    default_detail = "A request with this Idempotency-Key is still running; retry in a moment."


def fingerprint(request):
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request, work):
    """Run `work()` (returns a DRF Response) once per Idempotency-Key; replay its answer after that."""
    key = request.headers.get(HEADER, "")
    if not key or len(key) > MAX_LENGTH or not key.isprintable():
        raise IdempotencyKeyMissing()
    print_ = fingerprint(request)
    now = timezone.now()
    record = _claim(request.auth, key, print_, now)
    if isinstance(record, Response):
        return record
    try:
        with transaction.atomic():
            response = work()
            if 200 <= response.status_code < 300:
                record.status_code, record.response = response.status_code, response.data
                record.save(update_fields=["status_code", "response"])
            else:
                record.delete()
    except BaseException:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
        raise
    return response


def _claim(api_key, key, print_, now):
    """A new row for this key, or the stored answer (a Response) to give instead."""
    stale = now - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    rows = IdempotencyKey.objects.filter(api_key=api_key, key=key)
    rows.filter(Q(created_at__lt=stale) | Q(status_code__isnull=True, created_at__lt=now - ABANDONED_AFTER)).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(api_key=api_key, key=key, fingerprint=print_, created_at=now)
    except IntegrityError:
        pass
    earlier = rows.first()
    if earlier is None:  # expired and deleted between the two queries
        raise IdempotencyKeyInProgress()
    if earlier.fingerprint != print_:
        raise UnprocessableContent(
            {HEADER: [exceptions.ErrorDetail(
                "This Idempotency-Key was used with another request body; use a new key for a new request.",
                code="idempotency_key_reused",
            )]}
        )  # fmt: skip
    if earlier.status_code is None:
        raise IdempotencyKeyInProgress()
    return Response(earlier.response, status=earlier.status_code, headers={"Idempotent-Replayed": "true"})
