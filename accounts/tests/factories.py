import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from accounts.models import User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"earner{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        """Every factory user has its login address verified, as allauth would after sign-up."""
        user.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    @factory.post_generation
    def mfa(user, create, extracted, **kwargs):
        """Staff have an authenticator app, as the admin requires; `mfa=False` makes one who has not set it up."""
        if create and (user.is_staff if extracted is None else extracted):
            totp_enable(user)


def totp_enable(user):
    """Give `user` an authenticator app the way enrolment does; returns its secret for `totp_code`."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret, *, valid_for_at_least=5):
    """The code an authenticator app shows now, computed with allauth's own algorithm. Near the end of a
    period the code would change before the server checks it (a browser test types it, then clicks):
    then wait for the next period, as a person would for the next code."""
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < valid_for_at_least:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def sign_in(client, user, password=PASSWORD, **request_headers):
    """Sign in through allauth's form, as a person would (a forced login records no authentication)."""
    return client.post(reverse("account_login"), {"login": user.email, "password": password}, **request_headers)


def reauthenticate(client, password=PASSWORD):
    """Confirm the password again, as allauth asks before a change to how one signs in."""
    return client.post(reverse("account_reauthenticate"), {"password": password})
