import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory

pytestmark = pytest.mark.django_db


def test_ob_links_partial_offers_data_downloads_and_verify(client):
    award = AcceptedAwardFactory()
    give_image(award.template)

    html = render_to_string("badges/_ob_links.html", {"award": award})

    for label, name in [
        ("Open Badges 2.0 data", "ob2_assertion"),
        ("Open Badges 3.0 credential", "award_credential_jwt"),
        ("Download baked badge (PNG)", "award_baked_png"),
        ("Verify this badge", "award_verify"),
    ]:
        url = reverse(name, args=[award.public_id])
        assert f'href="{url}"' in html, name
        assert label in html
    assert client.get(reverse("award_baked_png", args=[award.public_id])).status_code == 200


def test_ob_links_partial_offers_no_download_without_an_image():
    award = AcceptedAwardFactory()

    html = render_to_string("badges/_ob_links.html", {"award": award})

    assert "Download baked badge" not in html
    assert "Open Badges 2.0 data" in html


def test_ob_head_partial_points_at_the_absolute_assertion_url(rf):
    award = AcceptedAwardFactory()

    html = render_to_string("badges/_ob_head.html", {"award": award}, request=rf.get("/"))

    expected = f"https://badges.example.org/ob/v2/assertions/{award.public_id}"
    assert f'<link rel="alternate" type="application/ld+json" href="{expected}">' in html


def test_ob_links_partial_says_links_wait_for_a_public_badge():
    award = AcceptedAwardFactory(is_public=False)

    html = render_to_string("badges/_ob_links.html", {"award": award, "visible_to_public": False})

    assert "work once this badge is public" in html
    assert "Verify this badge" not in html


def test_public_badge_page_links_to_the_open_badges_data(client):
    award = AcceptedAwardFactory()
    give_image(award.template)

    response = client.get(reverse("award_public", args=[award.public_id]))

    assert reverse("ob2_assertion", args=[award.public_id]) in response.content.decode()
    assert b'<link rel="alternate" type="application/ld+json"' in response.content
    assert b"Download baked badge (PNG)" in response.content
    assert b"Verify this badge" in response.content
