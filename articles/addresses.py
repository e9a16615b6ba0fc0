"""Public addresses of releases and tags, reversed once and then filled in.

A list page links dozens of releases and tags; resolving each through reverse() cost more than
rendering the rest of the card. The URLconf stays the one source of the shapes.
"""

from functools import cache

from django.urls import get_script_prefix, reverse

_SLUG = "slug-placeholder-0"


@cache
def _detail_pattern(script_prefix):
    return reverse("articles:detail", kwargs={"year": 1234, "month": 56, "day": 78, "slug": _SLUG})


@cache
def _tag_pattern(script_prefix):
    return reverse("articles:tag", args=[_SLUG])


def release_url(day, slug):
    pattern = _detail_pattern(get_script_prefix())
    return (
        pattern.replace("/1234/", f"/{day.year:04d}/", 1)
        .replace("/56/", f"/{day.month:02d}/", 1)
        .replace("/78/", f"/{day.day:02d}/", 1)
        .replace(_SLUG, slug, 1)
    )


def tag_url(slug):
    return _tag_pattern(get_script_prefix()).replace(_SLUG, slug, 1)
