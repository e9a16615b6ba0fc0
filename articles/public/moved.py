"""Old addresses answer for ever, and a missing page offers a search.

A request that would be a 404 is first looked up among the redirects (articles/models/redirects.py):
a release's old addresses, legacy addresses from the importer, and those Administrators add.
A redirect to a release answers only while the release is live, and then exactly where its page
is now; otherwise the 404 stands, as for a release that never existed (design rule 1). The 301
goes through the page cache like a page, with the keys of what it leads to, so a cached
redirect costs what a cached page costs and never outlives a change on any server.

Hits are counted in each process and written at most once a minute per redirect
(FLUSH_SECONDS): a popular legacy link costs no write per request.
"""

import logging
import re
import threading
import time
from urllib.parse import unquote

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponseNotFound, HttpResponsePermanentRedirect
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control

from articles.addresses import MAX_ADDRESS_PART, address_queries, normal_query
from articles.models import Redirect
from articles.pagecache.freshness import depends_on
from articles.pagecache.keys import address_key, release_key
from articles.token_paths import holds_token

logger = logging.getLogger(__name__)

# Carries a redirect's id from where it is found (or from the page cache) to the hit counter,
# which removes it: it never leaves the site.
HIT_HEADER = "X-Pressoffice-Redirect"
FLUSH_SECONDS = 60
# A redirect's 301 may be kept by browsers and proxies this long, as a page is: never for good,
# so a redirect changed or taken back is followed within the minute.
REDIRECT_MAX_AGE = 60


def find_redirect(path, query_string="", whole_query=True):
    """(address, redirect id) that the old address `path` (with `query_string`, when
    `whole_query`) leads to now, or None. Notes the keys its answer depends on."""
    path = path.lower()
    query = normal_query(query_string) if whole_query else ""
    if len(path) > MAX_ADDRESS_PART or len(query) > MAX_ADDRESS_PART:
        return None
    queries = address_queries(query)
    depends_on(*(address_key(path, each) for each in queries))
    found = list(Redirect.objects.answering(path, queries))
    if not found:
        return None
    best = min(found, key=lambda redirect: queries.index(redirect.old_query))
    if best.release_id:
        depends_on(release_key(best.release_id))
    return best.target_url(), best.pk


def moved_response(found):
    address, pk = found
    response = HttpResponsePermanentRedirect(address)
    response[HIT_HEADER] = str(pk)
    patch_cache_control(response, max_age=REDIRECT_MAX_AGE)
    return response


class MovedAddressMiddleware:
    """Answers an old address with the 301 of its redirect, where a page would be a 404.
    Inside the page cache (which stores the 301), so a repeat costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        if not _routed(request.path_info):
            # No view answers here (a legacy address): ask first, without rendering a 404 page.
            # The address matches with its query, as the page cache keys it.
            found = _find(request, whole_query=True)
            return self.get_response(request) if found is None else moved_response(found)
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        found = _find(request, whole_query=False)  # a page's address: its path alone
        return response if found is None else moved_response(found)


def _routed(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _find(request, whole_query):
    try:
        return find_redirect(request.path, request.META.get("QUERY_STRING", ""), whole_query)
    except DatabaseError:
        return None  # no redirect, as no page: the outage middleware answers for the database


class _Hits:
    """Each redirect's hits in this process, written once a minute per redirect."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = {}  # pk -> [hits not yet written, time of the last]
        self.written = {}  # pk -> time.monotonic() of the last write

    def count(self, pk):
        now = timezone.now()
        with self.lock:
            held = self.pending.setdefault(pk, [0, now])
            held[0] += 1
            held[1] = now
            due = time.monotonic() - self.written.get(pk, float("-inf")) >= FLUSH_SECONDS
            if not due:
                return
            hits, last = self.pending.pop(pk)
            self.written[pk] = time.monotonic()
        try:
            Redirect.objects.count_hits(pk, hits, last)
        except DatabaseError:  # counted again with the next write
            with self.lock:
                self.pending.setdefault(pk, [0, last])[0] += hits

    def forget(self):
        """Start again with nothing counted (tests: another database, the same ids)."""
        with self.lock:
            self.pending.clear()
            self.written.clear()


hits = _Hits()


class RedirectHitsMiddleware:
    """Counts each redirect served, from the page cache or not; outside the page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pk = response.get(HIT_HEADER)
        if pk is not None:
            del response[HIT_HEADER]
            hits.count(int(pk))
        return response


# The 404 page -----------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_SUFFIX = re.compile(r"\.(?:aspx?|html?|php|jsp|cfm|shtml)$", re.IGNORECASE)
MAX_SEARCH_WORDS = 10
# Words of an address that say nothing of what was there: among them each language's code and
# its name for the news folder (the "address" messages of locale/: /es/noticias/).
_NOT_WORDS = {"news", "noticias", "www", "index", "default", "home"} | {
    code for code, _ in settings.LANGUAGES
}


def search_words(path):
    """The words of the last part of a missing address that has any ("/news/2011/05/26/
    harbour-dredging-begins/" gives "harbour dredging begins"), to search for; none of a
    tokenised address (a search's address, /news/search/?q=…, is logged as it is)."""
    if holds_token(path):
        return ""
    for segment in reversed(unquote(path).split("/")):
        words = _WORD.findall(_SUFFIX.sub("", segment))
        words = [w for w in words if not w.isdigit() and w.lower() not in _NOT_WORDS]
        if words:
            return " ".join(words[:MAX_SEARCH_WORDS]).lower()[:200]
    return ""


def not_found(request, exception=None):
    """handler404: the public 404 page, with a search for the missing address's words (the
    public search: it finds live releases only, and lists nothing here)."""
    context = {"search_words": search_words(request.path_info)}
    return HttpResponseNotFound(loader.render_to_string("404.html", context, request))
