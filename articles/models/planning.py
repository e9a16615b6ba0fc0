"""The planning calendar's own rows: items planned before any text exists, and each person's
private calendar feed (its address is the credential, kept only as a hash)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.offices import Office
from articles.models.records import hash_token
from articles.models.releases import Release, within_reach
from articles.states import Status

# Once its release is cleared and published (or was, and is withdrawn), a plan has become a
# release: the calendar shows the release's own moments instead.
PLAN_DONE = [Status.PUBLISHED, Status.WITHDRAWN]


class PlannedItemQuerySet(models.QuerySet):
    def still_planned(self):
        """Items with no release yet, or one that is still a draft or in review (or deleted)."""
        return self.filter(Q(release__isnull=True) | ~Q(release__status__in=PLAN_DONE))


class PlannedItem(models.Model):
    """A line on the planning calendar before any text exists ("Secretary's statement on the
    storm season, Tue 10:00"). Opening it makes its draft release; its time stays here, and
    only the workflow's Schedule step, on a cleared release, sets a publish time."""

    title = models.CharField(
        "working title",
        max_length=300,
        help_text="Plain text; becomes the headline of the draft when it is opened.",
    )
    at = models.DateTimeField(
        "planned time",
        db_index=True,
        validators=[within_reach],
        help_text="When it is meant to go out. Planning only: nothing is scheduled until a "
        "cleared release is.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="planned_items",
        help_text="Who is writing it.",
    )
    note = models.TextField(
        blank=True, help_text="For the newsroom only; never in the calendar feed."
    )
    office = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The office issuing it. Leave empty for the default office.",
    )
    release = models.OneToOneField(
        Release,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="planned_item",
        help_text="Its draft, once it is opened.",
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PlannedItemQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "planned item"

    def __str__(self):
        return self.title


class CalendarFeedQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)

    def with_secret(self, secret):
        return self.filter(token=hash_token(secret))

    def end(self, user, now=None):
        """Revoke the feed `user` has (a person has at most one open)."""
        return self.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now()
        )


class CalendarFeed(models.Model):
    """A person's private iCalendar feed of the planning calendar. The address holds a 256-bit
    secret; only its SHA-256 is kept, so nothing stored opens a feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the feed address's secret; the secret itself is never stored.",
    )
    created = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_calendar_feed",
            )
        ]

    def __str__(self):
        return f"Calendar feed of {self.user}"
