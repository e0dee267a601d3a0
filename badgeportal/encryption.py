"""Secrets stored at rest (issuer signing keys, two-factor secrets), encrypted with SECRET_KEY."""

import base64

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet_for(secret, purpose):
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def fernet(purpose):
    """Encrypt with SECRET_KEY; also decrypt with SECRET_KEY_FALLBACKS so rotating the secret keeps data usable.

    `purpose` (bytes) derives a separate key for each kind of secret.
    """
    secrets_in_order = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret, purpose) for secret in secrets_in_order])
