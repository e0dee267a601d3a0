from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from badgeportal.client_ip import client_ip
from badgeportal.encryption import fernet


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def get_client_ip(self, request):
        return client_ip(request)


class MFAAdapter(DefaultMFAAdapter):
    """Keeps two-factor secrets (TOTP keys, the recovery code seed) encrypted in the database."""

    purpose = b"badgeportal mfa secrets"

    def encrypt(self, text):
        return fernet(self.purpose).encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        return fernet(self.purpose).decrypt(encrypted_text.encode()).decode()
