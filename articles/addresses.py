"""Public addresses: the site's own (site_url), the shapes of its pages, reversed once per
worker, then filled in, and the one spelling of an old address that redirects store and match
(split_address, address_queries).

A list page links dozens of releases and tags, and every page repeats the same header, footer
and archive links: reverse() resolves the pattern again for each one (candidates.json in
bench/results/ times both ways).
The URLconf stays the one source of the shapes, and cannot change while a worker runs.
"""

from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, override

_SLUG = "slug-placeholder-0"
# Where the development server answers: links in mail sent without SITE_URL (a demo) point here.
DEVELOPMENT_URL = "http://127.0.0.1:8000"


def site_url(path="/", request=None):
    """The absolute address of `path` on this site, for pages, feeds, sitemaps and mail.

    SITE_URL when it is set (behind a proxy, the public name); else the host the request came
    to; else, with no request (mail, commands), the development server."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return DEVELOPMENT_URL + path


def url(name, *args, language=None):
    """reverse(name, args=args), remembered per worker (the template `url()` helper), in the
    active language's addresses (/es/noticias/… in Spanish) or in `language`'s."""
    return _reverse(get_script_prefix(), language or get_language(), name, args)


@lru_cache(maxsize=4096)
def _reverse(script_prefix, language, name, args):
    with override(language):
        return reverse(name, args=args)


def release_url(day, slug, language=None):
    pattern = url("articles:detail", 1234, 56, 78, _SLUG, language=language)
    return (
        pattern.replace("/1234/", f"/{day.year:04d}/", 1)
        .replace("/56/", f"/{day.month:02d}/", 1)
        .replace("/78/", f"/{day.day:02d}/", 1)
        .replace(_SLUG, slug, 1)
    )


def tag_url(slug, language=None):
    return url("articles:tag", _SLUG, language=language).replace(_SLUG, slug, 1)


# Longest old path, and longest query, a redirect keeps (the columns' length).
MAX_ADDRESS_PART = 500
# A request's parameters tried one by one (see address_queries), at most.
MAX_QUERY_PARAMETERS = 20


def normal_query(query):
    """A query string with its parameters sorted and their names lower-cased, so an old link
    matches whatever order or case it was written in (values are kept as they are)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(sorted((name.lower(), value) for name, value in pairs))


def split_address(raw):
    """(path, query) of an old address, as redirects store and match it, or ValueError saying
    why it is not one. An absolute URL (the old site's) loses its scheme and host; the path is
    decoded and lower-cased (the old site's server ignored case, and links to it vary); the query
    is normal_query's."""
    raw = (raw or "").strip()
    if not raw:
        raise ValueError("is empty")
    if any(ord(character) < 32 or ord(character) == 127 for character in raw):
        raise ValueError("holds a control character")
    parts = urlsplit(raw)
    if parts.scheme and (parts.scheme not in {"http", "https"} or not parts.netloc):
        raise ValueError("is not a web address (it should start with / or http)")
    path = unquote(parts.path)
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError("is not a path on a web site (it should start with /)")
    query = normal_query(parts.query)
    if len(path) > MAX_ADDRESS_PART or len(query) > MAX_ADDRESS_PART:
        raise ValueError(f"is longer than {MAX_ADDRESS_PART} characters")
    return path.lower(), query


def joined(path, query):
    return f"{path}?{query}" if query else path


def address_queries(query):
    """The stored queries a request with `query` (normal_query's) may match, most specific
    first: the whole query, each of its parameters alone, then none. A legacy link copied with a
    tracking parameter added still finds `?id=64105`."""
    pairs = parse_qsl(query, keep_blank_values=True)[:MAX_QUERY_PARAMETERS]
    single = [urlencode([pair]) for pair in pairs] if len(pairs) > 1 else []
    found = [query, *single, ""] if query else [""]
    return list(dict.fromkeys(found))
