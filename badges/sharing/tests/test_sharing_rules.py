"""What a badge may still be shared as: nothing once revoked, no networks once expired (see sharing/rules.py)."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import ShareCount
from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db

NETWORKS = ["linkedin-profile", "linkedin", "x", "facebook"]


def revoked_award():
    return AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Exam result withdrawn")


def expired_award():
    return AcceptedAwardFactory(issued_on=date(2020, 1, 10), expires_on=date(2022, 1, 10))


def owner_page(client, award):
    client.force_login(award.earner)
    return client.get(reverse("wallet_award", args=[award.public_id])).text


def test_a_revoked_badge_offers_no_share_action_on_its_owner_page(client):
    award = revoked_award()

    content = owner_page(client, award)

    assert "can no longer be shared" in content
    assert 'id="share-heading"' not in content
    for channel in NETWORKS:
        assert reverse("share_redirect", args=[award.public_id, channel]) not in content
    for url_name in ["award_share_email", "award_qr", "award_qr_png", "award_embed", "award_baked_png"]:
        assert reverse(url_name, args=[award.public_id]) not in content


@pytest.mark.parametrize("channel", NETWORKS)
def test_the_share_redirect_refuses_a_revoked_badge_with_a_readable_page(client, channel):
    award = revoked_award()

    response = client.get(reverse("share_redirect", args=[award.public_id, channel]))

    assert response.status_code == 410
    assert "revoked by its issuer, so it can no longer be shared" in response.text
    assert reverse("award_public", args=[award.public_id]) in response.text
    assert not ShareCount.objects.exists()


def test_share_by_email_refuses_a_revoked_badge_and_sends_nothing(client):
    award = revoked_award()
    client.force_login(award.earner)

    response = client.post(
        reverse("award_share_email", args=[award.public_id]), {"recipients": "a@example.com"}, follow=True
    )

    assert "can no longer be shared" in response.text
    assert not OutboxEmail.objects.filter(kind="share").exists()
    assert not ShareCount.objects.exists()


def test_the_public_page_of_a_revoked_badge_offers_no_download(client):
    award = revoked_award()
    give_image(award.template)

    content = client.get(reverse("award_public", args=[award.public_id])).text

    assert "Revoked." in content
    assert reverse("award_baked_png", args=[award.public_id]) not in content
    assert reverse("award_verify", args=[award.public_id]) in content


def test_an_expired_badge_keeps_its_link_embed_qr_and_email_but_offers_no_network(client):
    award = expired_award()

    content = owner_page(client, award)

    assert "expired on January 10, 2022, so it is no longer offered to LinkedIn" in content
    for channel in NETWORKS:
        assert reverse("share_redirect", args=[award.public_id, channel]) not in content
    for url_name in ["award_share_email", "award_qr", "award_embed"]:
        assert reverse(url_name, args=[award.public_id]) in content


@pytest.mark.parametrize("channel", NETWORKS)
def test_the_share_redirect_refuses_networks_for_an_expired_badge(client, channel):
    award = expired_award()

    response = client.get(reverse("share_redirect", args=[award.public_id, channel]))

    assert response.status_code == 410
    assert "no longer offered to LinkedIn or social networks" in response.text
    assert not ShareCount.objects.exists()


def test_an_expired_badge_can_still_be_sent_by_email(client):
    award = expired_award()
    client.force_login(award.earner)

    response = client.post(reverse("award_share_email", args=[award.public_id]), {"recipients": "a@example.com"})

    assert response.status_code == 302
    assert OutboxEmail.objects.filter(kind="share", to="a@example.com").exists()


def test_a_badge_expiring_today_is_still_offered_to_the_networks(client):
    award = AcceptedAwardFactory(issued_on=date(2020, 1, 10), expires_on=timezone.localdate())

    response = client.get(reverse("share_redirect", args=[award.public_id, "linkedin-profile"]))

    assert response.status_code == 302


def test_the_share_panel_has_one_primary_action_add_to_linkedin_profile_then_the_networks(client):
    award = AcceptedAwardFactory()

    content = owner_page(client, award)
    panel = content[content.index('id="share-heading"') : content.index("</section>", content.index('id="share"'))]

    primary = re.findall(r'class="btn btn-(?:primary|linkedin)"[^>]*>(.*?)</a>', panel, re.S)
    assert len(primary) == 1 and "Add to LinkedIn profile" in primary[0]
    assert panel.index("Add to LinkedIn profile") < panel.index("Post on LinkedIn") < panel.index("Post on X")
    assert "Share on Facebook" in panel and "Send by email" in panel
    # Each network's own mark, inline and hidden from screen readers: the link's text names it.
    for network in ["linkedin", "x", "facebook", "email"]:
        assert re.search(rf'<svg class="network-icon icon-{network}"[^>]*aria-hidden="true"', panel)
    # Nothing fetched from elsewhere.
    assert not re.search(r'<(?:script|img|link)\b[^>]*(?:src|href)="(?:https?:)?//', panel)
