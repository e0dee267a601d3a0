from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

from badgeportal.client_ip import client_ip
from badgeportal.encryption import fernet

from .known_devices import known_device_for, known_device_remember
from .services import login_failure_record

# A name the site already knows for the person about to sign up (a claimed badge carries one).
SIGNUP_NAME_SESSION_KEY = "account_signup_full_name"


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def stash_signup_name(self, request, full_name):
        """Fill in the sign-up form's name, as allauth's `stash_verified_email` fills in the address; the
        person can still change it. It goes with the sign-up, or with the session at sign-out."""
        request.session[SIGNUP_NAME_SESSION_KEY] = full_name

    def unstash_signup_name(self, request):
        return request.session.pop(SIGNUP_NAME_SESSION_KEY, None)

    def render_mail(self, template_prefix, email, context, headers=None):
        # allauth names the site after the request's host ("Hello from 127.0.0.1"); our templates name it
        # SITE_NAME, which must be there also when no request is (a confirmation sent from a command).
        context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
        return super().render_mail(template_prefix, email, context, headers)

    def get_client_ip(self, request):
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        # allauth counts an account's failures under the login typed; a browser that has signed
        # in to the account before counts under a key of its own instead.
        device = known_device_for(request, email=credentials.get("email", ""))
        if device:
            credentials = {**credentials, "email": f"{credentials['email']} device {device}"}
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials):
        login_failure_record(email=credentials.get("email", ""))

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        known_device_remember(request, response, user=user)
        return response


class MFAAdapter(DefaultMFAAdapter):
    """Keeps two-factor secrets (TOTP keys, the recovery code seed) encrypted in the database."""

    purpose = b"badgeportal mfa secrets"

    def encrypt(self, text):
        return fernet(self.purpose).encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        return fernet(self.purpose).decrypt(encrypted_text.encode()).decode()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # The name the provider knows goes on the badges until the earner changes it on their profile.
        name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.full_name = (name or "").strip()[:200]
        return user
