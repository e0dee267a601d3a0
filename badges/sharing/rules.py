"""What a badge may still be shared as, by its standing. The owner's page, the share redirect and email share
all ask here.

- A revoked badge offers no sharing at all: its old links keep answering, and say it was revoked, so that
  whoever follows one learns it; nothing new should point at it.
- An expired badge keeps what records its history, each of which says "expired": its link, QR code, embed,
  email and downloads. It is no longer offered to LinkedIn, X or Facebook: LinkedIn's "Add to profile" and a
  post announce a certification the earner holds now.
"""

from django.utils.dateformat import format as format_date

REVOKED = "This badge was revoked by its issuer, so it can no longer be shared. Its public page says it was revoked."


def expired_message(award):
    return (
        f"This badge expired on {format_date(award.expires_on, 'F j, Y')}, so it is no longer offered to LinkedIn "
        "or social networks as a current certification. Its link, QR code and embed still work and say it expired."
    )


def sharing_refusal(award, *, to_network):
    """Why `award` may not be shared (on a network, when `to_network`), or "" when it may.

    Visibility is the caller's query: only a badge the public can see is ever shared.
    """
    if award.is_revoked:
        return REVOKED
    if to_network and award.is_expired:
        return expired_message(award)
    return ""
