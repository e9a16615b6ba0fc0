"""What public pages show of content beyond their own, computed once per content change (or
boundary): site-wide facts every page may show, and each release's neighbours."""

import datetime
from typing import NamedTuple

from articles.archive import archive_years
from articles.models import Office, Release, SocialLink, live_tags
from articles.pagecache import cached_for_content


def live_archive_years():
    """The archive navigation: one aggregate over live releases."""
    return cached_for_content(
        "archive-years", lambda: archive_years(Release.objects.live().month_counts())
    )


def cached_live_tags():
    return cached_for_content("live-tags", lambda: list(live_tags()))


def site_office():
    return cached_for_content("site-office", Office.default)


def follow_links():
    return cached_for_content("social-links", lambda: list(SocialLink.objects.filter(active=True)))


class ReleaseLink(NamedTuple):
    """What a detail page shows of another release."""

    title: str
    url: str
    publish_at: datetime.datetime


def neighbours(release, cached=True):
    """The related, older and newer live releases around `release`, for its page.

    Three ordered queries that depend on other releases only; cached per release until the
    content changes (previews pass cached=False: the release is not public yet).
    """

    def compute():
        live = Release.objects.live()

        def link(other):
            return other and ReleaseLink(other.title, other.get_absolute_url(), other.publish_at)

        published = release.publish_at is not None
        return {
            "related": [link(other) for other in live.related_to(release)],
            "previous_release": link(live.before(release)) if published else None,
            "next_release": link(live.after(release)) if published else None,
        }

    if not cached:
        return compute()
    return cached_for_content(f"neighbours:{release.pk}", compute, keep_decoded=False)
