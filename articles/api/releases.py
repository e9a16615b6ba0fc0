"""What the read API reads: live releases only, each query starting from
`Release.objects.live()` (design rule 1), filtered, paged by cursor, and loaded with what each
release shows beyond its row in a fixed number of queries (design rule 6).

The API names a release by its `guid`, never its database id: ids are handed out to drafts
too, so their gaps would count the releases readers cannot see. The cursor carries the last
release's publish time and guid, both public, so it tells nothing either.
"""

import base64
import binascii
import datetime
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from taggit.models import TaggedItem

from articles.models import Correction, Office, Release
from articles.pagecache.freshness import depends_on
from articles.pagecache.keys import LIVE, LIVE_EDITS, release_key

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
LANGUAGES = [code for code, _ in Release._meta.get_field("language").choices]
KINDS = list(Release.Kind.values)


class BadParameter(ValueError):
    """A query parameter the API cannot read: a 400 naming it, never a 500."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


class Cursor(NamedTuple):
    """Where a page ends: the last release's publish time and guid."""

    publish_at: datetime.datetime
    guid: uuid.UUID

    def encode(self):
        text = f"{self.publish_at.astimezone(datetime.UTC).isoformat()}|{self.guid.hex}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value):
        try:
            padded = value + "=" * (-len(value) % 4)
            moment, guid = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
            publish_at = parse_datetime(moment)
            if publish_at is None or publish_at.tzinfo is None:
                raise ValueError(moment)
            return cls(publish_at.astimezone(datetime.UTC), uuid.UUID(hex=guid))
        except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeError) as error:
            raise BadParameter("cursor", "is not a cursor this API gave out") from error


@dataclass(frozen=True)
class ReleaseFilters:
    """What a list of releases may be narrowed by (the endpoint's query, once read)."""

    topic: str = ""
    kind: str = ""
    office: int | None = None
    language: str = ""
    updated_since: datetime.datetime | None = None
    cursor: Cursor | None = None
    page_size: int = PAGE_SIZE


def parse_moment(name, value):
    """An ISO 8601 date-time (with its offset; without one it is office time) or a date (its
    midnight, office time), in UTC."""
    problem = "must be an ISO 8601 date or date-time, e.g. 2026-11-25T12:00:00Z or 2026-11-25"
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise BadParameter(name, problem)
            moment = datetime.datetime.combine(day, datetime.time())
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(datetime.UTC)
    except BadParameter:
        raise
    except (ValueError, OverflowError) as error:  # 2026-02-30, or past year 9999 in UTC
        raise BadParameter(name, problem) from error


# Releases ----------------------------------------------------------------------------------


class Page(NamedTuple):
    releases: list
    next_cursor: Cursor | None


def live_releases():
    """Live releases with what every representation shows of their own rows."""
    return Release.objects.live().select_related("office", "lead_image")


def release_page(filters):
    """One page of the live releases `filters` ask for, newest first (ties: by guid), with
    their extras loaded. Four queries, whatever the page size."""
    releases = live_releases()
    if filters.language:
        releases = releases.in_language(filters.language)
    if filters.kind:
        releases = releases.filter(kind=filters.kind)
    if filters.office is not None:
        releases = releases.filter(office_id=filters.office)
    if filters.topic:
        releases = releases.tagged(slug=filters.topic)
    if filters.updated_since is not None:
        # What `last_modified` says: the later of the publish time and the last edit.
        since = filters.updated_since
        releases = releases.filter(Q(publish_at__gte=since) | Q(updated__gte=since))
        depends_on(LIVE_EDITS)  # an edit to any live release may bring it into this list
    if filters.cursor is not None:
        at, guid = filters.cursor
        releases = releases.filter(publish_at__lte=at).filter(
            Q(publish_at__lt=at) | Q(guid__lt=guid)
        )
    rows = list(releases.order_by("-publish_at", "-guid")[: filters.page_size + 1])
    shown = rows[: filters.page_size]
    depends_on(LIVE)
    with_extras(shown)
    more = len(rows) > filters.page_size
    return Page(shown, Cursor(shown[-1].publish_at, shown[-1].guid) if more else None)


def live_release(guid):
    """The live release with this guid, with its extras, or None (for any other release, as
    for one that never existed)."""
    try:
        guid = uuid.UUID(str(guid))
    except ValueError:
        return None
    release = live_releases().filter(guid=guid).first()
    if release is None:
        return None
    return with_extras([release])[0]


class Edition(NamedTuple):
    guid: uuid.UUID
    language: str
    path: str


def with_extras(releases):
    """Give each release `topic_list` [(name, slug)], `correction_list` [Correction] and
    `edition_list` [Edition]: the other live members of its family, original first. Three
    queries, whatever the number of releases; the releases' keys are noted for the page cache
    (a member coming or going touches every member's key: articles/pagecache/invalidation.py).
    """
    by_id = {release.pk: release for release in releases}
    if not by_id:
        return releases
    depends_on(*(release_key(pk) for pk in by_id))
    for release in releases:
        release.topic_list, release.correction_list, release.edition_list = [], [], []
    tagged = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Release), object_id__in=list(by_id)
        )
        .order_by("tag__name")
        .values_list("object_id", "tag__name", "tag__slug")
    )
    for object_id, name, slug in tagged:
        by_id[object_id].topic_list.append((name, slug))
    for correction in Correction.objects.filter(release_id__in=list(by_id)):
        by_id[correction.release_id].correction_list.append(correction)
    families = {release.family_id for release in releases}
    members = (
        Release.objects.live()
        .of_families(families)
        .only("guid", "slug", "publish_at", "created", "language", "original_id")
    )
    by_family = members.by_family()
    for release in releases:
        release.edition_list = [
            Edition(member.guid, member.language, member.get_absolute_url())
            for member in by_family.get(release.family_id, [])
            if member.pk != release.pk
        ]
    return releases


# What releases are filed under -------------------------------------------------------------


def live_topics(language=""):
    """The topics live releases (in `language`, when given) carry, by name."""
    live = Release.objects.live()
    if language:
        live = live.in_language(language)
    depends_on(LIVE)
    return list(live.tags())


def live_offices(language=""):
    """The offices that issue live releases (in `language`, when given), by name."""
    live = Release.objects.live()
    if language:
        live = live.in_language(language)
    depends_on(LIVE)
    return list(Office.objects.filter(pk__in=live.values("office_id")).order_by("name"))
