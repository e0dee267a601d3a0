import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from jwt.utils import base64url_decode

from badges.models import IssuerKey
from badges.openbadges import keys
from badges.tests.factories import IssuerFactory

pytestmark = pytest.mark.django_db


def test_first_key_is_created_on_demand_and_reused():
    issuer = IssuerFactory()

    first = keys.issuer_key_active(issuer=issuer)
    again = keys.issuer_key_active(issuer=issuer)

    assert first.pk == again.pk
    assert first.public_jwk["kty"] == "RSA"
    assert first.public_jwk["kid"] == first.kid
    assert first.public_jwk["alg"] == "RS256"


def test_private_key_is_encrypted_at_rest_and_decrypts_to_the_published_key():
    key = keys.issuer_key_active(issuer=IssuerFactory())

    private = keys.private_key_of(key)

    assert "PRIVATE KEY" not in key.private_key_encrypted
    public_numbers = private.public_key().public_numbers()
    assert public_numbers.n == int.from_bytes(base64url_decode(key.public_jwk["n"].encode()), "big")


def test_private_key_still_decrypts_after_secret_key_rotation(settings):
    key = keys.issuer_key_active(issuer=IssuerFactory())
    old_secret = settings.SECRET_KEY

    settings.SECRET_KEY = "a-brand-new-secret-key-for-production-use"
    settings.SECRET_KEY_FALLBACKS = [old_secret]

    assert keys.private_key_of(key).key_size == 2048


def test_rotate_retires_the_old_key_and_keeps_it():
    issuer = IssuerFactory()
    old = keys.issuer_key_active(issuer=issuer)

    new = keys.issuer_key_rotate(issuer=issuer)

    old.refresh_from_db()
    assert old.retired_at is not None
    assert new.is_active
    assert keys.issuer_key_active(issuer=issuer).pk == new.pk
    assert IssuerKey.objects.filter(issuer=issuer).count() == 2


def test_public_jwk_is_served_without_private_parts(client):
    key = keys.issuer_key_active(issuer=IssuerFactory())

    response = client.get(reverse("ob3_issuer_key", args=[key.kid]))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    jwk = response.json()
    assert jwk == key.public_jwk
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)


def test_retired_key_is_still_served(client):
    issuer = IssuerFactory()
    old = keys.issuer_key_active(issuer=issuer)
    keys.issuer_key_rotate(issuer=issuer)

    response = client.get(reverse("ob3_issuer_key", args=[old.kid]))

    assert response.status_code == 200


def test_unknown_key_answers_404_json(client):
    response = client.get(reverse("ob3_issuer_key", args=["nope"]))

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_key_id_holding_a_nul_answers_404_json(client):
    # PostgreSQL refuses NUL in a query parameter: the lookup must not reach it (a 500 there).
    response = client.get("/ob/v3/keys/a%00b")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_key_view_queries(client, django_assert_num_queries):
    key = keys.issuer_key_active(issuer=IssuerFactory())

    with django_assert_num_queries(1):
        client.get(reverse("ob3_issuer_key", args=[key.kid]))


def test_command_creates_a_key_when_none_and_rotates(capsys):
    issuer = IssuerFactory()

    call_command("issuer_keys", "--issuer", issuer.slug)
    first = IssuerKey.objects.get(issuer=issuer)
    call_command("issuer_keys", "--issuer", issuer.slug, "--rotate")

    output = capsys.readouterr().out
    assert first.kid in output
    assert "New active key" in output
    assert IssuerKey.objects.filter(issuer=issuer, retired_at__isnull=True).count() == 1
    assert IssuerKey.objects.filter(issuer=issuer).count() == 2


def test_command_refuses_unknown_issuer():
    with pytest.raises(CommandError, match="No issuer"):
        call_command("issuer_keys", "--issuer", "nobody")


def test_staff_can_rotate_from_admin(admin_client):
    issuer = IssuerFactory()
    old = keys.issuer_key_active(issuer=issuer)

    response = admin_client.post(
        reverse("admin:badges_issuerkey_changelist"), {"action": "rotate", "_selected_action": [old.pk]}
    )

    old.refresh_from_db()
    assert response.status_code == 302
    assert old.retired_at is not None
    assert keys.issuer_key_active(issuer=issuer).pk != old.pk


def test_admin_never_shows_the_private_key(admin_client):
    key = keys.issuer_key_active(issuer=IssuerFactory())

    response = admin_client.get(reverse("admin:badges_issuerkey_change", args=[key.pk]))

    assert response.status_code == 200
    assert key.private_key_encrypted.encode() not in response.content
