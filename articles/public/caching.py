"""Caching for public pages: whole pages for anonymous readers, and the fragments pages share
(site-wide facts, each release's neighbours). Nothing cached outlives an embargo minute.

Correctness comes from three rules:
- every cached entry is keyed by a *content version*, a random token replaced (on commit) by any
  change to a release, tag, office, social link, photo or correction, so the next request after a
  change renders afresh in every worker;
- every entry expires no later than the next scheduled `publish_at`/`expire_at`, checked to the
  microsecond on the way out, so a scheduled release appears at its minute with no job running;
- only anonymous GET/HEAD requests without a session or messages cookie are served from or stored
  in the cache, and only 200 responses that set no cookie and are not private.
A cache outage means uncached pages, never errors.

Two caches: "default" holds the small shared facts (the version, the next boundary) and must be
shared by all workers (a file cache, or Redis); "pages" holds the pages and fragments and may be
local to each worker (memory), since the shared version decides which entries are current.
"""

import datetime
import gzip
import logging
import secrets
from contextvars import ContextVar
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from articles import visibility
from articles.models import Office, Release, SocialLink
from articles.public.archive import archive_years
from articles.public.cards import live_tags

logger = logging.getLogger(__name__)

VERSION_KEY = "pressoffice:content-version"
BOUNDARY_KEY = "pressoffice:boundary:{version}"


# The content version a request works under: read from the shared cache on first use within a
# request (the middleware gives each request its own slot), so every fragment on one page agrees
# and the shared cache is asked at most once per request, and not at all when nothing needs it.
_request_version = ContextVar("pressoffice_content_version", default=None)
# This worker's own decoded copies of fragments: unpickling model instances from the cache on
# every request cost more than the queries they save. An entry is used only under the version
# and before the moment it was stored with, so it is exactly as fresh as the shared entry.
_decoded = {}


def _safe(call, default=None):
    try:
        return call()
    except Exception:  # any cache failure degrades to "not cached"; the page still renders
        logger.warning("page cache unavailable", exc_info=True)
        return default


def _shared():
    return caches["default"]


def _pages():
    return caches["pages"]


def content_version():
    slot = _request_version.get()
    if slot is None:  # outside a request: a command, a test, the shell
        return _read_content_version()
    if not slot:
        slot.append(_read_content_version())
    return slot[0]


def _read_content_version():
    version = _safe(lambda: _shared().get(VERSION_KEY))
    if version is None:
        version = secrets.token_hex(8)
        _safe(lambda: _shared().add(VERSION_KEY, version, timeout=None))
        version = _safe(lambda: _shared().get(VERSION_KEY)) or version
    return version


def content_changed(**kwargs):
    """Signal receiver: after the change commits, every cached page and fragment is stale."""
    transaction.on_commit(_new_version)


def _new_version():
    _safe(lambda: _shared().set(VERSION_KEY, secrets.token_hex(8), timeout=None))


def valid_until(version):
    """When entries made now under `version` must be gone: the next boundary, or a day at most."""
    now = timezone.now()
    key = BOUNDARY_KEY.format(version=version)
    boundary = _safe(lambda: _shared().get(key), default=None)
    if boundary is None or boundary["at"] <= now:
        upcoming = visibility.next_change(Release.objects.all(), now)
        at = min(upcoming, now + timedelta(days=1)) if upcoming else now + timedelta(days=1)
        boundary = {"at": at}
        _safe(lambda: _shared().set(key, boundary, timeout=_seconds_until(at)))
    return boundary["at"]


def _seconds_until(moment):
    return max(0, int((moment - timezone.now()).total_seconds()))


def cached_for_content(name, compute, keep_decoded=True):
    """A value computed from live content, reused until the content or the clock changes it.

    `keep_decoded=False` for values named per release: only the size-limited cache holds
    those, so a worker's memory does not grow with the number of releases read.
    """
    if not settings.FRAGMENT_CACHE_ENABLED:
        return compute()
    version, now = content_version(), timezone.now()
    mine = _decoded.get(name)
    if mine is not None and mine[0] == version and mine[1] > now:
        return mine[2]
    key = f"pressoffice:fragment:{version}:{name}"
    hit = _safe(lambda: _pages().get(key))
    if hit is not None and hit[0] > now:
        until, value = hit
    else:
        until = valid_until(version)
        value = compute()
        ttl = _seconds_until(until)
        if ttl > 0:
            _safe(lambda: _pages().set(key, (until, value), timeout=ttl))
    if keep_decoded:
        # Keyed by name alone, so a new version replaces the old copy instead of piling up.
        _decoded[name] = (version, until, value)
    return value


# Fragments: what pages show beyond their own content ------------------------------------------


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

        tag_ids = [tag.pk for tag in release.tag_list]
        published = release.publish_at is not None
        return {
            "related": [link(other) for other in live.related_to(release, tag_ids)],
            "previous_release": link(live.before(release)) if published else None,
            "next_release": link(live.after(release)) if published else None,
        }

    if not cached:
        return compute()
    return cached_for_content(f"neighbours:{release.pk}", compute, keep_decoded=False)


# Whole pages ---------------------------------------------------------------------------------


class PublicPageCacheMiddleware:
    """Serve and store whole public pages for anonymous readers (see the module docstring)."""

    BYPASS_PREFIXES = ("/admin/", "/preview/", "/healthz/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.BYPASS_PREFIXES):
            return self.get_response(request)
        token = _request_version.set([])
        try:
            return self._respond(request)
        finally:
            _request_version.reset(token)

    def _respond(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        version = content_version()
        address = f"{request.method}:{request.get_host()}:{request.get_full_path()}"
        key = f"pressoffice:page:{version}:{address}"
        hit = _safe(lambda: _pages().get(key))
        if hit is not None and hit["until"] > timezone.now():
            response = self._encoded(request, hit["response"], hit["gzip"])
            self._public_headers(response, hit["until"])
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if self._cacheable_response(response):
            until = valid_until(version)
            ttl = _seconds_until(until)
            if hasattr(response, "render") and callable(response.render):
                response.render()
            # Compressed once here, then served to every reader that accepts gzip.
            compressed = (
                gzip.compress(response.content, 6) if len(response.content) > 1024 else None
            )
            if ttl > 0:
                entry = {"response": response, "gzip": compressed, "until": until}
                _safe(lambda: _pages().set(key, entry, timeout=ttl))
            response = self._encoded(request, response, compressed)
            self._public_headers(response, until)
            response["X-Page-Cache"] = "miss"
        return response

    def _encoded(self, request, response, compressed):
        patch_vary_headers(response, ["Accept-Encoding"])
        if compressed is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
            response.content = compressed
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(compressed))
        return response

    def _cacheable_request(self, request):
        return (
            settings.PAGE_CACHE_ENABLED
            and request.method in {"GET", "HEAD"}
            and not request.path.startswith(self.BYPASS_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and settings.CSRF_COOKIE_NAME not in request.COOKIES
        )

    def _cacheable_response(self, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.has_header("Content-Encoding")
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "private" not in cache_control
            and "no-store" not in cache_control
            and "Cookie" not in response.get("Vary", "")
        )

    def _public_headers(self, response, until):
        """Shared caches (a CDN, a proxy) may keep the page briefly, never past the boundary."""
        seconds = min(settings.PUBLIC_MAX_AGE, _seconds_until(until))
        patch_cache_control(response, public=True, max_age=seconds)
