import io
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
import qrcode
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import UserFactory
from badges.awards.services import award_revoke
from badges.models import ShareCount
from badges.sharing.links import linkedin_add_to_profile_url, network_url
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail
from outbox.registry import render

pytestmark = pytest.mark.django_db

SITE = "https://badges.example.org"


@pytest.fixture
def award():
    template = BadgeTemplateFactory(name="Contoso Certified: Data & AI Engineer")
    return AcceptedAwardFactory(
        template=template, recipient_name="Grace Hopper", issued_on=date(2025, 2, 3), expires_on=date(2027, 2, 3)
    )


def public_url(award):
    return SITE + reverse("award_public", args=[award.public_id])


def query(url):
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query, strict_parsing=True).items()}


# LinkedIn and social links


def test_linkedin_add_to_profile_url_carries_every_certification_field(award):
    url = linkedin_add_to_profile_url(award)

    assert url.startswith("https://www.linkedin.com/profile/add?")
    assert query(url) == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Contoso Certified: Data & AI Engineer",
        "organizationName": "Contoso Certification Program",
        "issueYear": "2025",
        "issueMonth": "2",
        "expirationYear": "2027",
        "expirationMonth": "2",
        "certUrl": public_url(award),
        "certId": str(award.public_id),
    }


def test_linkedin_url_names_an_issuer_with_a_linkedin_page_by_its_organization_id(award):
    award.template.issuer.linkedin_organization_id = "1035"
    award.template.issuer.save()

    fields = query(linkedin_add_to_profile_url(award))

    assert fields["organizationId"] == "1035"
    assert "organizationName" not in fields  # LinkedIn would use the name only without an id


def test_linkedin_url_omits_expiration_when_the_badge_does_not_expire():
    award = AcceptedAwardFactory(expires_on=None)

    fields = query(linkedin_add_to_profile_url(award))

    assert "expirationYear" not in fields
    assert "expirationMonth" not in fields


def test_credential_id_sent_to_linkedin_is_the_one_on_the_public_page(client, award):
    cert_id = query(linkedin_add_to_profile_url(award))["certId"]

    content = client.get(reverse("award_public", args=[award.public_id])).content.decode()

    assert f"<code>{cert_id}</code>" in content


def test_linkedin_post_url_shares_the_public_page(award):
    url = network_url(award, "linkedin")

    assert url.startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query(url) == {"url": public_url(award)}


def test_x_url_has_text_naming_the_badge_and_the_public_page(award):
    url = network_url(award, "x")

    assert url.startswith("https://twitter.com/intent/tweet?")
    fields = query(url)
    assert fields["url"] == public_url(award)
    assert "Contoso Certified: Data & AI Engineer" in fields["text"]


def test_facebook_url_shares_the_public_page(award):
    url = network_url(award, "facebook")

    assert url.startswith("https://www.facebook.com/sharer/sharer.php?")
    assert query(url) == {"u": public_url(award)}


# The tracked redirect


def test_share_redirect_counts_each_click_and_sends_to_the_network(client, award):
    share = reverse("share_redirect", args=[award.public_id, "linkedin-profile"])

    first = client.get(share)
    client.get(share)

    assert first.status_code == 302
    assert first["Location"] == linkedin_add_to_profile_url(award)
    assert ShareCount.objects.get(award=award, channel="linkedin-profile").clicks == 2


def test_share_redirect_counts_channels_separately(client, award):
    client.get(reverse("share_redirect", args=[award.public_id, "x"]))
    client.get(reverse("share_redirect", args=[award.public_id, "facebook"]))

    counts = dict(ShareCount.objects.filter(award=award).values_list("channel", "clicks"))

    assert counts == {"x": 1, "facebook": 1}


@pytest.mark.parametrize("channel", ["myspace", "email", "LINKEDIN", "javascript:alert(1)"])
def test_share_redirect_rejects_unknown_channels(client, award, channel):
    response = client.get(reverse("share_redirect", args=[award.public_id, channel]))

    assert response.status_code == 404
    assert not ShareCount.objects.exists()


def test_share_redirect_of_a_private_badge_answers_404(client):
    award = AcceptedAwardFactory(is_public=False)

    response = client.get(reverse("share_redirect", args=[award.public_id, "linkedin"]))

    assert response.status_code == 404
    assert not ShareCount.objects.exists()


def test_share_redirect_takes_a_fixed_number_of_queries(client, award, django_assert_num_queries):
    client.get(reverse("share_redirect", args=[award.public_id, "x"]))

    with django_assert_num_queries(2):  # load the award, bump the counter
        client.get(reverse("share_redirect", args=[award.public_id, "x"]))


# The owner's share panel


def test_wallet_page_offers_every_share_option_for_a_public_badge(client, award):
    client.force_login(award.earner)

    content = client.get(reverse("wallet_award", args=[award.public_id])).content.decode()

    for channel in ["linkedin-profile", "linkedin", "x", "facebook"]:
        assert reverse("share_redirect", args=[award.public_id, channel]) in content
    assert reverse("award_share_email", args=[award.public_id]) in content
    assert f'value="{public_url(award)}"' in content
    assert "&lt;iframe src=&quot;" + SITE + reverse("award_embed", args=[award.public_id]) in content
    assert reverse("award_qr", args=[award.public_id]) in content
    assert "js/share.js" in content


def test_wallet_page_has_no_share_panel_for_a_private_badge(client):
    award = AcceptedAwardFactory(is_public=False)
    client.force_login(award.earner)

    content = client.get(reverse("wallet_award", args=[award.public_id])).content.decode()

    assert 'id="share-heading"' not in content


def test_wallet_page_query_count_is_fixed(client, award, django_assert_num_queries):
    client.force_login(award.earner)

    # session, user, the award with its catalog rows, what was shared of it (for the privacy switch's warning)
    with django_assert_num_queries(4):
        client.get(reverse("wallet_award", args=[award.public_id]))


# Email


def share_by_email(client, award, recipients, message="Have a look!"):
    return client.post(
        reverse("award_share_email", args=[award.public_id]), {"recipients": recipients, "message": message}
    )


def test_email_share_queues_one_row_per_address(client, award):
    client.force_login(award.earner)

    response = share_by_email(client, award, "a@example.com, b@example.com\nC@Example.com;a@example.com")

    assert response.status_code == 302
    rows = OutboxEmail.objects.filter(kind="share")
    assert sorted(rows.values_list("to", flat=True)) == ["a@example.com", "b@example.com", "c@example.com"]
    assert all(
        row.payload == {"award_id": award.pk, "earner_id": award.earner_id, "message": "Have a look!"} for row in rows
    )
    assert ShareCount.objects.get(award=award, channel="email").clicks == 1


def test_email_share_names_the_earner_and_badge_and_links_the_public_page(client, award):
    client.force_login(award.earner)
    share_by_email(client, award, "friend@example.com")

    message = render(OutboxEmail.objects.get(kind="share"))

    assert message.to == ["friend@example.com"]
    assert "Grace Hopper" in message.subject
    assert "Contoso Certified: Data & AI Engineer" in message.subject
    assert public_url(award) in message.body
    assert "Have a look!" in message.body
    html = message.alternatives[0].content
    assert public_url(award) in html and "Grace Hopper" in html
    assert award.recipient_email not in message.body + html


def test_email_share_is_sent_through_the_outbox(client, award, django_capture_on_commit_callbacks):
    client.force_login(award.earner)

    with django_capture_on_commit_callbacks(execute=True):
        share_by_email(client, award, "one@example.com, two@example.com")

    assert sorted(message.to[0] for message in mail.outbox) == ["one@example.com", "two@example.com"]
    assert not OutboxEmail.objects.filter(sent_at__isnull=True).exists()


def test_email_share_is_not_sent_once_the_badge_is_hidden(client, award):
    client.force_login(award.earner)
    share_by_email(client, award, "friend@example.com")
    award.is_public = False
    award.save()

    assert render(OutboxEmail.objects.get(kind="share")) is None


@pytest.mark.parametrize(
    "recipients, error",
    [
        ("not-an-address", "is not a valid email address"),
        ("good@example.com, bad@", "is not a valid email address"),
        ("", "This field is required."),
        (", ;\n", "Enter at least one email address."),
        (",".join(f"p{n}@example.com" for n in range(11)), "at most 10 addresses"),
    ],
)
def test_email_share_rejects_bad_addresses_and_sends_nothing(client, award, recipients, error):
    client.force_login(award.earner)

    response = share_by_email(client, award, recipients)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not OutboxEmail.objects.exists()


def test_email_share_accepts_ten_addresses(client, award):
    client.force_login(award.earner)

    share_by_email(client, award, "\n".join(f"p{n}@example.com" for n in range(10)))

    assert OutboxEmail.objects.filter(kind="share").count() == 10


def test_email_share_rejects_a_long_message(client, award):
    client.force_login(award.earner)

    response = share_by_email(client, award, "friend@example.com", message="x" * 1001)

    assert response.status_code == 400
    assert not OutboxEmail.objects.exists()


def test_email_share_is_rate_limited_per_user(client, award, settings):
    settings.SHARE_EMAIL_RATE_LIMIT = "2/h"
    client.force_login(award.earner)
    share_by_email(client, award, "a@example.com")
    share_by_email(client, award, "b@example.com")

    response = share_by_email(client, award, "c@example.com")

    assert response.status_code == 429
    assert OutboxEmail.objects.filter(kind="share").count() == 2


def test_email_share_is_capped_per_earner_per_day(client, award, settings):
    settings.SHARE_EMAIL_DAILY_LIMIT = 12
    client.force_login(award.earner)
    share_by_email(client, award, "\n".join(f"p{n}@example.com" for n in range(10)))

    refused = share_by_email(client, award, "x@example.com, y@example.com, z@example.com")
    allowed = share_by_email(client, award, "x@example.com, y@example.com")

    assert refused.status_code == 400
    assert "You can send up to 12 badge emails a day; you have 2 left for now." in refused.text
    assert allowed.status_code == 302
    assert OutboxEmail.objects.filter(kind="share").count() == 12


def test_email_share_cap_counts_all_the_earners_badges_over_the_last_day_only(client, award, settings):
    settings.SHARE_EMAIL_DAILY_LIMIT = 2
    stranger = AcceptedAwardFactory()
    client.force_login(stranger.earner)
    share_by_email(client, stranger, "s@example.com")  # someone else's: not counted
    other_badge = AcceptedAwardFactory(earner=award.earner)
    client.force_login(award.earner)
    share_by_email(client, other_badge, "a@example.com")
    OutboxEmail.objects.filter(to="a@example.com").update(created_at=timezone.now() - timedelta(hours=25))
    share_by_email(client, other_badge, "b@example.com")
    share_by_email(client, award, "c@example.com")

    response = share_by_email(client, award, "d@example.com")

    assert "you have 0 left for now" in response.text
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == [
        "a@example.com", "b@example.com", "c@example.com", "s@example.com"
    ]  # fmt: skip


def test_email_share_is_capped_per_recipient_across_earners(client, award, settings):
    settings.SHARE_EMAIL_RECIPIENT_DAILY_LIMIT = 2
    for other in AcceptedAwardFactory.create_batch(2):
        client.force_login(other.earner)
        share_by_email(client, other, "target@example.com")
    client.force_login(award.earner)

    response = share_by_email(client, award, "friend@example.com, Target@example.com")

    assert response.status_code == 400
    assert "We send at most 2 shared badges a day to one address, and target@example.com has had them." in (
        response.text
    )
    assert not OutboxEmail.objects.filter(to="friend@example.com").exists()


def test_email_share_of_someone_elses_badge_answers_404(client, award):
    client.force_login(UserFactory())

    response = share_by_email(client, award, "friend@example.com")

    assert response.status_code == 404
    assert not OutboxEmail.objects.exists()


def test_email_share_of_a_private_badge_answers_404(client):
    award = AcceptedAwardFactory(is_public=False)
    client.force_login(award.earner)

    response = share_by_email(client, award, "friend@example.com")

    assert response.status_code == 404


def test_email_share_needs_sign_in(client, award):
    response = share_by_email(client, award, "friend@example.com")

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not OutboxEmail.objects.exists()


# Embed and oEmbed


def test_embed_page_may_be_framed_by_any_site_and_links_to_the_public_page(client, award):
    response = client.get(reverse("award_embed", args=[award.public_id]))

    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    content = response.content.decode()
    assert f'href="{public_url(award)}"' in content
    assert "Grace Hopper" in content and "Contoso Certified: Data &amp; AI Engineer" in content
    assert award.recipient_email not in content


def test_other_pages_still_refuse_framing(client, award):
    response = client.get(reverse("award_public", args=[award.public_id]))

    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_embed_of_a_revoked_badge_says_revoked(client, award):
    award_revoke(award=award, reason="Annulled.")

    content = client.get(reverse("award_embed", args=[award.public_id])).content.decode()

    assert "Revoked" in content


def test_public_page_advertises_oembed(client, award):
    content = client.get(reverse("award_public", args=[award.public_id])).content.decode()

    match = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', content)
    assert match
    href = match.group(1).replace("&amp;", "&")
    assert href.startswith(SITE + reverse("oembed") + "?")
    assert query(href) == {"url": public_url(award), "format": "json"}


def test_oembed_answers_a_rich_embed_of_the_badge(client, award):
    response = client.get(reverse("oembed"), {"url": public_url(award), "format": "json"})

    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["provider_name"] == "badgeportal"
    assert data["author_name"] == "Grace Hopper"
    assert f'src="{SITE}{reverse("award_embed", args=[award.public_id])}"' in data["html"]
    assert (data["width"], data["height"]) == (340, 330)
    assert data["thumbnail_url"] == SITE + reverse("award_og_image", args=[award.public_id])


def test_oembed_respects_maxwidth(client, award):
    data = client.get(reverse("oembed"), {"url": public_url(award), "maxwidth": "200", "maxheight": "x"}).json()

    assert data["width"] == 200
    assert data["height"] == 330
    assert 'width="200"' in data["html"]


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "https://evil.example.com/badges/{id}/",
        "http://badges.example.org/badges/{id}/",
        "https://badges.example.org/wallet/{id}/",
        "https://badges.example.org/badges/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_oembed_answers_404_for_anything_but_a_public_badge_page_here(client, award, url):
    response = client.get(reverse("oembed"), {"url": url.format(id=award.public_id)})

    assert response.status_code == 404


def test_oembed_answers_404_for_a_url_python_cannot_parse(client, award):
    response = client.get(reverse("oembed"), {"url": "https://[badges.example.org/badges/"})

    assert response.status_code == 404


def test_oembed_supports_json_only(client, award):
    response = client.get(reverse("oembed"), {"url": public_url(award), "format": "xml"})

    assert response.status_code == 501


# QR code


def qr_matrix_from_png(png_bytes, box_size=10, border=4):
    image = Image.open(io.BytesIO(png_bytes)).convert("1")
    modules = image.width // box_size - 2 * border
    return [
        [image.getpixel(((border + x) * box_size + box_size // 2, (border + y) * box_size + box_size // 2)) == 0]
        for y in range(modules)
        for x in range(modules)
    ], modules


def expected_matrix(data):
    code = qrcode.QRCode(border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def test_qr_png_encodes_the_public_url(client, award):
    response = client.get(reverse("award_qr_png", args=[award.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    cells, modules = qr_matrix_from_png(response.content)
    expected = expected_matrix(public_url(award))
    assert modules == len(expected)
    assert [cell[0] for cell in cells] == [bit for row in expected for bit in row]


def test_qr_svg_is_an_svg_of_the_same_code(client, award):
    response = client.get(reverse("award_qr", args=[award.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)  # noqa: S314  (our own response)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # The viewBox spans the code's modules plus a 4-module quiet zone on each side (in mm units, 1 module = 1mm).
    modules = len(expected_matrix(public_url(award)))
    width_mm = float(root.get("width").removesuffix("mm"))
    assert width_mm == pytest.approx(modules + 8)


@pytest.mark.parametrize("url_name", ["award_embed", "award_qr", "award_qr_png"])
def test_embed_and_qr_take_one_query(client, award, url_name, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse(url_name, args=[award.public_id]))

    assert response.status_code == 200


def test_oembed_takes_one_query(client, award, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("oembed"), {"url": public_url(award)})

    assert response.status_code == 200
