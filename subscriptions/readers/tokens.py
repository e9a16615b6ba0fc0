"""The links in subscribers' mail, which stand in for an account.

Confirmation links carry a random 256-bit token whose SHA-256 alone is stored, with its expiry;
asking again replaces it, and using it clears it.

Manage and unsubscribe links are signed (HMAC-SHA256 with SECRET_KEY, through django.core.signing)
rather than stored: every alert repeats them, and a stored random token could not be put in
100,000 mails without minting as many rows per release. Nothing in the database opens one, so a
leaked dump gives no working link; SECRET_KEY_FALLBACKS keeps links working across a key change.
Each carries the time it was made (SUBSCRIPTION_LINK_DAYS later it stops) and the subscriber's
link version, which unsubscribing moves on. A deleted subscriber's links stop working because
the row they name is gone.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from subscriptions.readers.models import Subscriber

_MANAGE_SALT = "subscriptions.manage"


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_confirmation(subscriber, now=None):
    """A fresh confirmation token for `subscriber` (saved hashed); earlier ones stop working."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    subscriber.confirm_token_hash = _digest(token)
    subscriber.confirm_expires_at = now + timedelta(hours=settings.SUBSCRIPTION_CONFIRM_HOURS)
    subscriber.save(update_fields=["confirm_token_hash", "confirm_expires_at"])
    return token


def pending_confirmation(token, now=None):
    """The subscriber this confirmation token belongs to, or None (unknown, used or expired)."""
    if not token or len(token) > 100:
        return None
    now = now or timezone.now()
    return Subscriber.objects.filter(
        confirm_token_hash=_digest(token), confirm_expires_at__gt=now
    ).first()


def sign_id(pk, salt):
    """A link token naming row `pk`, signed for one purpose (`salt`)."""
    return signing.dumps(pk, salt=salt, compress=False)


def signed_id(token, salt, max_age=None):
    """The row id a token signed by sign_id() for `salt` names, or None if it is not one (or,
    given `max_age`, a timedelta, it was signed longer ago than that)."""
    try:
        pk = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return pk if isinstance(pk, int) else None


def manage_token(subscriber_id, version=0):
    """The token of a subscriber's manage and unsubscribe links, at their link version."""
    return signing.dumps([subscriber_id, version], salt=_MANAGE_SALT, compress=False)


def subscriber_for(token, *, any_version=False):
    """The subscriber a manage or unsubscribe token names, or None: not ours, older than
    SUBSCRIPTION_LINK_DAYS, or (unless `any_version`) made before they last unsubscribed."""
    try:
        named = signing.loads(
            token, salt=_MANAGE_SALT, max_age=timedelta(days=settings.SUBSCRIPTION_LINK_DAYS)
        )
    except signing.BadSignature:
        return None
    if isinstance(named, int):  # a link made before links carried a version: the first one
        named = [named, 0]
    if not (isinstance(named, list) and len(named) == 2
            and all(type(part) is int for part in named)):  # fmt: skip
        return None
    pk, version = named
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None or not (any_version or subscriber.link_version == version):
        return None
    return subscriber
