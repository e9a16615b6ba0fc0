"""Readers' e-mail alerts: who subscribed to what, and each alert's deliveries.

What a subscriber row keeps is the privacy promise in the README: the address, the topics and
the language, when they consented and when they confirmed; the rest is bookkeeping the promise
needs (when they left, so the address can be forgotten; whether mail to it bounces; the hash of
the pending confirmation link).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag

from subscriptions.sending.models import Outgoing, counts_by_status


def receiving(prefix=""):
    """Confirmed, still subscribed, and mail to them arrives: the one rule for who may get an
    alert, as a filter on subscribers (or, with a prefix such as "subscribers__", through a
    relation)."""
    return Q(**{f"{prefix}confirmed_at__isnull": False, f"{prefix}unsubscribed_at__isnull": True,
                f"{prefix}undeliverable_at__isnull": True})  # fmt: skip


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        return self.filter(receiving())

    def wanting(self, releases):
        """Receiving subscribers of every release, or of any topic one of `releases` carries
        (a release's family, in subscriptions/readers/alerts.py)."""
        topics = Tag.objects.filter(release__in=releases.values("pk")).values("pk")
        followers = Subscriber.topics.through.objects.filter(tag__in=topics)
        return self.receiving().filter(
            Q(all_releases=True) | Q(pk__in=followers.values("subscriber_id"))
        )

    def forgettable(self, now=None):
        """Addresses kept past their promise: unsubscribed (or never confirmed) longer ago than
        SUBSCRIBER_RETENTION_DAYS."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.SUBSCRIBER_RETENTION_DAYS)
        return self.filter(
            Q(unsubscribed_at__lt=cutoff) | Q(confirmed_at__isnull=True, consented_at__lt=cutoff)
        )


class Subscriber(models.Model):
    email = models.EmailField("e-mail address", unique=True)
    all_releases = models.BooleanField(
        default=False, help_text="Every release, whatever its topics."
    )
    topics = models.ManyToManyField(Tag, blank=True, related_name="subscribers")
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="Their alerts' language, where a release has an edition in it.",
    )
    consented_at = models.DateTimeField(help_text="When they asked to subscribe (last time).")
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When they followed the confirmation link."
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    undeliverable_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when mail to the address keeps being refused."
    )
    permanent_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    # SHA-256 of the pending confirmation link's token; the token itself only ever is in the mail.
    confirm_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    confirm_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # In every manage and unsubscribe link; unsubscribing moves it on, so no link mailed
    # before then opens the subscription again, also after the reader comes back.
    link_version = models.PositiveIntegerField(default=0, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    @property
    def receiving(self):
        return bool(self.confirmed_at and not self.unsubscribed_at and not self.undeliverable_at)

    @property
    def status(self):
        if self.unsubscribed_at:
            return "unsubscribed"
        if self.undeliverable_at:
            return "undeliverable"
        return "subscribed" if self.confirmed_at else "awaiting confirmation"


class Alert(models.Model):
    """A release's alert to its subscribers: made once, when the release first goes live."""

    release = models.OneToOneField(
        "articles.Release", on_delete=models.CASCADE, related_name="alert"
    )
    queued_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self):
        return f"Alert: {self.release.title}"

    def counts(self):
        """Deliveries by status, every status present (zero when none)."""
        return counts_by_status(self.deliveries)


class Delivery(Outgoing):
    """One alert to one subscriber: the row that makes "exactly once" a database constraint."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "subscriber"], name="one_delivery_each"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.alert_id} → {self.subscriber_id}: {self.status}"


class Topic(Tag):
    """A tag seen as a topic readers follow (the admin's subscriber counts)."""

    class Meta:
        proxy = True
        ordering = ["name"]
