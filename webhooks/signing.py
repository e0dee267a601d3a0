"""Standard Webhooks signatures (https://www.standardwebhooks.com): `whsec_` secrets, HMAC-SHA256 over
`{webhook-id}.{webhook-timestamp}.{body}`, sent as `webhook-signature: v1,<base64>`.

The secret has to be read back to sign, so it is stored encrypted (with a key derived from SECRET_KEY), not hashed.
"""

import base64
import hashlib
import hmac
import secrets

from badgeportal.encryption import fernet

PREFIX = "whsec_"
_PURPOSE = b"webhook-endpoint-secret"


def secret_generate():
    """A new signing secret: 32 random bytes, base64, with the `whsec_` prefix receivers' libraries expect."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_encrypt(secret):
    return fernet(_PURPOSE).encrypt(secret.encode()).decode()


def secret_decrypt(secret_encrypted):
    return fernet(_PURPOSE).decrypt(secret_encrypted.encode()).decode()


def signature(*, secret, event_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{event_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(*, secret, event_id, timestamp, body):
    return {
        "webhook-id": str(event_id),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret=secret, event_id=event_id, timestamp=timestamp, body=body),
    }
