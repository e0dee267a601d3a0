"""Staff (with two-factor authentication) create API keys in the admin, see each once, and revoke them."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from api.models import ApiKey
from api.services import api_key_hash

from .conftest import ALL_SCOPES

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_new_key_is_shown_once_and_stored_hashed(staff_client, issuer):
    response = staff_client.post(
        reverse("admin:api_apikey_add"), {"issuer": issuer.pk, "name": "Exam system", "scopes": ["awards:write"]}
    )

    raw_key = response.context["secret"]
    api_key = ApiKey.objects.get()
    assert response.status_code == 200
    assert raw_key in response.text and "only time" in response.text
    assert raw_key.startswith("bpk_") and raw_key.startswith(api_key.prefix)
    assert api_key.key_hash == api_key_hash(raw_key)
    assert raw_key not in str(ApiKey.objects.values().get())
    assert raw_key not in staff_client.get(reverse("admin:api_apikey_change", args=[api_key.pk])).text
    entry = LogEntry.objects.get_for_object(api_key).get()
    assert "key_hash" not in entry.changes_dict
    assert staff_client.get("/api/v1/awards", headers={"Authorization": f"Bearer {raw_key}"}).status_code == 403


def test_a_key_needs_a_scope(staff_client, issuer):
    response = staff_client.post(reverse("admin:api_apikey_add"), {"issuer": issuer.pk, "name": "x", "scopes": []})

    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not ApiKey.objects.exists()


def test_revoking_stops_the_key_at_once(staff_client, api):
    api_key = ApiKey.objects.get()

    staff_client.post(reverse("admin:api_apikey_changelist"), {"action": "revoke", "_selected_action": [api_key.pk]})

    assert ApiKey.objects.get().revoked_at is not None
    assert api.get("/api/v1/templates").status_code == 401


def test_the_list_shows_scopes_and_last_use(staff_client, api):
    api.get("/api/v1/templates")

    page = staff_client.get(reverse("admin:api_apikey_changelist")).text

    assert ", ".join(ALL_SCOPES) in page
    assert ApiKey.objects.get().prefix in page


def test_staff_without_two_factor_are_sent_to_set_it_up(client, issuer):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True, mfa=False))

    assert client.get(reverse("admin:api_apikey_add")).status_code == 302
