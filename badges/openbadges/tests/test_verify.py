import io
import json
import socket
import time
import urllib.request
from datetime import date

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from badges.awards.services import award_revoke
from badges.openbadges import baking, keys, ob3
from badges.openbadges.tests.fake_issuer import FakeIssuer
from badges.openbadges.tests.ob_helpers import give_image, png_bytes
from badges.tests.factories import AcceptedAwardFactory


@pytest.fixture
def fake_issuer(settings):
    """Another issuer's site on 127.0.0.1, the one private address verification may fetch from in these tests."""
    site = FakeIssuer().start()
    settings.VERIFY_FETCH_ALLOW_PRIVATE = [site.address]
    yield site
    site.stop()


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SITE = "https://badges.example.org"


def _checks(response):
    return {check.name: check for check in response.context["report"].checks}


def _failed(response):
    return {check.name for check in response.context["report"].checks if check.passed is False}


def _verify_award(client, award, **data):
    url = reverse("award_verify", args=[award.public_id])
    return client.post(url, data) if data else client.get(url)


def _upload(client, content, name="badge.png", **data):
    return client.post(reverse("verify"), {"image": SimpleUploadedFile(name, content), **data})


def _token(client, award):
    return client.get(reverse("award_credential_jwt", args=[award.public_id])).content.decode()


@pytest.mark.django_db
def test_valid_badge_passes_every_check(client):
    award = AcceptedAwardFactory(expires_on=date(2099, 1, 1))

    response = _verify_award(client, award)

    report = response.context["report"]
    assert response.status_code == 200
    assert report.verified, [(c.name, c.detail) for c in report.checks]
    assert set(_checks(response)) >= {
        "Published by the issuer",
        "Badge definition",
        "Issuer",
        "Not revoked",
        "Not expired",
        "Open Badges 3.0 signature",
        "Open Badges 3.0 validity period",
        "Open Badges 3.0 revocation list",
    }
    assert _checks(response)["Issued to"].passed is None
    assert b"Verified" in response.content


@pytest.mark.django_db
def test_earner_email_is_checked_against_the_hash(client):
    award = AcceptedAwardFactory()

    right = _verify_award(client, award, email=award.recipient_email.upper())
    wrong = _verify_award(client, award, email="someone.else@example.com")

    assert _checks(right)["Issued to"].passed is True
    assert _checks(wrong)["Issued to"].passed is False
    assert b"was not issued to the email address you entered" in wrong.content
    assert award.recipient_email.encode() not in wrong.content


@pytest.mark.django_db
def test_revoked_badge_reports_revocation_with_reason(client):
    award = AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Exam result annulled.")

    response = _verify_award(client, award)

    assert not response.context["report"].verified
    assert _failed(response) == {"Not revoked"}
    assert "Exam result annulled." in _checks(response)["Not revoked"].detail


@pytest.mark.django_db
def test_expired_badge_reports_expiry(client):
    award = AcceptedAwardFactory(issued_on=date(2020, 1, 1), expires_on=date(2021, 1, 1))

    response = _verify_award(client, award)

    assert _failed(response) == {"Not expired", "Open Badges 3.0 validity period"}
    assert "expired on January 1, 2021" in _checks(response)["Not expired"].detail


@pytest.mark.django_db
def test_own_badge_is_read_directly_not_fetched_from_our_own_server(settings, client):
    # Nothing listens at SITE_URL: asking our own server over HTTP would fail every check.
    settings.SITE_URL = f"http://127.0.0.1:{_closed_port()}"
    award = AcceptedAwardFactory()

    response = _verify_award(client, award)

    assert response.context["report"].verified, [(c.name, c.detail) for c in response.context["report"].checks]


@pytest.mark.django_db
def test_private_badge_has_no_verify_page(client):
    award = AcceptedAwardFactory(is_public=False)

    assert _verify_award(client, award).status_code == 404


@pytest.mark.django_db
def test_award_verify_page_queries(client, django_assert_num_queries):
    award = AcceptedAwardFactory()
    keys.issuer_key_active(issuer=award.template.issuer)

    # The page's award; the assertion, which builds the stored documents (the read, generation, award, exams,
    # signing key, the page's exams, the write); badge class; issuer; the stored credential and the key it
    # names; the status list's issuer, revoked awards, signing key and the key it names; the award again as
    # the report names it. None of these grow with the data.
    with django_assert_num_queries(16):
        _verify_award(client, award)


@pytest.mark.django_db
def test_uploaded_baked_png_verifies(client):
    award = AcceptedAwardFactory()
    give_image(award.template)
    baked = client.get(reverse("award_baked_png", args=[award.public_id])).content

    response = _upload(client, baked, email=award.recipient_email)

    report = response.context["report"]
    assert report.verified, [(c.name, c.detail) for c in report.checks]
    assert _checks(response)["Image matches the record"].passed is True
    assert _checks(response)["Issued to"].passed is True


@pytest.mark.django_db
def test_the_report_names_the_badge_and_its_earner_shows_its_image_and_links_its_page(client):
    award = AcceptedAwardFactory(template__name="Data Analyst", recipient_name="Rita Levi")
    give_image(award.template)
    baked = client.get(reverse("award_baked_png", args=[award.public_id])).content

    response = _upload(client, baked)

    content = response.content.decode()
    subject = content[content.index('class="badge-summary verify-subject"') :]
    assert response.context["report"].award == award
    assert "Data Analyst" in subject and "Earned by <strong>Rita Levi</strong>" in subject
    assert f'src="{award.template.image.url}"' in subject
    assert f'href="{reverse("award_public", args=[award.public_id])}"' in subject
    # The answer comes before the form, which waits folded below it.
    assert content.index('id="verify-result"') < content.index("<summary>Verify another badge</summary>")


@pytest.mark.django_db
def test_the_report_on_a_revoked_badge_names_it_as_revoked(client):
    award = AcceptedAwardFactory(recipient_name="Rita Levi")
    award_revoke(award=award, reason="Exam result withdrawn")

    response = client.post(reverse("verify"), {"url": f"{SITE}/badges/{award.public_id}/"})

    content = response.content.decode()
    assert "Earned by <strong>Rita Levi</strong>" in content
    assert '<span class="pill pill-revoked">Revoked</span>' in content


@pytest.mark.django_db
def test_the_report_on_a_hidden_badge_names_nobody(client):
    award = AcceptedAwardFactory(recipient_name="Rita Levi", is_public=False)

    response = client.post(reverse("verify"), {"url": f"{SITE}/badges/{award.public_id}/"})

    assert response.context["report"].award is None
    assert "Rita Levi" not in response.content.decode()
    assert award.template.name not in response.content.decode()


@pytest.mark.django_db
def test_uploaded_ob3_baked_png_verifies(client):
    award = AcceptedAwardFactory()
    give_image(award.template)
    baked = client.get(reverse("award_baked_ob3_png", args=[award.public_id])).content

    response = _upload(client, baked)

    assert response.context["report"].verified
    assert _checks(response)["Open Badges 3.0 signature"].passed is True


@pytest.mark.django_db
def test_png_baked_with_altered_data_fails_the_match(client):
    award = AcceptedAwardFactory()
    hosted = client.get(reverse("ob2_assertion", args=[award.public_id])).json()
    hosted["recipient"]["identity"] = "sha256$" + "0" * 64
    forged = baking.bake(png_bytes(), json.dumps(hosted))

    response = _upload(client, forged)

    assert _failed(response) == {"Image matches the record"}


@pytest.mark.django_db
def test_pasted_assertion_url_verifies(client):
    award = AcceptedAwardFactory()

    response = client.post(reverse("verify"), {"url": f"{SITE}/ob/v2/assertions/{award.public_id}"})

    assert response.context["report"].verified


@pytest.mark.django_db
def test_pasted_jwt_verifies(client):
    award = AcceptedAwardFactory()

    response = client.post(reverse("verify"), {"token": _token(client, award)})

    assert response.context["report"].verified


@pytest.mark.django_db
def test_tampered_jwt_fails_the_signature_check(client):
    award = AcceptedAwardFactory()
    header, payload, signature = _token(client, award).split(".")
    claims = jwt.utils.base64url_decode(payload.encode()).replace(b"AchievementSubject", b"AchievementSubjecT")
    tampered = ".".join([header, jwt.utils.base64url_encode(claims).decode(), signature])

    response = client.post(reverse("verify"), {"token": tampered})

    assert _failed(response) == {"Open Badges 3.0 signature"}
    assert "altered or signed by another key" in _checks(response)["Open Badges 3.0 signature"].detail


@pytest.mark.django_db
def test_jwt_signed_by_another_key_fails(client):
    award = AcceptedAwardFactory()
    token = _token(client, award)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        jwt.decode(token, options={"verify_signature": False}),
        other,
        algorithm="RS256",
        headers=jwt.get_unverified_header(token),
    )

    response = client.post(reverse("verify"), {"token": forged})

    assert _failed(response) == {"Open Badges 3.0 signature"}


@pytest.mark.django_db
def test_jwt_naming_a_key_elsewhere_fails(client):
    award = AcceptedAwardFactory()
    token = _token(client, award)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        jwt.decode(token, options={"verify_signature": False}),
        other,
        algorithm="RS256",
        headers={"kid": "https://attacker.example/key.json"},
    )

    response = client.post(reverse("verify"), {"token": forged})

    assert "does not publish" in _checks(response)["Open Badges 3.0 signature"].detail


@pytest.mark.django_db
def test_revoked_jwt_fails_on_the_revocation_list(client):
    award = AcceptedAwardFactory()
    token = _token(client, award)
    award_revoke(award=award, reason="Issued in error.")

    response = client.post(reverse("verify"), {"token": token})

    assert _failed(response) == {"Not revoked", "Open Badges 3.0 revocation list"}


@pytest.mark.django_db
def test_jwt_from_a_rotated_key_still_verifies(client):
    award = AcceptedAwardFactory()
    token = _token(client, award)

    keys.issuer_key_rotate(issuer=award.template.issuer)
    response = client.post(reverse("verify"), {"token": token})

    assert response.context["report"].verified


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"GIF89a" + b"\x00" * 100, "badge.gif", "The file is not a PNG image."),
        (b"%PDF-1.7 hello", "badge.png", "The file is not a PNG image."),
        (baking.PNG_SIGNATURE + b"\x00\x00\x00\x0dIHDR", "badge.png", "cut short"),
        (png_bytes()[:-1] + b"\x00", "badge.png", "checksum"),
        (png_bytes(), "badge.png", "carries no Open Badges data"),
        (baking.PNG_SIGNATURE + b"\x00" * (baking.MAX_PNG_BYTES + 1), "big.png", "larger than 2 MB"),
    ],
    ids=["gif", "pdf", "truncated", "bad-crc", "plain-png", "too-big"],
)
def test_bad_uploads_get_a_clear_message(client, content, name, message):
    response = _upload(client, content, name=name)

    assert response.status_code == 200
    assert message.encode() in response.content


@pytest.mark.django_db
def test_decompression_bomb_is_refused(client):
    buffer = io.BytesIO()
    Image.new("1", (5000, 5000)).save(buffer, format="PNG")

    response = _upload(client, buffer.getvalue())

    assert b"too large to be a badge" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "https://badges.example.org/wallet/"}, "is not a badge."),
        ({"token": "not.a.jwt"}, "is not a signed Open Badges 3.0 credential"),
        ({}, "Give one thing to verify"),
        ({"url": "https://badges.example.org/x", "token": "a.b.c"}, "Give one thing to verify"),
    ],
    ids=["not-a-badge", "garbage-token", "nothing", "two-things"],
)
def test_bad_submissions_get_a_clear_message(client, data, message):
    response = client.post(reverse("verify"), data)

    assert response.status_code == 200
    assert message.encode() in response.content


@pytest.mark.django_db
def test_verify_page_is_in_the_public_navigation(client):
    response = client.get(reverse("home"))

    assert b'href="/verify/"' in response.content
    assert b"Verify a badge" in response.content


@pytest.mark.django_db
def test_verify_page_shows_the_form(client):
    response = client.get(reverse("verify"))

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def _limit(settings):
    return int(settings.VERIFY_RATE_LIMIT.split("/")[0])


def _first_refusal(send, limit):
    """Index of the first 429. Two windows' worth of tries, since the limit's window may roll over mid-test."""
    statuses = [send() for _ in range(2 * limit + 1)]
    assert set(statuses) <= {200, 429}
    return statuses.index(429) if 429 in statuses else None


@pytest.mark.django_db
def test_verify_is_rate_limited(settings, client):
    limit = _limit(settings)

    refused_at = _first_refusal(lambda: client.post(reverse("verify"), {"token": "x"}).status_code, limit)

    assert refused_at is not None
    assert refused_at >= limit


@pytest.mark.django_db
def test_award_verify_is_rate_limited(settings, client):
    award = AcceptedAwardFactory()

    limit = _limit(settings)

    refused_at = _first_refusal(lambda: _verify_award(client, award).status_code, limit)

    assert refused_at is not None
    assert refused_at >= limit


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [{"credentialStatus": ["not", "an", "object"]}, {"credentialSubject": ["not", "an", "object"]}],
    ids=["status", "subject"],
)
def test_malformed_signed_credential_is_a_failed_check_not_an_error(client, change):
    award = AcceptedAwardFactory()
    payload = {**jwt.decode(_token(client, award), options={"verify_signature": False}), **change}
    token = ob3.sign(payload, keys.issuer_key_active(issuer=award.template.issuer))

    response = client.post(reverse("verify"), {"token": token})

    assert response.status_code == 200
    assert "Readable data" in _failed(response)


@pytest.mark.django_db
def test_verify_page_reads_nothing_from_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(reverse("verify"))
    with django_assert_num_queries(0):
        client.post(reverse("verify"), {"url": "http://10.1.2.3/ob/v2/assertions/x"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [{"sub": "urn:uuid:00000000-0000-0000-0000-000000000000"}, {"nbf": 0}, {"exp": 4102444800}],
    ids=["sub", "nbf", "exp"],
)
def test_claims_that_disagree_with_the_credential_fail(client, change):
    award = AcceptedAwardFactory()
    payload = {**jwt.decode(_token(client, award), options={"verify_signature": False}), **change}
    token = ob3.sign(payload, keys.issuer_key_active(issuer=award.template.issuer))

    response = client.post(reverse("verify"), {"token": token})

    assert _failed(response) == {"Open Badges 3.0 signature"}
    assert "not the one issued" in _checks(response)["Open Badges 3.0 signature"].detail


# Another issuer's badges: fetched from its site, never from a private address, with a deadline and a size cap


def _verify_url(client, url, **data):
    return client.post(reverse("verify"), {"url": url, **data})


@pytest.mark.django_db
def test_another_issuers_hosted_badge_is_fetched_and_verified(client, fake_issuer):
    url = fake_issuer.hosted_badge("lin@example.com")

    response = _verify_url(client, url, email="lin@example.com")

    report = response.context["report"]
    assert report.verified, [(c.name, c.detail) for c in report.checks]
    assert _checks(response)["Badge definition"].detail == "It is the badge “Fabrikam Data Steward”."
    assert _checks(response)["Issued to"].passed is True
    assert "Open Badges 3.0 signature" not in _checks(response)
    assert fake_issuer.requests == ["/assertions/1", "/badge", "/issuer"]


@pytest.mark.django_db
def test_a_baked_png_from_another_issuer_is_checked_against_its_site(client, fake_issuer):
    url = fake_issuer.hosted_badge("lin@example.com")
    hosted = json.loads(urllib.request.urlopen(url).read())

    response = _upload(client, baking.bake(png_bytes(), json.dumps(hosted)))

    assert response.context["report"].verified
    assert _checks(response)["Image matches the record"].passed is True


@pytest.mark.django_db
def test_a_foreign_url_on_a_local_address_is_refused_unless_allowed(client, fake_issuer, settings):
    url = fake_issuer.hosted_badge("lin@example.com")
    settings.VERIFY_FETCH_ALLOW_PRIVATE = []

    response = _verify_url(client, url)

    assert _failed(response) == {"Published by the issuer"}
    assert "private or local address" in _checks(response)["Published by the issuer"].detail
    assert fake_issuer.requests == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000/ob/v2/assertions/1",
        "http://127.0.0.1/ob/v2/assertions/1",
        "http://10.0.0.7/assertion",
        "http://192.168.1.1/assertion",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/assertion",
        "http://[::ffff:127.0.0.1]/assertion",
        "http://[fe80::1]/assertion",
        "http://0.0.0.0:8000/assertion",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(client, url):
    response = _verify_url(client, url)

    assert "private or local address" in _checks(response)["Published by the issuer"].detail


@pytest.mark.django_db
def test_a_redirect_to_a_private_address_is_refused(client, fake_issuer):
    inside = FakeIssuer().start()  # a service on the local network, not listed as allowed
    try:
        url = fake_issuer.redirect("/assertions/1", inside.hosted_badge("lin@example.com"))

        response = _verify_url(client, url)
    finally:
        inside.stop()

    assert "private or local address" in _checks(response)["Published by the issuer"].detail
    assert inside.requests == []


@pytest.mark.django_db
def test_a_redirect_to_another_scheme_is_refused(client, fake_issuer):
    url = fake_issuer.redirect("/assertions/1", "file:///etc/passwd")

    response = _verify_url(client, url)

    assert "is not an http or https address" in _checks(response)["Published by the issuer"].detail


@pytest.mark.django_db
def test_a_site_that_trickles_its_answer_is_cut_off_at_the_deadline(client, fake_issuer, settings):
    settings.VERIFY_FETCH_TIMEOUT = 0.5
    url = fake_issuer.trickle("/assertions/1", every=0.05)

    started = time.monotonic()
    response = _verify_url(client, url)
    elapsed = time.monotonic() - started

    assert "did not answer within 0.5 seconds" in _checks(response)["Published by the issuer"].detail
    assert elapsed < 1.5


@pytest.mark.django_db
def test_a_site_that_answers_without_end_is_cut_off_at_the_size_cap(client, fake_issuer, settings):
    settings.VERIFY_FETCH_MAX_BYTES = 64 * 1024
    url = fake_issuer.endless("/assertions/1")

    response = _verify_url(client, url)

    assert "more than 64 KB" in _checks(response)["Published by the issuer"].detail


@pytest.mark.django_db
def test_a_site_that_announces_a_huge_answer_is_refused_before_reading(client, fake_issuer, settings):
    settings.VERIFY_FETCH_MAX_BYTES = 64 * 1024
    url = fake_issuer.json("/assertions/1", {"padding": "x" * 100_000})

    response = _verify_url(client, url)

    assert "more than 64 KB" in _checks(response)["Published by the issuer"].detail


@pytest.mark.django_db
def test_a_foreign_site_that_is_down_is_a_failed_check(client, settings):
    port = _closed_port()
    settings.VERIFY_FETCH_ALLOW_PRIVATE = [f"127.0.0.1:{port}"]

    response = _verify_url(client, f"http://127.0.0.1:{port}/assertions/1")

    assert response.status_code == 200
    assert "did not answer" in _checks(response)["Published by the issuer"].detail


@pytest.mark.django_db
def test_a_credential_from_another_issuer_gets_a_clear_message(client):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode({"jti": "https://fabrikam.example/credentials/1"}, other, algorithm="RS256")

    response = client.post(reverse("verify"), {"token": token})

    assert b"checks signed Open Badges 3.0 credentials only for badges issued here" in response.content


@pytest.mark.django_db
def test_a_baked_address_that_is_not_a_web_address_is_not_followed(client):
    forged = baking.bake(png_bytes(), json.dumps({"id": "javascript:alert(1)"}))

    response = _upload(client, forged)

    assert "is not a web address" in response.context["report"].problem
    assert b"javascript:" not in response.content
