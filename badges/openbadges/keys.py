"""Issuer signing keys: generate, rotate, encrypt at rest, publish as JWK."""

import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from badgeportal.encryption import fernet
from badges.models import IssuerKey

ALGORITHM = "RS256"


def _fernet():
    return fernet(b"badgeportal issuer keys")


def private_key_of(issuer_key):
    pem = _fernet().decrypt(issuer_key.private_key_encrypted.encode())
    # We generated this key ourselves, so cryptography's slow consistency check adds nothing.
    return serialization.load_pem_private_key(pem, password=None, unsafe_skip_rsa_key_validation=True)


def _new_key(issuer):
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = f"{issuer.slug[:40]}-{secrets.token_urlsafe(12)}"
    jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return IssuerKey(issuer=issuer, kid=kid, public_jwk=jwk, private_key_encrypted=_fernet().encrypt(pem).decode())


@transaction.atomic
def issuer_key_rotate(*, issuer):
    """Retire the active key (kept for verification) and make a new one active."""
    IssuerKey.objects.filter(issuer=issuer, retired_at__isnull=True).update(retired_at=timezone.now())
    key = _new_key(issuer)
    key.save()
    return key


def issuer_key_active(*, issuer):
    """The key to sign with now; the first signature an issuer needs creates its key."""
    key = IssuerKey.objects.filter(issuer=issuer, retired_at__isnull=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            key = _new_key(issuer)
            key.save()
            return key
    except IntegrityError:
        # Another request created it first; the constraint allows one active key.
        return IssuerKey.objects.get(issuer=issuer, retired_at__isnull=True)


def public_jwk(issuer_key):
    return dict(issuer_key.public_jwk)
