"""What every outgoing message row shares: its state, its tries, and the claim a worker holds."""

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone


class OutgoingQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting to be sent, and not held by a worker that is still within its lease."""
        return self.filter(status=Outgoing.Status.QUEUED, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        )


class Outgoing(models.Model):
    """One message to one recipient, which subscriptions/sending/delivery.py claims, sends and
    records."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"  # refused for now too many times (4xx); given up
        UNDELIVERABLE = "undeliverable", "undeliverable"  # refused for good (5xx)
        CANCELLED = "cancelled", "cancelled"  # no longer wanted (the release was taken down)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    objects = OutgoingQuerySet.as_manager()

    class Meta:
        abstract = True


def counts_by_status(rows):
    """{status: number} over a queryset of outgoing rows, every status present."""
    found = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    return {status: found.get(status, 0) for status in Outgoing.Status.values}
