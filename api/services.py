"""API keys: created by staff (the key shown once), checked on each request, revoked."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import ApiKey, IdempotencyKey, Scope

KEY_PREFIX = "bpk_"
# last_used_at is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_hash(raw_key):
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_scopes_validate(scopes):
    scopes = list(dict.fromkeys(scopes or []))
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValidationError(f"Unknown scope(s): {', '.join(unknown)}.", code="unknown_scope")
    if not scopes:
        raise ValidationError("Choose at least one scope.", code="no_scopes")
    return scopes


def api_key_assign(*, api_key):
    """Give `api_key` (not saved) a new key and return it, for the one time it is shown."""
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key.prefix = raw_key[: len(KEY_PREFIX) + 6]
    api_key.key_hash = api_key_hash(raw_key)
    return raw_key


def api_key_create(*, issuer, name, scopes):
    """Returns (api_key, raw key). The raw key is never stored."""
    api_key = ApiKey(issuer=issuer, name=name, scopes=api_key_scopes_validate(scopes))
    raw_key = api_key_assign(api_key=api_key)
    api_key.full_clean()
    api_key.save()
    return api_key, raw_key


def api_key_authenticate(raw_key, *, now=None):
    """The usable key `raw_key` is, with its issuer, or None. Notes when it was last used."""
    if not raw_key or not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 100:
        return None
    api_key = ApiKey.objects.usable().select_related("issuer").filter(key_hash=api_key_hash(raw_key)).first()
    if api_key is None:
        return None
    now = now or timezone.now()
    if api_key.last_used_at is None or api_key.last_used_at < now - LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


def api_keys_revoke(*, api_keys, now=None):
    """Revoke the keys (a queryset); they stop working at once. Returns how many were revoked."""
    return api_keys.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())


def idempotency_keys_purge(*, now=None, hours):
    cutoff = (now or timezone.now()) - timedelta(hours=hours)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
