import uuid

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.models import AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory

pytestmark = pytest.mark.django_db


def profile_url(user):
    return reverse("profile_public", args=[user.public_id])


@pytest.fixture
def earner():
    return UserFactory(full_name="Katherine Johnson")


def test_profile_lists_the_earners_public_badges_only(client, earner):
    shown = AcceptedAwardFactory(earner=earner, template=BadgeTemplateFactory(name="Shown Badge"))
    AcceptedAwardFactory(earner=earner, is_public=False, template=BadgeTemplateFactory(name="Hidden Badge"))
    AwardFactory(earner=earner, state=AwardState.PENDING, template=BadgeTemplateFactory(name="Pending Badge"))
    AwardFactory(earner=earner, state=AwardState.DECLINED, template=BadgeTemplateFactory(name="Declined Badge"))
    AcceptedAwardFactory(template=BadgeTemplateFactory(name="Someone Else's Badge"))

    response = client.get(profile_url(earner))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Katherine Johnson" in content
    assert "Shown Badge" in content
    assert reverse("award_public", args=[shown.public_id]) in content
    for hidden in ["Hidden Badge", "Pending Badge", "Declined Badge", "Someone Else"]:
        assert hidden not in content


def test_profile_never_shows_an_email_address(client, earner):
    award = AcceptedAwardFactory(earner=earner)

    content = client.get(profile_url(earner)).content.decode()

    assert earner.email not in content
    assert award.recipient_email not in content


def test_profile_without_a_name_does_not_fall_back_to_the_email(client):
    user = UserFactory(full_name="", email="secret.person@example.com")

    content = client.get(profile_url(user)).content.decode()

    assert "secret.person" not in content


def test_private_profile_answers_404_to_visitors(client):
    user = UserFactory(profile_public=False)
    AcceptedAwardFactory(earner=user)

    assert client.get(profile_url(user)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(profile_url(user)).status_code == 404


def test_owner_sees_own_private_profile_with_a_notice(client):
    user = UserFactory(profile_public=False)
    AcceptedAwardFactory(earner=user, template=BadgeTemplateFactory(name="My Badge"))
    client.force_login(user)

    response = client.get(profile_url(user))

    assert response.status_code == 200
    assert "Only you can see this page." in response.content.decode()
    assert "My Badge" in response.content.decode()


def test_inactive_user_profile_answers_404(client):
    user = UserFactory(is_active=False)

    assert client.get(profile_url(user)).status_code == 404


def test_unknown_profile_answers_404(client):
    assert client.get(reverse("profile_public", args=[uuid.uuid4()])).status_code == 404


def test_profile_query_count_does_not_grow_with_badges(client, earner, django_assert_num_queries):
    for _ in range(5):
        AcceptedAwardFactory(earner=earner)

    with django_assert_num_queries(2):  # the person, their badges with catalog rows
        client.get(profile_url(earner))


def test_account_page_and_wallet_link_to_the_public_profile(client, earner):
    client.force_login(earner)

    account = client.get(reverse("profile_settings")).content.decode()
    wallet = client.get(reverse("wallet")).content.decode()

    assert profile_url(earner) in account
    assert profile_url(earner) in wallet
