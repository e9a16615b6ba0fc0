"""Sitemaps for search engines: releases, tag pages, month archives, and Google News."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from articles.addresses import site_url, url
from articles.models import Release
from articles.pagecache.freshness import depends_on
from articles.pagecache.keys import LIVE, LIVE_EDITS
from articles.public.fragments import cached_live_tags, live_archive_years, sitemap_fragment
from articles.public.languages import list_alternates
from articles.text import xml_safe

NEWS_SITEMAP_DAYS = 2  # Google News only wants the last two days
NEWS_SITEMAP_LIMIT = 1000


class SiteSitemap(Sitemap):
    """Addresses on the site's address, as site_url() gives it. Django builds them from a
    protocol and a domain, which it takes from the request unless SITE_URL names the site."""

    def get_protocol(self, protocol=None):
        return urlsplit(site_url()).scheme if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        return urlsplit(site_url()).netloc if settings.SITE_URL else super().get_domain(site)


class ReleaseSitemap(SiteSitemap):
    def items(self):
        depends_on(LIVE, LIVE_EDITS)  # too many releases to name each one
        return (
            Release.objects.live()
            .only("slug", "publish_at", "updated", "language", "original_id")
            .newest_first()
        )

    @property
    def paginator(self):
        # The sitemap index asks for the number of pages on every request: count once per
        # content version, not once per request.
        paginator = super().paginator
        paginator.count = sitemap_fragment("count:sitemap-releases", self.items().count)
        return paginator

    def lastmod(self, release):
        return release.last_modified

    def get_urls(self, page=1, site=None, protocol=None):
        """Each release of a family names every live member, itself too (xhtml:link), and
        its original as x-default, as the release's page does in its head."""
        urls = super().get_urls(page, site, protocol)
        families = sitemap_fragment("sitemap-families", live_families)
        for info in urls:
            release = info["item"]
            members = families.get(release.family_id)
            if members:
                base = info["location"].removesuffix(release.get_absolute_url())
                info["alternates"] = [
                    {"lang_code": code, "location": base + path} for code, path in members
                ]
        return urls

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default loop over every item, kept until content
        # changes: it reads every live row.
        def latest():
            live = Release.objects.live()
            return live.aggregate(latest=Max(Greatest("publish_at", "updated")))["latest"]

        return sitemap_fragment("sitemap-lastmod", latest)


_MEMBER_FIELDS = ("slug", "publish_at", "created", "language", "original_id")


def live_families():
    """{original's id: [(language, address), …, ("x-default", original's address)]} for every
    family whose original and at least one edition are live: one query."""
    live = Release.objects.live()
    families = live.of_families(live.filter(original__isnull=False).values("original_id"))
    found = {}
    for root, family in families.only(*_MEMBER_FIELDS).by_family().items():
        if len(family) < 2 or family[0].pk != root:
            continue
        pairs = [(member.language, member.get_absolute_url()) for member in family]
        found[root] = [*pairs, ("x-default", pairs[0][1])]
    return found


class TagSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return cached_live_tags()

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


class ArchiveSitemap(SiteSitemap):
    def items(self):
        return [month for year in live_archive_years() for month, _ in year.months]

    def location(self, month):
        return reverse("articles:archive_month", args=[month.year, month.month])


class HomeSitemap(SiteSitemap):
    """Each language's list of releases, each naming the others."""

    changefreq = "hourly"

    def items(self):
        return [code for code, _ in settings.LANGUAGES]

    def location(self, language):
        return url("articles:list", language=language)

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        base = urls[0]["location"].removesuffix(self.location(urls[0]["item"]))
        alternates = [
            {"lang_code": code, "location": base + path} for code, path in list_alternates()
        ]
        for info in urls:
            info["alternates"] = alternates
        return urls


SITEMAPS = {
    "home": HomeSitemap,
    "releases": ReleaseSitemap,
    "tags": TagSitemap,
    "archives": ArchiveSitemap,
}


def news_sitemap(request):
    """Google News sitemap: live releases of the last two days."""
    since = timezone.now() - datetime.timedelta(days=NEWS_SITEMAP_DAYS)
    releases = (
        Release.objects.live()
        .filter(publish_at__gte=since)
        .only("title", "slug", "publish_at", "language")
        .newest_first()[:NEWS_SITEMAP_LIMIT]
    )
    releases = list(releases)
    depends_on(LIVE, LIVE_EDITS)
    for release in releases:
        release.title = xml_safe(release.title)  # a row written around save() stays readable
    base = site_url("/", request).removesuffix("/")
    return render(
        request,
        "sitemap_news.xml",
        {"releases": releases, "base": base, "publication": settings.SITE_NAME},
        content_type="application/xml",
    )
