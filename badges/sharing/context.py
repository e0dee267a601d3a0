from django.urls import reverse

from .links import BUTTON_LABELS, REDIRECT_CHANNELS, credential_id, embed_html, public_url
from .rules import sharing_refusal
from .selectors import badge_going_private_warning


def share_panel_context(award, *, profile_public):
    """What the owner's badge page offers for sharing: nothing unless the public can see the badge and it was
    not revoked; no networks once it expired (see `rules`). The first network link is the primary action."""
    if not (award.is_accepted and award.is_public and profile_public) or sharing_refusal(award, to_network=False):
        return {"shareable": False}
    network_refusal = sharing_refusal(award, to_network=True)
    network_links = [
        {
            "channel": channel.value,
            "label": BUTTON_LABELS[channel],
            "url": reverse("share_redirect", args=[award.public_id, channel.value]),
        }
        for channel in REDIRECT_CHANNELS
    ]
    return {
        "shareable": True,
        "public_url": public_url(award),
        "credential_id": credential_id(award),
        "network_links": [] if network_refusal else network_links,
        "network_refusal": network_refusal,
        "embed_snippet": embed_html(award),
    }


def privacy_panel_context(award, *, profile_public):
    """The privacy switch says what hiding the badge breaks before it is used; only while the public can see it."""
    if not (award.is_accepted and award.is_public and profile_public):
        return {"going_private_warning": ""}
    return {"going_private_warning": badge_going_private_warning(award)}
