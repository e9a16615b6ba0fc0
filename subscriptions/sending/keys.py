"""The outgoing channels' secrets, kept encrypted at rest with Fernet under CHANNEL_SECRET_KEYS:
webhook endpoints' signing secrets (made here in the Standard Webhooks form, whsec_ + base64 of
random bytes, and shown once) and the social accounts' credentials (never shown again).

The first key encrypts; every key decrypts (MultiFernet), so a key is rotated by putting a new
one first, running `manage.py rotate_channel_secrets`, then dropping the old one. Without keys,
DEBUG (and the test settings, which name their own) derive one from SECRET_KEY; production
refuses to encrypt or decrypt, and `manage.py check --deploy` says so."""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PREFIX = "whsec_"
SECRET_BYTES = 32
MISSING = (
    "CHANNEL_SECRET_KEYS is not set: webhook secrets and social accounts' credentials cannot "
    "be encrypted or read. Put one or "
    "more Fernet keys in the environment, comma-separated, newest first (make one with "
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
)


def new_secret():
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _dev_key():
    digest = hashlib.sha256(f"webhook-secrets:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet():
    keys = list(settings.CHANNEL_SECRET_KEYS)
    if not keys:
        if not settings.DEBUG:
            raise ImproperlyConfigured(MISSING)
        keys = [_dev_key()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            f"CHANNEL_SECRET_KEYS holds a key Fernet refuses: {error}"
        ) from None


def encrypt(secret):
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token):
    return _fernet().decrypt(token.encode()).decode()


def rotate(token):
    """The same secret encrypted under the first key."""
    return _fernet().rotate(token.encode()).decode()


@checks.register(checks.Tags.security, deploy=True)
def check_keys(app_configs=None, **kwargs):
    if settings.CHANNEL_SECRET_KEYS or settings.DEBUG:
        return []
    return [checks.Error(MISSING, id="subscriptions.E001")]
