"""Site-wide facts every public page may show, computed once per content change (or boundary)."""

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
