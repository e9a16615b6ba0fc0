"""The record of what changed on the public site: the authority every server's page cache
asks, written in the same transaction as the change it describes.

Each row names one *surrogate key* ("release:42", "live", "site", ...; see
articles/pagecache/keys.py for what each covers) and the sequence number of the change.
Numbers come from one counter row, incremented inside the changing transaction: its row lock
is held until commit, so changes commit in the order of their numbers, and a reader that has
seen number N has seen every change before it. Readers then ask only for rows after the last
number they saw (articles/pagecache/freshness.py).
"""

import time

from django.db import models
from django.db.models import F
from django.utils import timezone


class PublicChangeQuerySet(models.QuerySet):
    def record(self, keys):
        """Log a change to `keys` in the current transaction; returns its number (or None)."""
        keys = sorted(set(keys))
        if not keys:
            return None
        counter = PublicChangeCounter.objects
        if not counter.filter(pk=1).update(value=F("value") + 1):
            counter.get_or_create(pk=1)  # the first change ever; the row is created once
            counter.filter(pk=1).update(value=F("value") + 1)
        seq = counter.values_list("value", flat=True).get(pk=1)
        now = timezone.now()
        self.bulk_create([PublicChange(seq=seq, key=key, at=now) for key in keys])
        return seq

    def start_over(self):
        """After a restore the log may be behind what servers read: number on from past any
        count they can have seen (milliseconds since the epoch), with the whole site changed."""
        floor = int(time.time() * 1000)
        PublicChangeCounter.objects.get_or_create(pk=1)
        PublicChangeCounter.objects.filter(pk=1, value__lt=floor).update(value=floor)
        return self.record({"site"})

    def since(self, seq):
        return self.filter(seq__gt=seq).order_by("seq").values_list("seq", "key")

    def latest_seq(self):
        return PublicChangeCounter.objects.filter(pk=1).values_list("value", flat=True).first() or 0

    def forget_before(self, moment):
        """Rows older than any cached entry may go: a key unseen is as good as unchanged."""
        return self.filter(at__lt=moment).delete()[0]


class PublicChange(models.Model):
    seq = models.BigIntegerField(db_index=True)
    key = models.CharField(max_length=100)
    at = models.DateTimeField(db_index=True)

    objects = PublicChangeQuerySet.as_manager()

    class Meta:
        verbose_name = "public change"

    def __str__(self):
        return f"#{self.seq} {self.key}"


class PublicChangeCounter(models.Model):
    """One row: the number of the last public change. Its row lock orders the changes."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.value)
