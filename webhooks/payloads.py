"""What webhooks (and the API, which returns the same document) say about an award. Never the claim token."""

import functools
import uuid

from django.conf import settings
from django.urls import reverse

_PLACEHOLDER = str(uuid.UUID(int=0))


@functools.cache
def _path_templates():
    """The three addresses with a placeholder id, reversed once: a batch of 1,000 awards would reverse 3,000."""
    names = {
        "public_url": "award_public",
        "openbadges_v2_url": "ob2_assertion",
        "openbadges_v3_url": "award_credential_jwt",
    }
    return {key: reverse(name, args=[_PLACEHOLDER]) for key, name in names.items()}


def _iso(value):
    return value.isoformat() if value is not None else None


def award_document(award):
    """The award as issuers' programs see it; `award.template` should be loaded with it."""
    public_id = str(award.public_id)
    return {
        "id": public_id,
        "template": award.template.slug,
        "state": award.state,
        "status": award.status,
        "recipient_email": award.recipient_email,
        "recipient_name": award.recipient_name,
        "external_id": award.external_id,
        "evidence_url": award.evidence_url,
        "issued_on": _iso(award.issued_on),
        "expires_on": _iso(award.expires_on),
        "accepted_at": _iso(award.accepted_at),
        "revoked_at": _iso(award.revoked_at),
        "revocation_reason": award.revocation_reason,
        "created_at": _iso(award.created_at),
        "updated_at": _iso(award.updated_at),
        **{key: settings.SITE_URL + path.replace(_PLACEHOLDER, public_id) for key, path in _path_templates().items()},
    }


def event_document(*, event_type, award, timestamp):
    """The Standard Webhooks payload shape: type, timestamp, data."""
    return {"type": event_type, "timestamp": _iso(timestamp), "data": award_document(award)}
