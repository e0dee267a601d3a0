from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from badges.awards.services import award_revoke
from badges.openbadges import baking, keys, ob2, ob3
from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory, AwardFactory

pytestmark = pytest.mark.django_db
SITE = "https://badges.example.org"


def _token(client, award):
    response = client.get(reverse("award_credential_jwt", args=[award.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def _published_key(client, token):
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid.startswith(SITE + "/ob/v3/keys/")
    return RSAAlgorithm.from_jwk(client.get(urlsplit(kid).path).json())


def _decode(client, token, **options):
    return jwt.decode(token, _published_key(client, token), algorithms=["RS256"], options=options)


def test_credential_carries_the_evidence_in_the_signed_token(client):
    award = AcceptedAwardFactory(evidence_url="https://exams.example.org/results/42")

    data = client.get(reverse("award_credential_json", args=[award.public_id])).json()
    claims = _decode(client, _token(client, award))

    assert data["evidence"] == [{"id": "https://exams.example.org/results/42", "type": ["Evidence"]}]
    assert claims["evidence"] == data["evidence"]


def test_credential_has_the_open_badge_credential_shape(client):
    award = AcceptedAwardFactory(expires_on=date(2099, 6, 30))
    give_image(award.template)

    response = client.get(reverse("award_credential_json", args=[award.public_id]))

    assert response["Content-Type"].startswith("application/ld+json")
    data = response.json()
    assert data["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert data["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert data["id"] == f"{SITE}/ob/v3/credentials/{award.public_id}"
    assert data["issuer"]["type"] == ["Profile"]
    assert data["issuer"]["id"] == f"{SITE}/ob/v2/issuers/contoso"
    assert data["validFrom"] == f"{award.issued_on.isoformat()}T00:00:00+00:00"
    assert data["validUntil"] == "2099-06-30T23:59:59+00:00"
    subject = data["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["id"].startswith("urn:uuid:")
    assert str(award.public_id) not in subject["id"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "salt": award.recipient_salt,
            "identityHash": ob2.recipient_identity(award.recipient_email, award.recipient_salt),
        }
    ]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"] == f"{SITE}/ob/v2/badges/{award.template.slug}"
    assert achievement["name"] == award.template.name
    assert achievement["criteria"]["narrative"]
    assert achievement["image"] == {"id": SITE + award.template.image.url, "type": "Image"}
    status = data["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == f"{SITE}/ob/v3/status/contoso"


def test_jwt_verifies_with_the_published_jwk_and_its_claims_match(client):
    award = AcceptedAwardFactory(expires_on=date(2099, 6, 30))

    token = _token(client, award)

    payload = _decode(client, token)
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == payload["id"] == f"{SITE}/ob/v3/credentials/{award.public_id}"
    assert payload["sub"] == payload["credentialSubject"]["id"] == ob3.subject_id(award)
    assert payload["nbf"] == int(datetime.fromisoformat(payload["validFrom"]).timestamp())
    assert payload["exp"] == int(datetime(2099, 6, 30, 23, 59, 59, tzinfo=UTC).timestamp())


def test_jwt_is_served_as_vc_jwt(client):
    award = AcceptedAwardFactory()

    response = client.get(reverse("award_credential_jwt", args=[award.public_id]))

    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_tampered_jwt_fails(client):
    award = AcceptedAwardFactory()
    header, payload, signature = _token(client, award).split(".")
    claims = jwt.utils.base64url_decode(payload.encode()).replace(b'"AchievementSubject"', b'"AchievementSubjecT"')
    tampered = ".".join([header, jwt.utils.base64url_encode(claims).decode(), signature])

    with pytest.raises(jwt.InvalidSignatureError):
        _decode(client, tampered)


def test_jwt_signed_by_another_key_fails(client):
    award = AcceptedAwardFactory()
    token = _token(client, award)
    payload = jwt.decode(token, options={"verify_signature": False})
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(payload, other, algorithm="RS256", headers=jwt.get_unverified_header(token))

    with pytest.raises(jwt.InvalidSignatureError):
        _decode(client, forged)


def test_expired_credential_fails_expiry_check(client):
    award = AcceptedAwardFactory(issued_on=date(2020, 1, 1), expires_on=date(2021, 1, 1))

    token = _token(client, award)

    with pytest.raises(jwt.ExpiredSignatureError):
        _decode(client, token)


def test_rotation_keeps_old_credentials_verifying(client):
    award = AcceptedAwardFactory()
    before = _token(client, award)

    keys.issuer_key_rotate(issuer=award.template.issuer)
    after = _token(client, award)

    assert jwt.get_unverified_header(before)["kid"] != jwt.get_unverified_header(after)["kid"]
    assert _decode(client, before)["jti"] == _decode(client, after)["jti"]


def test_revoked_credential_answers_410_and_is_marked_in_the_status_list(client):
    award = AcceptedAwardFactory()
    other = AcceptedAwardFactory(template=award.template)
    token = _token(client, award)
    award_revoke(award=award, reason="Exam result annulled.")

    gone = client.get(reverse("award_credential_jwt", args=[award.public_id]))
    status_token = client.get(reverse("ob3_status_list", args=["contoso"])).content.decode()

    assert gone.status_code == 410
    assert gone.json()["revoked"] is True
    status_list = _decode(client, status_token)
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = status_list["credentialSubject"]["encodedList"]
    entry = _decode(client, token)["credentialStatus"]
    assert ob3.decode_bit(encoded, int(entry["statusListIndex"])) is True
    other_entry = _decode(client, _token(client, other))["credentialStatus"]
    assert ob3.decode_bit(encoded, int(other_entry["statusListIndex"])) is False


def test_status_list_marks_revoked_awards_that_are_not_public(client):
    hidden = AwardFactory(revoked_at=timezone.now(), revocation_reason="Issued in error.")

    token = client.get(reverse("ob3_status_list", args=["contoso"])).content.decode()

    encoded = _decode(client, token)["credentialSubject"]["encodedList"]
    assert ob3.decode_bit(encoded, hidden.pk) is True


def test_status_list_is_large_enough_to_hide_entries():
    encoded = ob3.encode_bitstring([3])

    assert ob3.decode_bit(encoded, 3) is True
    assert ob3.decode_bit(encoded, 131_071) is False
    with pytest.raises(ValueError, match="outside"):
        ob3.decode_bit(encoded, 131_072)


def test_baked_ob3_png_carries_a_verifying_jwt(client):
    award = AcceptedAwardFactory()
    give_image(award.template)

    response = client.get(reverse("award_baked_ob3_png", args=[award.public_id]))

    assert response["Content-Type"] == "image/png"
    token = baking.unbake(response.content, baking.OB3_KEYWORD)
    assert _decode(client, token)["jti"] == f"{SITE}/ob/v3/credentials/{award.public_id}"
    assert baking.unbake(response.content, baking.OB2_KEYWORD) is None


def test_credential_json_queries_on_cache_miss_and_hit(client, django_assert_num_queries):
    award = AcceptedAwardFactory(template__criteria="")
    url = reverse("award_credential_json", args=[award.public_id])

    with django_assert_num_queries(2):  # the award, then the certification's exams for the criteria
        client.get(url)
    with django_assert_num_queries(1):
        client.get(url)


def test_credential_jwt_queries_on_cache_miss_and_hit(client, django_assert_num_queries):
    award = AcceptedAwardFactory(template__criteria="")
    keys.issuer_key_active(issuer=award.template.issuer)
    url = reverse("award_credential_jwt", args=[award.public_id])

    with django_assert_num_queries(7):  # the stored documents, then their build (see test_public_page)
        client.get(url)
    with django_assert_num_queries(1):  # signed once, stored: one indexed lookup
        client.get(url)


def test_status_list_queries(client, django_assert_num_queries):
    award = AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Issued in error.")
    AcceptedAwardFactory(template=award.template, revoked_at=timezone.now(), revocation_reason="Issued in error.")
    keys.issuer_key_active(issuer=award.template.issuer)

    with django_assert_num_queries(3):  # issuer, revoked awards, the active key
        client.get(reverse("ob3_status_list", args=["contoso"]))


def test_baked_ob3_png_queries_on_cache_miss_and_hit(client, django_assert_num_queries):
    award = AcceptedAwardFactory(template__criteria="")
    give_image(award.template)
    keys.issuer_key_active(issuer=award.template.issuer)
    url = reverse("award_baked_ob3_png", args=[award.public_id])

    with django_assert_num_queries(7):  # the stored documents, then their build (see test_public_page)
        client.get(url)
    with django_assert_num_queries(1):
        client.get(url)
