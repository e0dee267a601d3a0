"""Open Badges 2.0 documents, built from the model in one place.

Every `id` is the document's own URL on SITE_URL's origin, so a verifier that fetches it gets the
same JSON back.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from ..public import cache as public_cache

CONTEXT = "https://w3id.org/openbadges/v2"


def absolute(path):
    """A URL on this site; one already absolute (a file in object storage) stays as it is."""
    return path if path.startswith(("https://", "http://")) else settings.SITE_URL + path


def recipient_identity(email, salt):
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def issuer_url(issuer):
    return absolute(reverse("ob2_issuer", args=[issuer.slug]))


def badgeclass_url(template):
    return absolute(reverse("ob2_badgeclass", args=[template.slug]))


def assertion_url(award):
    return absolute(reverse("ob2_assertion", args=[award.public_id]))


def image_url(template):
    return absolute(template.image.url) if template.image else None


def baked_image_url(award):
    return absolute(reverse("award_baked_png", args=[award.public_id])) if award.template.image else None


def _iso_day_start(day):
    return f"{day.isoformat()}T00:00:00+00:00"


def issued_on(award):
    return _iso_day_start(award.issued_on)


def expires(award):
    """A badge is good through its expiry date, so it lapses at the end of that day (UTC)."""
    return f"{award.expires_on.isoformat()}T23:59:59+00:00" if award.expires_on else None


def issuer_json(issuer):
    data = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(issuer),
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    if issuer.description:
        data["description"] = issuer.description
    if issuer.image:
        data["image"] = absolute(issuer.image.url)
    return data


def criteria_narrative(template):
    """The criteria staff wrote (the catalog import writes them from the exams), else the exams themselves."""
    if template.criteria:
        return template.criteria
    lines = [f"Pass exam {exam.code}: {exam.title}." for exam in _template_exams(template)]
    return "\n\n".join(lines) or f"Earn the {template.name} badge from {template.issuer.name}."


def _template_exams(template):
    if template.exam_id:
        return [template.exam]
    if template.certification_id:
        return list(template.certification.exams.all())
    return []


def badgeclass_json(template):
    """Expects `template` loaded with its issuer, certification and exam."""
    recognized = template.recognized
    data = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badgeclass_url(template),
        "name": template.name,
        "description": template.description or template.name,
        "criteria": {"narrative": criteria_narrative(template)},
        "issuer": issuer_url(template.issuer),
    }
    if template.certification_id and template.certification.url:
        data["criteria"]["id"] = template.certification.url
    if template.image:
        data["image"] = image_url(template)
    if template.skills:
        data["tags"] = [str(skill) for skill in template.skills]
    if recognized is not None and getattr(recognized, "url", ""):
        data["alignment"] = [{"targetName": recognized.name, "targetUrl": recognized.url}]
    return data


def assertion_json(award):
    """Expects `award` loaded with its template."""
    data = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient_salt,
            "identity": recipient_identity(award.recipient_email, award.recipient_salt),
        },
        "badge": badgeclass_url(award.template),
        "issuedOn": issued_on(award),
        "verification": {"type": "HostedBadge"},
    }
    if award.expires_on:
        data["expires"] = expires(award)
    if award.evidence_url:
        data["evidence"] = award.evidence_url
    if award.template.image:
        data["image"] = baked_image_url(award)
    return data


def revoked_json(award):
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "revoked": True,
        "revocationReason": award.revocation_reason,
    }


def cached_badgeclass_json(template):
    """Cleared with the template's awards when the template, its issuer, certification or exams change."""
    key = public_cache.badgeclass_key(template.pk)
    return cache.get_or_set(key, lambda: badgeclass_json(template), public_cache.TIMEOUTS[public_cache.OB2])


def dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
