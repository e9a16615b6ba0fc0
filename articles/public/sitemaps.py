"""Sitemaps for search engines: releases, tag pages, month archives, and Google News."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from articles.addresses import site_url, url
from articles.models import Release
from articles.pagecache.freshness import depends_on
from articles.pagecache.keys import LIVE, LIVE_EDITS
from articles.public.fragments import cached_live_tags, live_archive_years, sitemap_fragment
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
            members = families.get(release.original_id or release.pk)
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


def live_families():
    """{original's id: [(language, address), …, ("x-default", original's address)]} for every
    family with two live members or more: one query over live editions and their originals."""
    live = Release.objects.live()
    roots = live.filter(original__isnull=False).values("original_id")
    members = live.filter(Q(original__isnull=False) | Q(pk__in=roots)).only(
        "slug", "publish_at", "created", "language", "original_id"
    )
    families = {}
    for member in members:
        families.setdefault(member.original_id or member.pk, []).append(member)
    found = {}
    for root, family in families.items():
        originals = [member for member in family if member.pk == root]
        if len(family) < 2 or not originals:
            continue
        pairs = [(m.language, m.get_absolute_url()) for m in sorted(family, key=_by_language)]
        found[root] = [*pairs, ("x-default", originals[0].get_absolute_url())]
    return found


def _by_language(release):
    return (release.original_id is not None, release.language)


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
        base = urls[0]["location"].removesuffix(url("articles:list", language=urls[0]["item"]))
        alternates = [
            {"lang_code": code, "location": base + url("articles:list", language=code)}
            for code in self.items()
        ]
        alternates.append({**alternates[0], "lang_code": "x-default"})
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
