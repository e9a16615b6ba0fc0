"""What happens when: the moments the desk's week and the planning calendar show, and the
private calendar feed carries.

Each kind of moment has a source: a function `(start, end, limit=None)` returning the Moments in
[start, end), the first `limit` of them when a limit is given. The newsroom's own sources are
here (releases going live, releases expiring); other apps add theirs with `agenda.source` from
their AppConfig.ready (the press corps' mailings, in subscriptions/apps.py), so the desk and the
calendar read one list without importing the rooms beside them. Every source is a fixed few
queries, whatever the range holds.
"""

import dataclasses
import datetime

from django.db import models
from django.urls import reverse

from articles.models import PlannedItem, Release
from articles.states import Status


class Kind(models.TextChoices):
    GOES_LIVE = "goes-live", "Goes live"
    EXPIRES = "expires", "Expires"
    PRESS_MAILING = "press-mailing", "Embargoed press mailing"
    PLANNED = "planned", "Planned"


@dataclasses.dataclass(frozen=True)
class Moment:
    at: datetime.datetime
    kind: Kind
    title: str
    url: str  # the admin page to open
    release_id: int | None = None
    detail: str = ""  # a few words more, e.g. "embargo lifts", or a planned item's owner
    planned_id: int | None = None  # the planned item a PLANNED moment stands for

    @property
    def sort_key(self):
        return (self.at, list(Kind).index(self.kind), self.title)


_sources = []


def source(function):
    """Add a source of moments; returns it unchanged, so it can be used as a decorator."""
    if function not in _sources:
        _sources.append(function)
    return function


def moments(start, end, limit=None):
    """Every moment in [start, end), in time order; only the first `limit` when given."""
    found = [moment for each in _sources for moment in each(start, end, limit)]
    return sorted(found, key=lambda moment: moment.sort_key)[:limit]


def release_admin_url(release_id):
    return reverse("admin:articles_release_change", args=[release_id])


def _published_releases_by(field, kind, detail, start, end, limit):
    """A Moment for each published release whose `field` (a time) falls in the range."""
    rows = (
        Release.objects.filter(
            status=Status.PUBLISHED, **{f"{field}__gte": start, f"{field}__lt": end}
        )
        .order_by(field, "id")
        .values_list("id", "title", field)[:limit]
    )
    return [Moment(at, kind, title, release_admin_url(pk), pk, detail) for pk, title, at in rows]


@source
def releases_going_live(start, end, limit=None):
    """Published releases whose minute is in the range: scheduled ones go live then, and their
    embargo lifts."""
    return _published_releases_by("publish_at", Kind.GOES_LIVE, "embargo lifts", start, end, limit)


@source
def releases_expiring(start, end, limit=None):
    return _published_releases_by(
        "expire_at", Kind.EXPIRES, "taken off the site", start, end, limit
    )


_PLAN_STAGES = {None: "no draft yet", Status.DRAFT: "draft", Status.IN_REVIEW: "in review"}


@source
def planned_items(start, end, limit=None):
    """Items planned for the range whose release is not out yet. Once it is cleared and
    scheduled, the release's own "goes live" stands in its place: a plan is never shown as
    scheduled."""
    rows = (
        PlannedItem.objects.still_planned()
        .filter(at__gte=start, at__lt=end)
        .order_by("at", "id")
        .values_list("id", "title", "at", "release_id", "release__status", "owner__username")[
            :limit
        ]
    )
    return [
        Moment(
            at,
            Kind.PLANNED,
            title,
            release_admin_url(release_id)
            if release_id
            else reverse("admin:articles_planneditem_change", args=[pk]),
            release_id,
            f"{_PLAN_STAGES.get(status, status)}, with {owner}",
            pk,
        )
        for pk, title, at, release_id, status, owner in rows
    ]
