import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.models import Award, AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory

pytestmark = pytest.mark.django_db

PUBLIC_URL_NAMES = ["award_public", "award_og_image", "award_embed", "award_qr", "award_qr_png"]


def pending_award():
    return AwardFactory(earner=UserFactory(), state=AwardState.PENDING)


def declined_award():
    return AwardFactory(earner=UserFactory(), state=AwardState.DECLINED)


def private_award():
    return AcceptedAwardFactory(is_public=False)


def private_profile_award():
    return AcceptedAwardFactory(earner=UserFactory(profile_public=False))


HIDDEN = [pending_award, declined_award, private_award, private_profile_award]


@pytest.mark.parametrize("make_award", HIDDEN)
@pytest.mark.parametrize("url_name", PUBLIC_URL_NAMES)
def test_hidden_badge_answers_404_to_visitors(client, make_award, url_name):
    award = make_award()

    response = client.get(reverse(url_name, args=[award.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("make_award", HIDDEN)
def test_hidden_badge_answers_404_to_another_signed_in_user(client, make_award):
    award = make_award()
    client.force_login(UserFactory())

    response = client.get(reverse("award_public", args=[award.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("make_award", HIDDEN)
def test_owner_sees_own_hidden_badge_with_a_notice(client, make_award):
    award = make_award()
    client.force_login(award.earner)

    response = client.get(reverse("award_public", args=[award.public_id]))

    assert response.status_code == 200
    assert "Only you can see this page." in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.parametrize("make_award", HIDDEN)
def test_hidden_badge_cannot_be_shared_or_embedded(client, make_award):
    award = make_award()
    client.force_login(award.earner)
    public_url = "https://badges.example.org" + reverse("award_public", args=[award.public_id])

    redirect = client.get(reverse("share_redirect", args=[award.public_id, "linkedin"]))
    oembed = client.get(reverse("oembed"), {"url": public_url})

    assert redirect.status_code == 404
    assert oembed.status_code == 404


def test_unclaimed_badge_is_not_public_even_if_accepted_flag_is_set(client):
    award = AwardFactory(earner=None, state=AwardState.ACCEPTED)

    response = client.get(reverse("award_public", args=[award.public_id]))

    assert response.status_code == 404


def test_owner_makes_a_badge_private(client):
    award = AcceptedAwardFactory()
    client.force_login(award.earner)

    response = client.post(reverse("award_visibility", args=[award.public_id]), {"is_public": "0"})

    assert response.status_code == 302
    award.refresh_from_db()
    assert award.is_public is False
    client.logout()
    assert client.get(reverse("award_public", args=[award.public_id])).status_code == 404


def test_owner_makes_a_private_badge_public_again(client):
    award = AcceptedAwardFactory(is_public=False)
    client.force_login(award.earner)

    client.post(reverse("award_visibility", args=[award.public_id]), {"is_public": "1"})

    award.refresh_from_db()
    assert award.is_public is True
    client.logout()
    assert client.get(reverse("award_public", args=[award.public_id])).status_code == 200


def test_pending_badge_cannot_change_visibility(client):
    award = pending_award()
    client.force_login(award.earner)

    response = client.post(reverse("award_visibility", args=[award.public_id]), {"is_public": "0"}, follow=True)

    assert "Only an accepted badge" in response.content.decode()
    assert Award.objects.get(pk=award.pk).is_public is True


def test_visibility_of_someone_elses_badge_answers_404(client):
    award = AcceptedAwardFactory()
    client.force_login(UserFactory())

    response = client.post(reverse("award_visibility", args=[award.public_id]), {"is_public": "0"})

    assert response.status_code == 404
    assert Award.objects.get(pk=award.pk).is_public is True


def test_visibility_needs_post(client):
    award = AcceptedAwardFactory()
    client.force_login(award.earner)

    response = client.get(reverse("award_visibility", args=[award.public_id]))

    assert response.status_code == 405


def test_visibility_form_needs_csrf(client):
    award = AcceptedAwardFactory()
    client.force_login(award.earner)
    client.handler.enforce_csrf_checks = True

    response = client.post(reverse("award_visibility", args=[award.public_id]), {"is_public": "0"})

    assert response.status_code == 403


def test_making_a_badge_private_drops_the_cached_public_page(client, django_capture_on_commit_callbacks):
    award = AcceptedAwardFactory()
    assert client.get(reverse("award_public", args=[award.public_id])).status_code == 200
    client.force_login(award.earner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("award_visibility", args=[award.public_id]), {"is_public": "0"})
    client.logout()

    response = client.get(reverse("award_public", args=[award.public_id]))

    assert response.status_code == 404


def test_making_the_profile_private_hides_every_badge_page(client):
    award = AcceptedAwardFactory()
    assert client.get(reverse("award_og_image", args=[award.public_id])).status_code == 200
    client.force_login(award.earner)
    client.post(reverse("profile_settings"), {"full_name": award.earner.full_name})  # the box left unticked
    client.logout()

    page = client.get(reverse("award_public", args=[award.public_id]))
    image = client.get(reverse("award_og_image", args=[award.public_id]))

    assert page.status_code == 404
    assert image.status_code == 404


def test_wallet_page_links_to_the_public_page_when_visible(client):
    award = AcceptedAwardFactory()
    client.force_login(award.earner)

    content = client.get(reverse("wallet_award", args=[award.public_id])).content.decode()

    assert "Open its public page" in content
    assert reverse("award_public", args=[award.public_id]) in content
    assert "Make this badge private" in content


def test_wallet_page_of_a_private_badge_offers_to_make_it_public(client):
    award = private_award()
    client.force_login(award.earner)

    content = client.get(reverse("wallet_award", args=[award.public_id])).content.decode()

    assert "Make this badge public" in content
    assert "Open its public page" not in content


def test_wallet_page_of_a_pending_badge_has_no_visibility_switch(client):
    award = pending_award()
    client.force_login(award.earner)

    content = client.get(reverse("wallet_award", args=[award.public_id])).content.decode()

    assert reverse("award_visibility", args=[award.public_id]) not in content
