"""Reads behind the Open Badges endpoints. Each answers None for what the public may not see."""

from ..models import Award, BadgeTemplate, Issuer, IssuerKey

# The assertion needs only the template (the earner is joined for the visibility filter, never read);
# the 3.0 credential embeds the issuer and the achievement.
ASSERTION_RELATED = ("template",)
CREDENTIAL_RELATED = ("template__issuer", "template__certification", "template__exam")


def public_award(public_id, related=ASSERTION_RELATED):
    """The public award behind a URL, or None; revoked ones are returned so callers can answer 410."""
    awards = Award.objects.publicly_visible().select_related(*related)
    # public_id is unique: get() runs no ORDER BY, which first() would compile and run for nothing.
    try:
        return awards.get(public_id=public_id)
    except Award.DoesNotExist:
        return None


def issuer(slug):
    return Issuer.objects.filter(slug=slug).first()


def badge_template(slug):
    return BadgeTemplate.objects.select_related("issuer", "certification", "exam").filter(slug=slug).first()


def issuer_key(kid):
    if "\x00" in kid:  # PostgreSQL refuses it in a query
        return None
    return IssuerKey.objects.filter(kid=kid).first()


def revoked_award_ids(issuer):
    """Every revoked award of the issuer, public or not: a credential held offline must still learn it."""
    return list(Award.objects.filter(template__issuer=issuer, revoked_at__isnull=False).values_list("pk", flat=True))
