import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.sharing.services import share_click_record
from badges.tests.factories import AcceptedAwardFactory

pytestmark = pytest.mark.django_db


def test_staff_see_share_counts_per_badge_and_channel(client):
    award = AcceptedAwardFactory(template__name="Contoso Certified: Shared Badge")
    for _ in range(3):
        share_click_record(award=award, channel="linkedin-profile")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:badges_sharecount_changelist"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Contoso Certified: Shared Badge" in content
    assert "LinkedIn profile" in content
    assert '<td class="field-clicks">3</td>' in content
