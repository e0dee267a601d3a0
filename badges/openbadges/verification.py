"""Verify a badge from what its issuer publishes, the way an outside verifier would.

The checks read the published documents: the hosted assertion, its badge class and issuer, and for our own
badges the signed Open Badges 3.0 credential, its key and the issuer's revocation list. A document at one of
our own addresses is read directly (`documents`), never fetched from our own server: a verify request that
asked its own server over HTTP held a second worker, or waited for its own until it timed out. Another
issuer's Open Badges 2.0 assertion is fetched through `remote`, which keeps those requests off private
networks and bounded in time and size. Every failure, including network ones, becomes a failed check, never
an error page.

The report on one of our own badges also names it for the reader (its image, name and earner, as its public
page shows them), read from the database only when the public may see the badge.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import jwt
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from jwt.algorithms import RSAAlgorithm

from . import baking, documents, ob2, ob3, remote, selectors
from .remote import FetchError

DEFAULT_PORTS = {"http": 80, "https": 443}
# What the report shows of our own badge it checked: the template's image and name, its issuer, and whether
# what it recognises is retired.
SUBJECT_RELATED = ("template__issuer", "template__certification", "template__exam")


@dataclass
class Check:
    name: str
    passed: bool | None  # None: not checked, with `detail` saying why
    detail: str


@dataclass
class Report:
    checks: list = field(default_factory=list)
    problem: str = ""  # set when there was nothing to verify at all
    assertion_url: str = ""
    award: object = None  # the public badge checked, to name it on the page; None when the public cannot see it

    def add(self, name, passed, detail):
        self.checks.append(Check(name, passed, detail))
        return passed

    @property
    def verified(self):
        return (
            not self.problem and any(c.passed for c in self.checks) and all(c.passed is not False for c in self.checks)
        )


def _origin(url):
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port or DEFAULT_PORTS.get(parts.scheme)


def is_own(url):
    """Whether `url` is an address on this site (SITE_URL's scheme, host and port, however written)."""
    try:
        return isinstance(url, str) and _origin(url) == _origin(settings.SITE_URL)
    except ValueError:  # a port that is not a number, an unclosed IPv6 bracket
        return False


def _resolve_own(url):
    try:
        return resolve(unquote(urlsplit(url).path))
    except Resolver404:
        return None


def _read_own(url):
    """The status and body our endpoint would answer for `url`, built here without a request."""
    match = _resolve_own(url)
    read = documents.BY_URL_NAME.get(match.url_name) if match else None
    document = read(**match.kwargs) if read else documents.NOT_FOUND
    return document.status, document.body.encode()


def fetch(url):
    """Return (status, body) for a published document; raise FetchError when there is no answer."""
    if not isinstance(url, str) or not url:
        raise FetchError("The record does not give this document's address.")
    if is_own(url):
        return _read_own(url)
    return remote.fetch(url)


def fetch_json(url):
    status, body = fetch(url)
    try:
        return status, json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FetchError(f"{url} did not answer with JSON (HTTP {status}).") from None


def public_id_from_url(url):
    """The award an address on this site names (assertion, credential or badge page), or None."""
    match = _resolve_own(url) if is_own(url) else None
    return match.kwargs.get("public_id") if match else None


def _parse_time(text):
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _nice(moment):
    return f"{moment:%B} {moment.day}, {moment.year}"


def verify_award(public_id, *, email="", baked_assertion=None, token=None):
    """Re-check one of our own awards from its hosted assertion and its Open Badges 3.0 credential."""
    url = ob2.absolute(reverse("ob2_assertion", args=[public_id]))
    report = _verify(url, public_id, email=email, baked_assertion=baked_assertion, token=token)
    report.award = selectors.public_award(public_id, SUBJECT_RELATED)
    return report


def verify_hosted(url, *, email="", baked_assertion=None):
    """Re-check another issuer's Open Badges 2.0 hosted assertion, fetched from its site."""
    return _verify(url, None, email=email, baked_assertion=baked_assertion)


def _verify(url, public_id, *, email, baked_assertion, token=None):
    report = Report(assertion_url=url)
    try:
        _run_checks(report, public_id, url, email=email, baked_assertion=baked_assertion, token=token)
    except (AttributeError, KeyError, TypeError, ValueError):
        # Data we cannot read is a failed check, never an error page.
        report.add("Readable data", False, "Part of the published or submitted data is malformed.")
    return report


def _run_checks(report, public_id, url, *, email, baked_assertion, token):
    assertion = _check_assertion(report, url)
    if assertion is not None:
        badgeclass = _check_badgeclass(report, assertion)
        if badgeclass is not None:
            _check_issuer(report, assertion, badgeclass)
        report.add("Not revoked", True, "The issuer has not revoked this badge.")
        _check_dates(report, assertion)
        _check_recipient(report, assertion, email)
        if baked_assertion is not None:
            _check_baked(report, assertion, baked_assertion)
        if token is None and public_id is not None:
            token = _fetch_credential(report, public_id)
    # A credential someone holds is checked even when the hosted record is gone: its own
    # revocation list entry is what a wallet would look at.
    if token is not None:
        check_jwt(report, token, expected_jti=ob2.absolute(reverse("award_credential_jwt", args=[public_id])))


def _check_assertion(report, url):
    name = "Published by the issuer"
    try:
        status, data = fetch_json(url)
    except FetchError as error:
        report.add(name, False, str(error))
        return None
    if status == 410:
        report.add(name, True, "The issuer still publishes this badge's record.")
        reason = data.get("revocationReason") or "no reason given"
        report.add("Not revoked", False, f"The issuer revoked this badge. Reason: {reason}")
        return None
    if status != 200 or not isinstance(data, dict):
        report.add(
            name, False, "The issuer does not publish this badge: it does not exist or its earner made it private."
        )
        return None
    if data.get("type") != "Assertion" or data.get("id") != url:
        report.add(name, False, "The published record is not an Open Badges assertion for this address.")
        return None
    if (data.get("verification") or {}).get("type") != "HostedBadge":
        report.add(name, False, "The published record does not say it is verified by hosting.")
        return None
    report.add(name, True, f"The issuer publishes this badge at {url}.")
    return data


def _check_badgeclass(report, assertion):
    name = "Badge definition"
    try:
        status, data = fetch_json(assertion.get("badge"))
    except FetchError as error:
        report.add(name, False, str(error))
        return None
    if status != 200 or not isinstance(data, dict) or data.get("type") != "BadgeClass":
        report.add(name, False, "The badge this record points to is not published.")
        return None
    report.add(name, True, f"It is the badge “{data.get('name')}”.")
    return data


def _check_issuer(report, assertion, badgeclass):
    name = "Issuer"
    try:
        status, data = fetch_json(badgeclass.get("issuer"))
    except FetchError as error:
        report.add(name, False, str(error))
        return
    if status != 200 or not isinstance(data, dict) or data.get("type") != "Issuer":
        report.add(name, False, "The issuer's profile is not published.")
        return
    same_origin = urlsplit(data.get("id", "")).netloc == urlsplit(assertion["id"]).netloc
    if not same_origin:
        report.add(name, False, "The badge record is hosted on a different site than its issuer's profile.")
        return
    report.add(name, True, f"Issued by {data.get('name')} ({data.get('url')}), who hosts the record.")


def _check_dates(report, assertion):
    name = "Not expired"
    now = datetime.now(UTC)
    try:
        issued = _parse_time(assertion["issuedOn"])
        expires = _parse_time(assertion["expires"]) if assertion.get("expires") else None
    except (KeyError, TypeError, ValueError):
        report.add(name, False, "The record's dates cannot be read.")
        return
    if issued > now:
        report.add(name, False, f"The record says it was issued on {_nice(issued)}, which is in the future.")
    elif expires is None:
        report.add(name, True, f"Issued on {_nice(issued)}; it does not expire.")
    elif expires < now:
        report.add(name, False, f"It expired on {_nice(expires)}.")
    else:
        report.add(name, True, f"Issued on {_nice(issued)}; valid until {_nice(expires)}.")


def _check_recipient(report, assertion, email):
    name = "Issued to"
    if not email:
        report.add(name, None, "Enter the earner's email address to check that the badge was issued to it.")
        return
    recipient = assertion.get("recipient") or {}
    identity = recipient.get("identity", "")
    if recipient.get("hashed"):
        matches = ob2.recipient_identity(email, recipient.get("salt") or "") == identity
    else:
        matches = email.strip().lower() == identity.lower()
    if matches:
        report.add(name, True, "The badge was issued to the email address you entered.")
    else:
        report.add(name, False, "The badge was not issued to the email address you entered.")


def _check_baked(report, hosted, baked):
    name = "Image matches the record"
    same = all(baked.get(key) == hosted.get(key) for key in ("id", "badge", "recipient", "issuedOn"))
    if same:
        report.add(name, True, "The data baked into the image matches what the issuer publishes.")
    else:
        report.add(name, False, "The data baked into the image differs from what the issuer publishes.")


def _fetch_credential(report, public_id):
    name = "Open Badges 3.0 signature"
    try:
        status, body = fetch(ob2.absolute(reverse("award_credential_jwt", args=[public_id])))
    except FetchError as error:
        report.add(name, False, str(error))
        return None
    if status != 200:
        report.add(name, False, "The issuer does not publish a signed credential for this badge.")
        return None
    return body.decode("ascii", "replace").strip()


def _key_for(kid):
    """The published public key a token names, or raise FetchError / ValueError."""
    match = _resolve_own(kid) if is_own(kid) else None
    if match is None or match.url_name != "ob3_issuer_key":
        raise ValueError("The credential names a signing key this issuer does not publish.")
    status, jwk = fetch_json(kid)
    if status != 200 or not isinstance(jwk, dict):
        raise ValueError("The signing key the credential names is not published.")
    try:
        return RSAAlgorithm.from_jwk(jwk)
    except (jwt.InvalidKeyError, ValueError, KeyError, TypeError):
        raise ValueError("The published signing key cannot be read.") from None


def _decode(token):
    """Verify a VC-JWT's signature against the key its header names; return its payload."""
    header = jwt.get_unverified_header(token)
    if header.get("alg") != ob3.ALGORITHM:
        raise ValueError("The credential is not signed with RS256.")
    key = _key_for(header.get("kid", ""))
    return jwt.decode(
        token,
        key,
        algorithms=[ob3.ALGORITHM],
        options={
            "verify_exp": False,
            "verify_nbf": False,
            "verify_aud": False,
            "require": ["iss", "jti", "nbf", "sub"],
        },
    )


def check_jwt(report, token, *, expected_jti):
    name = "Open Badges 3.0 signature"
    try:
        payload = _decode(token)
    except jwt.InvalidSignatureError:
        report.add(
            name, False, "The signature does not match the issuer's published key: altered or signed by another key."
        )
        return
    except (jwt.PyJWTError, ValueError, FetchError) as error:
        report.add(name, False, f"The signed credential cannot be checked: {error}")
        return
    issuer = payload.get("issuer") or {}
    # OB 3.0 §8.2: the registered claims repeat the credential's own fields.
    claims_match = (
        payload.get("jti") == payload.get("id") == expected_jti
        and payload.get("iss") == (issuer.get("id") if isinstance(issuer, dict) else issuer)
        and payload.get("sub") == (payload.get("credentialSubject") or {}).get("id")
        and payload["nbf"] == ob3.timestamp(payload.get("validFrom", ""))
        and payload.get("exp") == (ob3.timestamp(payload["validUntil"]) if "validUntil" in payload else None)
        and "OpenBadgeCredential" in (payload.get("type") or [])
    )
    if not claims_match:
        report.add(name, False, "The signed credential is not the one issued for this badge.")
        return
    report.add(name, True, "The signed Open Badges 3.0 credential verifies with the issuer's published key.")
    _check_jwt_validity(report, payload)
    _check_status(report, payload.get("credentialStatus") or {})


def _check_jwt_validity(report, payload):
    name = "Open Badges 3.0 validity period"
    now = datetime.now(UTC).timestamp()
    if payload["nbf"] > now:
        report.add(name, False, "The signed credential is not valid yet.")
    elif payload.get("exp") is not None and payload["exp"] < now:
        report.add(name, False, "The signed credential has expired.")
    else:
        report.add(name, True, "The signed credential is within its validity period.")


def _check_status(report, status_entry):
    name = "Open Badges 3.0 revocation list"
    try:
        status, body = fetch(status_entry.get("statusListCredential"))
        if status != 200:
            raise ValueError("The issuer's revocation list is not published.")
        status_list = _decode(body.decode("ascii", "replace").strip())
        revoked = ob3.decode_bit(
            status_list["credentialSubject"]["encodedList"], int(status_entry.get("statusListIndex"))
        )
    except (FetchError, ValueError, KeyError, TypeError, jwt.PyJWTError) as error:
        report.add(name, False, f"The revocation list cannot be checked: {error}")
        return
    if revoked:
        report.add(name, False, "The issuer's signed revocation list marks this credential as revoked.")
    else:
        report.add(name, True, "The issuer's signed revocation list does not list this credential.")


def verify_submission(*, image=None, url="", token="", email=""):
    """Verify what someone brought to the public page: a baked PNG, an address or a JWT."""
    if image is not None:
        return _verify_png(image, email)
    if url:
        return _verify_address(url, email)
    return _verify_token(token, email)


def _verify_address(url, email, baked_assertion=None):
    """Our own badge by the award its address names; another site's as a hosted Open Badges 2.0 assertion."""
    if not is_own(url):
        if not url.lower().startswith(("http://", "https://")):
            return Report(problem="The badge's address is not a web address (http or https).")
        return verify_hosted(url, email=email, baked_assertion=baked_assertion)
    public_id = public_id_from_url(url)
    if public_id is None:
        return Report(problem=f"That address on {settings.SITE_URL} is not a badge.")
    return verify_award(public_id, email=email, baked_assertion=baked_assertion)


def _verify_token(token, email, baked_assertion=None):
    try:
        jti = jwt.decode(token, options={"verify_signature": False}).get("jti", "")
    except jwt.PyJWTError:
        return Report(problem="That text is not a signed Open Badges 3.0 credential (a JWT).")
    public_id = public_id_from_url(jti)
    if public_id is None:
        return Report(
            problem=f"That credential was not issued on {settings.SITE_URL}; this page checks signed Open Badges "
            "3.0 credentials only for badges issued here. Another issuer's badge can be checked by its address."
        )
    return verify_award(public_id, email=email, token=token, baked_assertion=baked_assertion)


def _verify_png(png_bytes, email):
    try:
        assertion_text = baking.unbake(png_bytes, baking.OB2_KEYWORD)
        token = baking.unbake(png_bytes, baking.OB3_KEYWORD)
        baking.check_png_decodes(png_bytes)
    except baking.BakingError as error:
        return Report(problem=str(error))
    baked = _baked_assertion(assertion_text)
    baked_assertion = baked if isinstance(baked, dict) else None
    if token:
        return _verify_token(token.strip(), email, baked_assertion=baked_assertion)
    if not assertion_text:
        return Report(problem="This PNG carries no Open Badges data: it is an image, not a baked badge.")
    url = baked.get("id") if baked_assertion else baked
    if not isinstance(url, str) or not url:
        return Report(problem="The badge baked into this image does not give the address of its record.")
    return _verify_address(url, email, baked_assertion=baked_assertion)


def _baked_assertion(text):
    """OB 2.0 bakes either the assertion JSON or just its URL."""
    if not text:
        return None
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        return text
