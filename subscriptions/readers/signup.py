"""What readers do with their subscription, with no account: ask, confirm, change, leave.

Asking always ends the same way for the person asking ("check your inbox"), whatever the
address's state, so the form tells nobody who subscribes; what differs is only which mail the
worker sends, and whether one is sent at all (the limits below).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from subscriptions.readers.models import Subscriber
from subscriptions.sending.tasks import answer_subscriber


def _count(key, seconds):
    """Add one to a counter that lives `seconds`; the new count. The cache is shared by every
    host (Redis in production); if it is unreachable the limit is not enforced, never the
    form refused."""
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        return 1


def client_over_limit(client):
    """True once this client address has asked more than SUBSCRIBE_LIMIT_PER_CLIENT_HOUR times
    this hour (the request is then refused with a 429 that says nothing about any address)."""
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"subscribe:client:{hashlib.sha256(str(client).encode()).hexdigest()}:{hour}"
    return _count(key, 3600) > settings.SUBSCRIBE_LIMIT_PER_CLIENT_HOUR


def _address_over_limit(email):
    day = timezone.now().strftime("%Y%m%d")
    key = f"subscribe:address:{hashlib.sha256(email.encode()).hexdigest()}:{day}"
    return _count(key, 86400) > settings.SUBSCRIBE_LIMIT_PER_ADDRESS_DAY


def normalise(email):
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def ask(email, all_releases, topics, language):
    """A reader asked to subscribe `email`. Queues at most one mail (none past the daily
    limit for the address). A confirmed subscription is never changed from this form, since
    anyone can type anyone's address: its owner gets a note with the manage link instead."""
    email = normalise(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            subscriber = Subscriber.objects.create(email=email, consented_at=now)
        elif (
            subscriber.unsubscribed_at or subscriber.undeliverable_at or not subscriber.confirmed_at
        ):
            # Starting over: a new consent, to be confirmed again.
            subscriber.consented_at = now
            subscriber.confirmed_at = subscriber.unsubscribed_at = None
            subscriber.undeliverable_at, subscriber.permanent_failures = None, 0
            subscriber.save()
        if not subscriber.confirmed_at:
            subscriber.all_releases, subscriber.language = all_releases, language
            subscriber.save(update_fields=["all_releases", "language"])
            subscriber.topics.set(topics)
        if not _address_over_limit(email):
            answer_subscriber.enqueue(subscriber.pk)


def confirm(subscriber):
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
    subscriber.confirm_token_hash, subscriber.confirm_expires_at = "", None
    subscriber.save(update_fields=["confirmed_at", "confirm_token_hash", "confirm_expires_at"])


def change(subscriber, all_releases, topics, language):
    with transaction.atomic():
        subscriber.all_releases, subscriber.language = all_releases, language
        subscriber.save(update_fields=["all_releases", "language"])
        subscriber.topics.set(topics)


def unsubscribe(subscriber):
    """Stop every alert now, and every link mailed so far (tokens.py); the address itself is
    deleted after SUBSCRIBER_RETENTION_DAYS."""
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.link_version += 1
        subscriber.save(update_fields=["unsubscribed_at", "link_version"])
