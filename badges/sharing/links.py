"""Where sharing points: the public URL, the networks' share forms, the embed snippet and preview image."""

from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from ..models import ShareChannel

# The channels that leave the site through `share_redirect`; email has its own form.
REDIRECT_CHANNELS = (ShareChannel.LINKEDIN_PROFILE, ShareChannel.LINKEDIN, ShareChannel.X, ShareChannel.FACEBOOK)
EMBED_WIDTH, EMBED_HEIGHT = 340, 330
BUTTON_LABELS = {
    ShareChannel.LINKEDIN_PROFILE: "Add to LinkedIn profile",
    ShareChannel.LINKEDIN: "Post on LinkedIn",
    ShareChannel.X: "Post on X",
    ShareChannel.FACEBOOK: "Share on Facebook",
}


def public_url(award):
    return settings.SITE_URL + reverse("award_public", args=[award.public_id])


def credential_id(award):
    """The id the public page shows and LinkedIn stores; the opaque public id, never the pk."""
    return str(award.public_id)


def linkedin_add_to_profile_url(award):
    """LinkedIn's "Add licence or certification" form, pre-filled.

    An issuer with a LinkedIn page is named by its organisation id, so the entry links to that page and shows
    its logo; LinkedIn reads the organisation's name only when no id is given.
    """
    issuer = award.template.issuer
    organization = (
        {"organizationId": issuer.linkedin_organization_id}
        if issuer.linkedin_organization_id
        else {"organizationName": issuer.name}
    )
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": award.template.name,
        **organization,
        "issueYear": award.issued_on.year,
        "issueMonth": award.issued_on.month,
    }
    if award.expires_on:
        params |= {"expirationYear": award.expires_on.year, "expirationMonth": award.expires_on.month}
    params |= {"certUrl": public_url(award), "certId": credential_id(award)}
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def share_text(award):
    return f"I earned the “{award.template.name}” badge from {award.template.issuer.name}."


def network_url(award, channel):
    url = public_url(award)
    if channel == ShareChannel.LINKEDIN_PROFILE:
        return linkedin_add_to_profile_url(award)
    if channel == ShareChannel.LINKEDIN:
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})
    if channel == ShareChannel.X:
        return "https://twitter.com/intent/tweet?" + urlencode({"text": share_text(award), "url": url})
    if channel == ShareChannel.FACEBOOK:
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})
    raise ValueError(f"Not a redirect channel: {channel!r}")


def og_image_url(award):
    return settings.SITE_URL + reverse("award_og_image", args=[award.public_id])


def oembed_discovery_url(award):
    return settings.SITE_URL + reverse("oembed") + "?" + urlencode({"url": public_url(award), "format": "json"})


def embed_url(award):
    return settings.SITE_URL + reverse("award_embed", args=[award.public_id])


def embed_html(award, *, width=EMBED_WIDTH, height=EMBED_HEIGHT):
    """The snippet people paste into their site: an iframe of the badge card that links to the public page."""
    return render_to_string(
        "badges/_embed_snippet.html",
        {
            "award": award,
            "embed_url": embed_url(award),
            "public_url": public_url(award),
            "width": width,
            "height": height,
        },
    ).strip()
