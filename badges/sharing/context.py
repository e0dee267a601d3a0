from django.urls import reverse

from .links import BUTTON_LABELS, REDIRECT_CHANNELS, credential_id, embed_html, public_url


def share_panel_context(award, *, profile_public):
    """What the owner's badge page needs to offer sharing; empty when the badge is not publicly visible."""
    if not (award.is_accepted and award.is_public and profile_public):
        return {"shareable": False}
    return {
        "shareable": True,
        "public_url": public_url(award),
        "credential_id": credential_id(award),
        "share_links": [
            (BUTTON_LABELS[channel], reverse("share_redirect", args=[award.public_id, channel.value]))
            for channel in REDIRECT_CHANNELS
        ],
        "embed_snippet": embed_html(award),
    }
