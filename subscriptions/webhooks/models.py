"""Partners' webhook endpoints, the events sent to them, and one delivery row per event and
endpoint (an Outgoing, sent by subscriptions/sending/delivery.py like any mail)."""

import uuid

from django.db import models
from django.utils import timezone

from articles.models import Release
from subscriptions.sending.models import Outgoing


class EventKind(models.TextChoices):
    PUBLISHED = "release.published", "release.published (went live)"
    UPDATED = "release.updated", "release.updated (a live release's text changed)"
    CORRECTED = "release.corrected", "release.corrected (a correction was added)"
    WITHDRAWN = "release.withdrawn", "release.withdrawn"
    SCHEDULED = "release.scheduled", "release.scheduled (embargo-trusted endpoints only)"
    EMBARGO_MOVED = "release.embargo_moved", "release.embargo_moved (embargo-trusted only)"


class WebhookEndpoint(models.Model):
    url = models.URLField(
        "URL", max_length=500,
        help_text="The partner's https address; events are POSTed there as signed JSON.",
    )  # fmt: skip
    description = models.CharField(max_length=200, help_text="Whose system this is, and why.")
    events = models.JSONField(default=list, help_text="The kinds of event it is sent.")
    active = models.BooleanField(default=True, help_text="Inactive: nothing is sent to it.")
    embargo_trusted = models.BooleanField(
        "embargo-trusted", default=False,
        help_text="Sent events about releases before their minute (scheduled, embargo moved). "
        "Only for partners bound by the embargo.",
    )  # fmt: skip
    # The signing secret, whsec_…, encrypted with CHANNEL_SECRET_KEYS (sending/keys.py).
    secret_encrypted = models.TextField(editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    failure = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.description or self.url

    def wants(self, kind, embargoed):
        return self.active and kind in self.events and (self.embargo_trusted or not embargoed)


class WebhookEvent(models.Model):
    """One fact about a release, its payload fixed when it happened: every retry sends the
    same bytes."""

    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Makes the event once whatever repeats its signal: e.g. published:<release>:<went live>.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="+")
    # About a release not yet public: only embargo-trusted endpoints get it.
    embargoed = models.BooleanField(default=False)
    payload = models.JSONField()
    created = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.kind} {self.release_id}"


class WebhookDelivery(Outgoing):
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_webhook_delivery_each"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event_id} → {self.endpoint_id}: {self.status}"


def webhook_id(event_guid):
    """The webhook-id header: the same on every retry, so a receiver can drop a repeat."""
    return f"msg_{uuid.UUID(str(event_guid)).hex}"
