"""Whether a cached page or fragment is still current, decided the same way on every server.

Two things can make an entry stale:
- a change to something it shows. Each entry is stored with the surrogate keys it depends on
  (articles/pagecache/keys.py names them) and the number of the last public change this
  server knew of when it began rendering. The change log in the database
  (articles/models/changes.py) is the authority: it commits with the change, so it is the same
  for every host whatever its caches are, and whether or not a cache write ever succeeds.
- the clock: a publish or expiry minute passing between the entry's making and now. The
  minutes come from the releases themselves, re-read after any change, so moving a scheduled
  release's minute moves the bound of every entry without emptying any.

Each process reads the log once per window of PAGE_CACHE_RECHECK_SECONDS (one query for the
counter, one more only when it moved), so a change reaches every server within that time; the
process that made the change learns it on commit. The windows are the wall clock's (whole seconds
by default), not counted from each process's last read: a page made in a window reflects every
change committed before the window began, so it may be kept, by this process or by the proxy in
front of it, until the window ends (`Reading.fresh_until`), and no longer. trim_change_log deletes
the rows no entry can still need (`manage.py trim_change_log`, hourly).
"""

import bisect
import math
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from articles import visibility
from articles.models import PublicChange, Release
from articles.pagecache.keys import SITE

# No entry lives longer than this; it is also how far back the clock's minutes are kept.
LONGEST = timedelta(days=1)
# How much of the change log trim_change_log keeps: LONGEST for the entries, as much again for a
# CDN's purger (`manage.py cdn_keys --since`) to catch up after it stopped.
CHANGES_KEPT = 2 * LONGEST


class Reading(NamedTuple):
    """What a process knew of the change log after one read: the last change number, the
    window the read was made in (None when every request reads), and the wall-clock time
    (as time.time()) the window ends, when a page made from this reading stops being current
    enough to serve: the next read is due then."""

    seq: int
    window: int | None
    fresh_until: float


class _Known:
    """What this process has read of the change log, and the clock's minutes around now."""

    def __init__(self):
        self.reading = Reading(0, None, float("-inf"))  # replaced whole, never edited
        self.changed = {}  # key -> number of the last change to it (the last LONGEST only)
        self.moments = []  # publish and expiry minutes within LONGEST of `around`, sorted
        self.around = None
        self.lock = threading.Lock()


_known = _Known()


def forget():
    """Start again from the database (tests, and a restored database)."""
    global _known
    _known = _Known()


def recheck_soon():
    """This process just committed a change: read the log before answering the next request."""
    _known.reading = _known.reading._replace(window=None)


def _window(wall):
    """The wall clock's window of PAGE_CACHE_RECHECK_SECONDS `wall` falls in, and when it ends;
    (None, wall) when every request reads the log."""
    interval = settings.PAGE_CACHE_RECHECK_SECONDS
    if interval <= 0:
        return None, wall
    window = math.floor(wall / interval)
    return window, (window + 1) * interval


def read(now=None):
    """Bring this process up to date with the log, unless it read it already in this window.
    Returns the Reading a request works under."""
    known = _known
    window, ends = _window(time.time())
    reading = known.reading
    if window is not None and reading.window == window:
        return reading
    with known.lock:
        reading = known.reading
        if window is not None and reading.window == window:
            return reading
        now = now or timezone.now()
        try:
            latest = PublicChange.objects.latest_seq()
        except DatabaseError:
            # Nothing can change while the database is down: keep what is known, and let the
            # pages already cached answer (the outage middleware answers the rest).
            known.reading = Reading(reading.seq, window, ends)
            return known.reading
        seq = reading.seq
        if latest < seq:  # the counter went back: a restored or emptied database
            seq, known.changed = 0, {}
        if latest != seq:
            rows = PublicChange.objects.since(seq)
            if seq == 0:  # older rows cannot concern any entry still kept
                rows = rows.filter(at__gte=now - LONGEST)
            for number, key in rows:
                known.changed[key] = number
            seq = max(latest, seq)
            _prune(known, now, seq)
            known.around = None  # any change may have moved a minute
        if known.around is None or abs(now - known.around) > LONGEST / 24:
            known.moments = visibility.clock_moments(
                Release.objects.all(), now - LONGEST, now + LONGEST
            )
            known.around = now
        known.reading = Reading(seq, window, ends)
        return known.reading


def refresh(now=None):
    """read(), for callers that need only the number of the last change known."""
    return read(now).seq


def proxy_last_second(reading, valid_until):
    """The last whole second (Unix time) the micro-cache in front of this server may serve a
    page made under `reading`, or None when it may not keep it at all.

    nginx keeps an entry while its clock's whole second is at most the one given after
    `X-Accel-Expires: @` (it counts in whole seconds), so the entry is gone when that second
    ends. It must be gone by the time this process reads the change log again (the reading's
    window ends) and by the next publish or expiry minute, whichever comes first: then a reader
    behind the proxy sees a change as soon as a reader of this process would, and the freshness
    bound stays one window. A page whose window already ended (a slow render) is not kept. The
    redirects of old addresses are never kept, so each hit reaches the count the redirects'
    admin shows (articles/public/moved.py)."""
    if reading is None or reading.window is None:
        return None
    last = math.floor(min(reading.fresh_until, valid_until)) - 1
    return last if last >= math.floor(time.time()) else None


def _prune(known, now, seq):
    if len(known.changed) > 10_000:
        # A key changed before the oldest entry kept needs no number: treat it as unchanged.
        oldest = PublicChange.objects.filter(at__gte=now - LONGEST).order_by("seq").first()
        floor = oldest.seq if oldest else seq
        known.changed = {key: seq for key, seq in known.changed.items() if seq >= floor}


def trim_change_log(now=None):
    """Delete the change log's rows older than CHANGES_KEPT: no entry still served can need
    them (a key unseen is as good as unchanged). Returns how many rows went."""
    return PublicChange.objects.forget_before((now or timezone.now()) - CHANGES_KEPT)


def is_current(seq, keys, made_at, now):
    """Whether an entry made at `made_at`, under change number `seq`, that depends on `keys`,
    may still be served at `now`."""
    known = _known
    changed = known.changed
    if changed.get(SITE, 0) > seq:
        return False
    for key in keys:
        if changed.get(key, 0) > seq:
            return False
    if now - made_at >= LONGEST:
        return False
    moments = known.moments
    passed = bisect.bisect_right(moments, made_at)
    return passed == len(moments) or moments[passed] > now


def valid_until(now):
    """The next minute at which the clock changes what is public, or LONGEST from now."""
    moments = _known.moments
    upcoming = bisect.bisect_right(moments, now)
    return moments[upcoming] if upcoming < len(moments) else now + LONGEST


# What the page being rendered depends on -------------------------------------------------------

_collected = ContextVar("pressoffice_page_keys", default=None)


def depends_on(*keys):
    """Note that what is being rendered shows these keys' content (no-op outside a render)."""
    found = _collected.get()
    if found is not None:
        found.update(keys)


@contextmanager
def collecting():
    """Collect the keys noted inside the block; they also count for any outer block."""
    outer = _collected.get()
    found = set()
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)
        if outer is not None:
            outer.update(found)
