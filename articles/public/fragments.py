"""The fragments public pages share, each computed once per change that concerns it (through
the page cache's cached_for_content, articles/pagecache/caching.py): what every page shows of
the site, and what each release's page shows beyond its own row.
"""

import datetime
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import get_language

from articles import elsewhere
from articles.models import Office, Release, SocialLink
from articles.models.editions import language_name
from articles.pagecache import freshness
from articles.pagecache.caching import cached_for_content
from articles.pagecache.keys import LIVE, LIVE_EDITS, release_key, tag_key
from articles.public.archive import archive_years
from articles.public.cards import with_tag_lists
from articles.public.presentation import corrections_html


def live_archive_years():
    """The archive navigation: one aggregate over live releases in the page's language."""
    language = get_language()
    live = Release.objects.live().in_language(language)
    return cached_for_content(
        f"archive-years:{language}", lambda: archive_years(live.month_counts()), [LIVE]
    )


def cached_live_tags(language=None):
    """The topics live releases in `language` (the page's) carry."""
    language = language or get_language()
    live = Release.objects.live().in_language(language)
    return cached_for_content(f"live-tags:{language}", lambda: list(live.tags()), [LIVE])


def site_office():
    return cached_for_content("site-office", Office.default)


def follow_links():
    return cached_for_content("social-links", lambda: list(SocialLink.objects.filter(active=True)))


class ReleaseLink(NamedTuple):
    """What a detail page shows of another release."""

    title: str
    url: str
    publish_at: datetime.datetime


def release_page(release, cached=True):
    """What a release's page shows beyond its own row: its tags, its public corrections, and
    the related, older and newer live releases around it. Sets `release.tag_list`; returns the
    rest for the template.

    Five queries; cached per release until it, one of its tags, a release it links to, or the
    set of releases sharing its tags changes (previews pass cached=False: the release is not
    public yet).
    """

    def compute():
        live = Release.objects.live().in_language(release.language)

        def link(other):
            if other is None:
                return None
            freshness.depends_on(release_key(other.pk))
            return ReleaseLink(other.title, other.get_absolute_url(), other.publish_at)

        with_tag_lists([release])
        tag_ids = [tag.pk for tag in release.tag_list]
        freshness.depends_on(release_key(release.pk), *(tag_key(pk) for pk in tag_ids))
        published = release.publish_at is not None
        return {
            "tag_list": release.tag_list,
            "corrections": corrections_html(release),
            "related": [link(other) for other in live.related_to(release, tag_ids)],
            "previous_release": link(live.before(release)) if published else None,
            "next_release": link(live.after(release)) if published else None,
            "editions": live_editions(release),
            "elsewhere": elsewhere.links(release),
        }

    parts = (
        cached_for_content(f"release-page:{release.pk}", compute, keep_decoded=False)
        if cached
        else compute()
    )
    release.tag_list = parts["tag_list"]
    return {name: value for name, value in parts.items() if name != "tag_list"}


class EditionLink(NamedTuple):
    """A member of a release's family, as the language switcher and hreflang show it."""

    language: str
    name: str
    url: str
    current: bool
    original: bool


def live_editions(release):
    """The family's live members, this release among them, original first; empty when no
    other member is live. An edition still embargoed, or withdrawn, is not named: readers of
    this page must not learn of it before its minute. The page depends on every member, so a
    member's going or moving reaches it."""
    members = list(
        release.family().only(
            "slug", "publish_at", "created", "language", "original_id", "status", "expire_at"
        )  # fmt: skip
    )
    freshness.depends_on(*(release_key(member.pk) for member in members))
    now = timezone.now()
    shown = [m for m in members if m.pk == release.pk or m.is_live_at(now)]
    if len(shown) < 2:
        return []
    return [
        EditionLink(
            member.language,
            language_name(member.language),
            member.get_absolute_url(),
            member.pk == release.pk,
            member.original_id is None,
        )
        for member in shown
    ]


def sitemap_fragment(name, compute):
    """Sitemaps list every live release: they depend on any live edit, not on each release."""
    return cached_for_content(name, compute, [LIVE, LIVE_EDITS])
