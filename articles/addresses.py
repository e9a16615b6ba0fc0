"""Public addresses: the site's own (site_url), and the shapes of its pages, reversed once per
worker, then filled in.

A list page links dozens of releases and tags, and every page repeats the same header, footer
and archive links: reverse() resolves the pattern again for each one (candidates.json in
bench/results/ times both ways).
The URLconf stays the one source of the shapes, and cannot change while a worker runs.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

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


def url(name, *args):
    """reverse(name, args=args), remembered per worker (the template `url()` helper)."""
    return _reverse(get_script_prefix(), name, args)


@lru_cache(maxsize=4096)
def _reverse(script_prefix, name, args):
    return reverse(name, args=args)


def release_url(day, slug):
    pattern = url("articles:detail", 1234, 56, 78, _SLUG)
    return (
        pattern.replace("/1234/", f"/{day.year:04d}/", 1)
        .replace("/56/", f"/{day.month:02d}/", 1)
        .replace("/78/", f"/{day.day:02d}/", 1)
        .replace(_SLUG, slug, 1)
    )


def tag_url(slug):
    return url("articles:tag", _SLUG).replace(_SLUG, slug, 1)
