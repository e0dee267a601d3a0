"""What each Open Badges address publishes, built from the model and answered for what the public may see.

The endpoints serve these documents; the verifier reads them directly when a badge names one of our own
addresses, so checking our own badge never asks our own server over HTTP.
"""

from dataclasses import dataclass

from ..public import stored
from . import ob2, ob3, selectors

LD_JSON = "application/ld+json"
VC_JWT = "application/vc+jwt"
JWK_JSON = "application/jwk+json"


@dataclass(frozen=True)
class Document:
    status: int
    body: str
    content_type: str


def json_document(data, status=200, content_type=LD_JSON):
    return Document(status, ob2.dumps(data), f"{content_type}; charset=utf-8")


NOT_FOUND = json_document({"error": "not_found", "detail": "Nothing public lives at this address."}, status=404)


def issuer(slug):
    found = selectors.issuer(slug)
    return json_document(ob2.issuer_json(found)) if found else NOT_FOUND


def badgeclass(slug):
    template = selectors.badge_template(slug)
    return json_document(ob2.cached_badgeclass_json(template)) if template else NOT_FOUND


def assertion(public_id):
    """Rendered when the award last changed and stored (`badges.public.stored`): one indexed lookup."""
    document = stored.read(public_id, stored.OB2)
    if document is None or not document.visible:
        return NOT_FOUND
    return Document(document.ob2_status, document.ob2_body, f"{LD_JSON}; charset=utf-8")


def _credential(public_id, build):
    award = selectors.public_award(public_id, selectors.CREDENTIAL_RELATED)
    if award is None:
        return NOT_FOUND
    if award.is_revoked:
        return json_document(ob2.revoked_json(award), status=410)
    return build(award)


def credential_jwt(public_id):
    """Signed once per change and stored: RS256 gives the same token for the same credential and key."""
    document = stored.read(public_id, stored.OB3)
    if document is None or not document.visible:
        return NOT_FOUND
    if document.revoked:
        return Document(document.ob3_status, document.ob3_body, f"{LD_JSON}; charset=utf-8")
    return Document(document.ob3_status, document.ob3_body, VC_JWT)


def credential_json(public_id):
    return _credential(public_id, lambda award: json_document(ob3.cached_credential_json(award)))


def issuer_key(kid):
    """Retired keys stay published: credentials they signed must keep verifying."""
    key = selectors.issuer_key(kid)
    return json_document(key.public_jwk, content_type=JWK_JSON) if key else NOT_FOUND


def status_list(slug):
    found = selectors.issuer(slug)
    if found is None:
        return NOT_FOUND
    return Document(200, ob3.status_list_jwt(found, selectors.revoked_award_ids(found)), VC_JWT)


# Each document by the name of the URL that serves it (badges/openbadges/urls.py).
BY_URL_NAME = {
    "ob2_issuer": issuer,
    "ob2_badgeclass": badgeclass,
    "ob2_assertion": assertion,
    "award_credential_jwt": credential_jwt,
    "award_credential_json": credential_json,
    "ob3_issuer_key": issuer_key,
    "ob3_status_list": status_list,
}
