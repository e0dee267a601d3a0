"""Open Badges 3.0: each award as an OpenBadgeCredential, signed as a VC-JWT (RS256).

The JWT payload is the credential itself with the registered claims added (OB 3.0 §8.2), and
the header's `kid` is the URL of the issuer's public JWK. RS256 (PKCS #1 v1.5) is deterministic,
so the same credential and key always give the same token: the endpoint serves the token signed
once per change and stored (`badges.public.stored`), which a key rotation marks stale.
"""

import gzip
import uuid
import zlib
from datetime import UTC, datetime

import jwt
from django.urls import reverse

from ..public import cache as public_cache
from . import ob2
from .keys import ALGORITHM, issuer_key_active, private_key_of

CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
# The Bitstring Status List spec asks for at least 16 KB of bits so one entry hides among many.
STATUS_LIST_MIN_BITS = 131_072
STATUS_LIST_SECONDS = 60 * 60 * 24


def credential_url(award):
    return ob2.absolute(reverse("award_credential_jwt", args=[award.public_id]))


def key_url(kid):
    return ob2.absolute(reverse("ob3_issuer_key", args=[kid]))


def status_list_url(issuer):
    return ob2.absolute(reverse("ob3_status_list", args=[issuer.slug]))


def subject_id(award):
    """An opaque, stable id for the earner of this one award: OB 3.0 signs `sub` as credentialSubject.id,
    and a per-award UUID names the subject without linking it to an account or an email address."""
    return f"urn:uuid:{uuid.uuid5(award.public_id, 'credentialSubject')}"


def timestamp(iso_text):
    return int(datetime.fromisoformat(iso_text).timestamp())


def profile_json(issuer):
    data = {"id": ob2.issuer_url(issuer), "type": ["Profile"], "name": issuer.name, "url": issuer.url}
    if issuer.email:
        data["email"] = issuer.email
    return data


def achievement_json(template, badgeclass=None):
    badgeclass = badgeclass or ob2.cached_badgeclass_json(template)
    data = {
        "id": badgeclass["id"],
        "type": ["Achievement"],
        "achievementType": "Certification" if template.certification_id else "Badge",
        "name": badgeclass["name"],
        "description": badgeclass["description"],
        "criteria": {"narrative": badgeclass["criteria"]["narrative"]},
    }
    if "image" in badgeclass:
        data["image"] = {"id": badgeclass["image"], "type": "Image"}
    if "tags" in badgeclass:
        data["tag"] = badgeclass["tags"]
    return data


def credential_json(award, badgeclass=None):
    """Expects `award` loaded with its template, the template's issuer, certification and exam. A stored
    document passes the badge class it just built, so nothing in it comes from the cache."""
    issuer = award.template.issuer
    identity = ob2.recipient_identity(award.recipient_email, award.recipient_salt)
    data = {
        "@context": CONTEXTS,
        "id": credential_url(award),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.template.name,
        "issuer": profile_json(issuer),
        "validFrom": ob2.issued_on(award),
        "credentialSubject": {
            "id": subject_id(award),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.recipient_salt,
                    "identityHash": identity,
                }
            ],
            "achievement": achievement_json(award.template, badgeclass),
        },
        "credentialStatus": {
            "id": f"{status_list_url(issuer)}#{award.pk}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.pk),
            "statusListCredential": status_list_url(issuer),
        },
    }
    if award.expires_on:
        data["validUntil"] = ob2.expires(award)
    if award.evidence_url:
        data["evidence"] = [{"id": award.evidence_url, "type": ["Evidence"]}]
    return data


def cached_credential_json(award):
    return public_cache.get_or_set(public_cache.OB3, award.public_id, lambda: credential_json(award))


def sign(payload, issuer_key):
    headers = {"kid": key_url(issuer_key.kid), "typ": "JWT"}
    return jwt.encode(payload, private_key_of(issuer_key), algorithm=ALGORITHM, headers=headers)


def credential_jwt(award, credential=None):
    credential = credential or cached_credential_json(award)
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": timestamp(credential["validFrom"]),
    }
    if "validUntil" in credential:
        claims["exp"] = timestamp(credential["validUntil"])
    return sign({**credential, **claims}, issuer_key_active(issuer=award.template.issuer))


def encode_bitstring(indexes):
    size = max(STATUS_LIST_MIN_BITS, (max(indexes, default=0) // 8 + 1) * 8)
    bits = bytearray(size // 8)
    for index in indexes:
        # Index 0 is the most significant bit of the first byte.
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + jwt.utils.base64url_encode(gzip.compress(bytes(bits), mtime=0)).decode()


def decode_bit(encoded_list, index, max_bytes=4 * 1024 * 1024):
    if not encoded_list.startswith("u"):
        raise ValueError("The status list is not base64url multibase.")
    compressed = jwt.utils.base64url_decode(encoded_list[1:].encode())
    # Read no more than a sane list's worth, whatever the compressed data claims.
    bits = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(compressed, max_bytes)
    if index < 0 or index // 8 >= len(bits):
        raise ValueError("The status index is outside the list.")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(issuer, revoked_indexes):
    url = status_list_url(issuer)
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "@context": [CONTEXTS[0]],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": profile_json(issuer),
        "validFrom": now.isoformat(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(revoked_indexes),
        },
    }


def status_list_jwt(issuer, revoked_indexes):
    credential = status_list_credential(issuer, revoked_indexes)
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": timestamp(credential["validFrom"]),
    }
    return sign({**credential, **claims}, issuer_key_active(issuer=issuer))
