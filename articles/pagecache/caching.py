"""Caching for public pages: whole pages for anonymous readers, and the fragments they share
(articles/public/fragments.py says which). Nothing cached outlives a change or an embargo minute,
on any server.

- Every entry carries the surrogate keys of what it shows and the number of the last public
  change its server knew of; articles/pagecache/freshness.py decides from the database's change
  log and the clock's minutes whether it is still current, so the cache backends never decide
  anything and a cache that fails only makes pages slower.
- Only views that declare `page_cache_params` are cached, under a key made of the path and
  those query parameters alone: junk parameters share one entry. An address no view answers
  may be an old one a redirect keeps (articles/public/moved.py): it is cached too, under its
  whole query (sorted), since a legacy redirect may match on any parameter.
- Pages (200) and permanent redirects (301) are stored, each with the keys of what it shows or
  leads to; a 404 never is, so a redirect made later is never hidden behind a cached 404.
  Cookies decide nothing (the public pages are the same for everyone); a response that varies
  on them, sets one or is private is never stored.
- After a change each page is rendered once per process (and once per site when the page cache
  is shared, as with Redis) while other requests for it wait; none is answered from a stale
  entry meanwhile.

"pages" holds pages and fragments; it may be local to each process (memory) or shared (Redis).
In front of a shared one, each process keeps its most recently served pages decoded, bounded in
bytes: a hit then costs no round trip, and is checked for currency exactly as a shared one is.
"""

import datetime
import gzip
import logging
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode

from articles.addresses import MAX_ADDRESS_PART, normal_query
from articles.pagecache import freshness
from articles.pagecache.keys import SITE, cdn_key

logger = logging.getLogger(__name__)

# The reading of the change log a request works under, made once when it starts, so every
# fragment on one page agrees and the change log is asked at most once per request.
_request_reading = ContextVar("pressoffice_change_reading", default=None)
# This process's own decoded copies of fragments: unpickling model instances from the cache on
# every request would spend again much of what caching them saves (bench/results/ has the
# pages' times).
_decoded = {}


def forget():
    """Start again from the database, with no decoded copies (tests; a restored database)."""
    global _outage
    freshness.forget()
    _decoded.clear()
    _local_pages.clear()
    _outage = _Outage()


class _Outage:
    """One log line when the page cache starts failing, one when it has answered every call
    for a while (a cache that reads but cannot write is still failing)."""

    # Not pressoffice/cache.py's Breaker, on purpose. The Breaker stands in front of one Redis
    # and skips the network while open, because each call to a sick Redis costs a timeout; it
    # catches Redis's errors only, and /healthz/ and /readyz/ ask it. This stands in front of
    # whatever "pages" is (memory, a file cache, a Redis already behind its Breaker), catches
    # anything, and never skips a call: a local backend fails without a wait, so skipping would
    # only keep pages uncached after it recovers. It waits QUIET_SECONDS before saying "available
    # again" because a full disk fails every write and no read, on every request.

    QUIET_SECONDS = 30
    failing = False
    last_failure = float("-inf")

    def failed(self):
        self.last_failure = time.monotonic()
        if not self.failing:
            self.failing = True
            logger.warning("page cache unavailable; pages are rendered uncached", exc_info=True)

    def answered(self):
        if self.failing and time.monotonic() - self.last_failure > self.QUIET_SECONDS:
            self.failing = False
            logger.warning("page cache available again")


_outage = _Outage()


def _safe(call, default=None):
    try:
        result = call()
    except Exception:  # any cache failure degrades to "not cached"; the page still renders
        _outage.failed()
        return default
    _outage.answered()
    return result


def _pages():
    return caches["pages"]


def change_seq():
    """The change number the current request works under (read now, outside a request)."""
    reading = _request_reading.get()
    return freshness.refresh() if reading is None else reading.seq


class Entry(NamedTuple):
    """A cached value with what decides whether it is still current."""

    seq: int
    keys: frozenset
    made_at: datetime.datetime
    value: object

    def is_current(self, now):
        return freshness.is_current(self.seq, self.keys, self.made_at, now)


def cached_for_content(name, compute, keys=(), keep_decoded=True):
    """A value computed from live content, reused until a change to `keys` (and any key noted
    while computing it) or the clock makes it stale.

    `keep_decoded=False` for values named per release: only the size-limited cache holds
    those, so a process's memory does not grow with the number of releases read.
    """
    if not settings.FRAGMENT_CACHE_ENABLED:
        return compute()
    seq, now = change_seq(), timezone.now()
    entry = _decoded.get(name)
    if entry is None or not entry.is_current(now):
        entry = _safe(lambda: _pages().get(f"pressoffice:fragment:{name}"))
        if entry is None or not entry.is_current(now):
            with freshness.collecting() as found:
                value = compute()
            entry = Entry(seq, frozenset(found.union(keys)), now, value)
            _safe(lambda: _pages().set(f"pressoffice:fragment:{name}", entry, timeout=_ttl(now)))
        if keep_decoded:
            # Keyed by name alone, so a newer copy replaces the old instead of piling up.
            _decoded[name] = entry
    freshness.depends_on(*entry.keys)
    return entry.value


def _seconds_until(moment):
    return max(0, int((moment - timezone.now()).total_seconds()))


def _ttl(now):
    return max(1, _seconds_until(freshness.valid_until(now)))


# Whole pages ---------------------------------------------------------------------------------


def page_cache_params(view, *params):
    """Mark a function view (or feed) as a public page cached under these query parameters."""
    view.page_cache_params = params
    return view


class _Flights:
    """One render per page at a time in this process: the others wait, then read the cache."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = {}  # key -> [lock, number of requests holding or waiting for it]

    @contextmanager
    def one_at_a_time(self, key):
        with self.lock:
            flight = self.pending.setdefault(key, [threading.Lock(), 0])
            flight[1] += 1
        try:
            with flight[0]:
                yield
        finally:
            with self.lock:
                flight[1] -= 1
                if not flight[1]:
                    del self.pending[key]


_flights = _Flights()


class _LocalPages:
    """This process's most recently served pages, least recently used first, in at most
    `max_bytes`; used in front of a shared page cache only (a local one is already here)."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.entries = OrderedDict()  # key -> (Entry, size in bytes)
        self.size = 0

    def get(self, key):
        with self.lock:
            held = self.entries.get(key)
            if held is None:
                return None
            self.entries.move_to_end(key)
            return held[0]

    def put(self, key, entry):
        size = len(entry.value["body"]) + len(entry.value["gzip"] or b"") + 512
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            if size > self.max_bytes:
                return
            self.entries[key] = (entry, size)
            self.size += size
            while self.size > self.max_bytes:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= dropped

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


_local_pages = _LocalPages(settings.PAGE_CACHE_LOCAL_MB * 1024 * 1024)


def _local_copies():
    """The local copies, when the page cache is shared (not one in this process's memory)."""
    pages = _safe(_pages)
    return None if pages is None or isinstance(pages, LocMemCache) else _local_pages


# Stored answers: pages, and the permanent redirects of old addresses and corrected dates.
CACHED_STATUSES = {200, 301}
# The parameters of an address no view answers: all of them (see the module docstring).
WHOLE_QUERY = ("*",)
# How long a request waits for another server's render of the same page before rendering it.
SHARED_RENDER_WAIT = 3.0


class PublicPageCacheMiddleware:
    """Serve and store whole public pages (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = self._public_page_params(request)
        if params is None:
            return self.get_response(request)
        token = _request_reading.set(freshness.read())
        try:
            if not settings.PAGE_CACHE_ENABLED or request.method not in {"GET", "HEAD"}:
                return self.get_response(request)
            with freshness.collecting() as keys:
                return self._respond(request, self._key(request, params), keys)
        finally:
            _request_reading.reset(token)

    def _public_page_params(self, request):
        """The query parameters a public page reads, WHOLE_QUERY for an address no view
        answers, or None when it is not a public page."""
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            short = len(request.META.get("QUERY_STRING", "")) <= MAX_ADDRESS_PART
            return WHOLE_QUERY if short else None
        params = getattr(view, "page_cache_params", None)
        if params is None:
            params = getattr(getattr(view, "view_class", None), "page_cache_params", None)
        return params

    def _key(self, request, params):
        if params is WHOLE_QUERY:
            query = normal_query(request.META.get("QUERY_STRING", ""))
        else:  # the last value of each parameter, as QueryDict.get (and so every view) reads it
            query = urlencode([(name, request.GET[name]) for name in params if name in request.GET])
        return f"pressoffice:page:{request.method}:{request.get_host()}:{request.path}?{query}"

    def _respond(self, request, key, keys):
        now = timezone.now()
        hit = self._current(key, now)
        if hit is None:
            with _flights.one_at_a_time(key), self._shared_flight(key):
                hit = self._current(key, now)  # rendered while this request waited
                if hit is None:
                    return self._render(request, key, keys, now)
        response = HttpResponse(hit.value["body"], status=hit.value["status"])
        for name, value in hit.value["headers"]:
            response[name] = value
        response = self._encoded(request, response, hit.value["gzip"])
        self._public_headers(response, hit.keys, now)
        response["X-Page-Cache"] = "hit"
        return response

    def _current(self, key, now):
        local = _local_copies()
        entry = local.get(key) if local else None
        if entry is not None and entry.is_current(now):
            return entry
        entry = _safe(lambda: _pages().get(key))
        if entry is None or not entry.is_current(now):
            return None
        if local:
            local.put(key, entry)
        return entry

    @contextmanager
    def _shared_flight(self, key):
        """With a page cache shared by processes, one renders while the others poll until it
        is done; after SHARED_RENDER_WAIT they render too (a slow render must not hold all)."""
        pages = _safe(_pages)
        if pages is None or isinstance(pages, LocMemCache):
            yield
            return
        lock = f"{key}:rendering"
        if _safe(lambda: pages.add(lock, 1, timeout=int(SHARED_RENDER_WAIT) + 1), True):
            try:
                yield
            finally:
                _safe(lambda: pages.delete(lock))
            return
        deadline = time.monotonic() + SHARED_RENDER_WAIT
        while time.monotonic() < deadline and _safe(lambda: pages.has_key(lock), False):
            time.sleep(0.02)
        yield

    def _render(self, request, key, keys, now):
        response = self.get_response(request)
        if not self._cacheable_response(response):
            return response
        if hasattr(response, "render") and callable(response.render):
            response.render()
        # Compressed once here, then served to every reader that accepts gzip.
        compressed = gzip.compress(response.content, 6) if len(response.content) > 1024 else None
        # Stored as plain parts: cheaper to load than a pickled response, and never shared.
        stored = {
            "status": response.status_code,
            "headers": list(response.items()),
            "body": response.content,
            "gzip": compressed,
        }
        entry = Entry(_request_reading.get().seq, frozenset(keys), now, stored)
        _safe(lambda: _pages().set(key, entry, timeout=_ttl(now)))
        if local := _local_copies():
            local.put(key, entry)
        response = self._encoded(request, response, compressed)
        self._public_headers(response, entry.keys, now)
        response["X-Page-Cache"] = "miss"
        return response

    def _encoded(self, request, response, compressed):
        patch_vary_headers(response, ["Accept-Encoding"])
        if compressed is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
            response.content = compressed
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(compressed))
        return response

    def _cacheable_response(self, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code in CACHED_STATUSES
            and not response.has_header("Content-Encoding")
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "private" not in cache_control
            and "no-store" not in cache_control
            and "Cookie" not in response.get("Vary", "")
        )

    def _public_headers(self, response, keys, now):
        """Shared caches (a CDN, a proxy) may keep the page briefly, never past the next minute,
        and may purge it by the same keys (README, "Speed, caching and the benchmark"). The
        proxy in front of this server may keep it as long as this process would."""
        until = freshness.valid_until(now)
        seconds = min(settings.PUBLIC_MAX_AGE, _seconds_until(until))
        patch_cache_control(response, public=True, max_age=seconds)
        response["Surrogate-Key"] = " ".join(sorted(map(cdn_key, {SITE, *keys})))
        if response.status_code == 200:
            last_second = freshness.proxy_last_second(_request_reading.get(), until.timestamp())
            if last_second is not None:
                response["X-Accel-Expires"] = f"@{last_second}"
