"""The Jinja2 environment the public pages render with (templates in templates/public/).

Public pages use Jinja2 rather than Django templates for speed alone: the profile of an uncached
list page showed Django's template engine spending over half the request resolving variables.
The admin keeps Django templates. Every helper a public template may call is defined here.
"""

import datetime
from functools import lru_cache
from itertools import groupby
from urllib.parse import quote, urlencode

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from jinja2 import Environment

from articles import rendering
from articles.addresses import tag_url
from articles.images import LEAD_SIZES, THUMB_SIZES, photo_html
from articles.search import snippet
from articles.text import dateline_place


def environment(**options):
    env = Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        absolute_url=rendering.absolute_url,
        release_image_url=release_image_url,
        photo=photo,
        release_body=rendering.body_html,
        corrections_html=rendering.corrections_html,
        release_json_ld=release_json_ld,
        share_links=share_links,
        search_snippet=search_snippet,
        LEAD_SIZES=LEAD_SIZES,
        THUMB_SIZES=THUMB_SIZES,
    )
    env.filters.update(
        date=date,
        pluralize=defaultfilters.pluralize,
        tag_url=tag_url,
        dateline_place=dateline_place,
        group_by_date=group_by_date,
    )
    return env


def url(name, *args):
    """{% url %}: the header, footer and archive links are the same on every page, so each
    address is reversed once per worker (the URLconf cannot change while it runs)."""
    return _reverse(get_script_prefix(), name, args)


@lru_cache(maxsize=4096)
def _reverse(script_prefix, name, args):
    return reverse(name, args=args)


def date(value, format_string):
    """Django's `date` filter: aware times are shown in the office's zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if format_string == "c":  # what Django's "c" gives, without building a formatter
        return value.isoformat()
    return dateformat.format(value, format_string)


def group_by_date(releases, format_string):
    """Releases (newest first) under headings such as "May 2026": (heading, releases) pairs."""
    return [
        (heading, list(items))
        for heading, items in groupby(releases, key=lambda r: date(r.publish_at, format_string))
    ]


def release_image_url(request, release):
    """The picture link previews show: the lead photo, else the site's default image."""
    path = release.share_image() or static("img/og-default.png")
    return rendering.absolute_url(request, path)


def photo(image, sizes=LEAD_SIZES, lazy=True):
    """A library photo as a responsive <picture>; its size is reserved so the page never jumps."""
    return photo_html(image, sizes, lazy=lazy)


def release_json_ld(request, release, image_url):
    return rendering.json_ld(rendering.news_article(request, release, image_url))


def share_links(request, release):
    """Plain share URLs: no third-party script runs on our pages."""
    address = rendering.absolute_url(request, release.get_absolute_url())
    mail = {"subject": release.title, "body": address}
    return [
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": address})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": address, "text": release.title})),
        # mailto: wants %20 for spaces, not "+" (RFC 6068).
        ("E-mail", "mailto:?" + urlencode(mail, quote_via=quote)),
    ]  # fmt: skip


def search_snippet(release, query):
    """The search excerpt: escaped text in which only our own <mark> tags are HTML."""
    return mark_safe(snippet(release, query))
