"""Two sign-ups with one address at the same moment (a double click, two tabs)."""

import pytest
from django.urls import reverse

from accounts.models import User
from badgeportal.tests.races import holding, in_threads, require_postgresql

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The other sign-up's row: inserted, not yet committed, so this one's form finds the address free.
OTHER_SIGN_UP = """
    INSERT INTO accounts_user
        (password, is_superuser, email, full_name, headline, photo, public_id, profile_public, is_staff, is_active,
         date_joined)
    VALUES ('!', false, %s, 'First Tab', '', '', gen_random_uuid(), true, false, true, now())
"""


def test_the_second_of_two_sign_ups_with_one_address_gets_no_error(client):
    require_postgresql()
    form = {
        "email": "ada@example.com",
        "full_name": "Ada",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }

    with holding(OTHER_SIGN_UP, ["ada@example.com"]) as wait_for:
        (sign_up,) = in_threads(lambda: client.post(reverse("account_signup"), form))
        wait_for(1)
    response = sign_up.result(timeout=10)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="ada@example.com").count() == 1
