"""What badges holds about an earner: their section of the data export, and what deleting their account
does to their awards (registered with `accounts.personal_data` in `BadgesConfig.ready()`)."""

import json

from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from accounts.personal_data import json_file

from ..models import Award, ClaimToken, ShareCount
from ..openbadges import baking, ob2, ob3
from ..openbadges.selectors import CREDENTIAL_RELATED
from ..public import cache as public_cache
from ..sharing.links import public_url


def _awards_of(user, addresses):
    """The earner's awards, and any still waiting unclaimed at an address they have proven is theirs."""
    return Award.objects.filter(Q(earner=user) | Q(earner__isnull=True, recipient_email__in=addresses))


def export_awards(*, user, addresses):
    awards = (
        _awards_of(user, addresses)
        .select_related(*CREDENTIAL_RELATED)
        .prefetch_related("share_counts")
        .order_by("issued_on", "pk")
    )
    for award in awards:
        folder = f"{award.template.slug}-{award.public_id}"
        yield json_file(f"{folder}/award.json", _award_record(award))
        # Open Badges data exists for what the earner holds; a pending, declined or revoked badge has none.
        if award.is_held:
            yield from _open_badges_files(folder, award)


def _award_record(award):
    return {
        "public_id": award.public_id,
        "badge": award.template.name,
        "issuer": award.template.issuer.name,
        "recipient_name": award.recipient_name,
        "recipient_email": award.recipient_email,
        "state": award.state,
        "status": award.status,
        "issued_on": award.issued_on,
        "expires_on": award.expires_on,
        "evidence_url": award.evidence_url,
        "accepted_at": award.accepted_at,
        "shown_on_public_profile": award.is_public,
        "revoked_at": award.revoked_at,
        "revocation_reason": award.revocation_reason,
        "public_url": public_url(award),
        "shares": [
            {"channel": share.get_channel_display(), "times": share.clicks, "last_shared_at": share.last_shared_at}
            for share in award.share_counts.all()
        ],
    }


def _open_badges_files(folder, award):
    # Built straight from the model, not through the public caches: those hold only what the public may see,
    # and a badge the earner hid is still theirs.
    assertion = ob2.assertion_json(award)
    credential = ob3.credential_json(award)
    token = ob3.credential_jwt(award, credential)
    yield json_file(f"{folder}/ob2-assertion.json", assertion)
    yield json_file(f"{folder}/ob3-credential.json", credential)
    yield f"{folder}/ob3-credential.jwt", token
    if award.template.image:
        image = baking.as_png(award.template.image)
        assertion_text = json.dumps(assertion, ensure_ascii=False)
        yield f"{folder}/baked-ob2.png", baking.bake(image, assertion_text, keyword=baking.OB2_KEYWORD)
        yield f"{folder}/baked-ob3.png", baking.bake(image, token, keyword=baking.OB3_KEYWORD)


def awards_lost(*, user, addresses):
    count = _awards_of(user, addresses).count()
    if not count:
        return ""
    return (
        f"Your {count} badge{pluralize(count)} and how often you shared them. Their public pages, Open Badges "
        "links, embeds and share links will answer “not found”."
    )


def awards_anonymise(*, user, addresses):
    """Keep each award for its issuer without the person: no earner, name or address, never public again.

    The pk, public id, template, dates and revocation stay, so the issuer's status list keeps answering for
    credentials already handed out. Claim links and share counts go.
    """
    awards = _awards_of(user, addresses)
    public_cache.invalidate_earner(user.pk)
    ClaimToken.objects.filter(award__in=awards).delete()
    ShareCount.objects.filter(award__in=awards).delete()
    now = timezone.now()
    anonymised = awards.update(
        earner=None,
        recipient_email="",
        recipient_name="",
        evidence_url="",  # from an import: a link to the person's own exam report or work
        is_public=False,
        anonymised_at=now,
        updated_at=now,
    )
    return {"awards_anonymised": anonymised}
