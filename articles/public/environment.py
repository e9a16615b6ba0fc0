"""The Jinja2 environment the public pages render with (templates in templates/public/).

Public pages use Jinja2 rather than Django templates for speed alone: a list page resolves
template variables for every card, and Jinja2 resolves them for less (bench/results/ has each
page's time in process and the part spent in its template). The admin keeps Django templates.
Every helper a public template may call is registered here.
"""

import datetime
from functools import lru_cache
from itertools import groupby

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static
from django.utils import dateformat, timezone, translation
from django.utils.safestring import mark_safe
from jinja2 import Environment
from markupsafe import Markup

from articles.addresses import site_url, tag_url, url
from articles.models import Release
from articles.photos.markup import LEAD_SIZES, THUMB_SIZES, photo_html
from articles.public import languages, presentation
from articles.public.search import snippet
from articles.states import State
from articles.text import dateline_place


def environment(**options):
    # Fixed words go through Django's catalogues (locale/<code>/LC_MESSAGES/django.po), in the
    # language the address chose: {{ _("Topics") }}, {{ pgettext("date format", "F j, Y") }}.
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_translations(translation, newstyle=True)
    env.globals.update(_=gettext, gettext=gettext, pgettext=pgettext)  # the fast ones, below
    env.globals.update(
        url=url,
        static=static,
        site_url=site_url,
        release_image_url=presentation.release_image_url,
        share_image_alt=presentation.share_image_alt,
        photo=photo,
        release_body=presentation.body_html,
        release_json_ld=presentation.release_json_ld,
        share_links=presentation.share_links,
        search_snippet=search_snippet,
        LEAD_SIZES=LEAD_SIZES,
        THUMB_SIZES=THUMB_SIZES,
        State=State,
        language=translation.get_language,
        kind_name=kind_name,
        site_language=settings.LANGUAGE_CODE,
        other_languages=languages.other_languages,
        list_alternates=languages.list_alternates,
    )
    env.filters.update(
        date=date,
        machine_time=machine_time,
        pluralize=defaultfilters.pluralize,
        tag_url=tag_url,
        dateline_place=dateline_place,
        group_by_date=group_by_date,
    )
    return env


# A page asks for the same few words again and again (each card's kind, its date's format,
# "contains photos"). Through Jinja2's i18n extension each one went through a context call, a
# catalogue lookup along Django's fallbacks and a Markup formatting: list pages took a fifth
# longer than before they had words to translate. The catalogues cannot change while a process
# runs, so each word is made once per language, with the extension's "newstyle" meaning kept:
# the words are template text (Markup), and the variables given are escaped into them.
def gettext(message, **variables):
    return _words(translation.get_language(), None, message, variables)


def pgettext(context, message, **variables):
    return _words(translation.get_language(), context, message, variables)


def _words(language, context, message, variables):
    if variables:
        return _translated(language, context, message) % variables
    return _alone(language, context, message)


@lru_cache(maxsize=4096)
def _translated(language, context, message):
    # `language` is the active one whenever this is called: it only keys the memory.
    if context is None:
        return Markup(translation.gettext(message))
    return Markup(translation.pgettext(context, message))


@lru_cache(maxsize=4096)
def _alone(language, context, message):
    return _translated(language, context, message) % {}


def kind_name(kind):
    """A release kind's name in the page's language ("Comunicado de prensa")."""
    return _kind_name(translation.get_language(), kind)


@lru_cache(maxsize=64)
def _kind_name(language, kind):
    return str(Release.Kind(kind).label)


def date(value, format_string):
    """Django's `date` filter: aware times are shown in the office's zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if format_string == "c":  # what Django's "c" gives, without building a formatter
        return value.isoformat()
    return _formatted(translation.get_language(), str(format_string), value)


# With translation on, Django's formatter looks up each month's and day's name in the catalogue
# every time: a list of twenty cards spent more on its dates than on its queries. A date reads the
# same every time in one language, so each is written once (the same few hundred recent dates
# fill every list page).
@lru_cache(maxsize=8192)
def _formatted(language, format_string, value):
    # `language` is the active one whenever this is called: it only keys the memory.
    return dateformat.format(value, format_string)


def machine_time(value):
    """A time for machines (<time datetime>, Open Graph) in the office's zone, to the second:
    HTML allows at most three digits of a second, and nobody needs them."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def group_by_date(releases, format_string):
    """Releases (newest first) under headings such as "May 2026": (heading, releases) pairs."""
    return [
        (heading, list(items))
        for heading, items in groupby(releases, key=lambda r: date(r.publish_at, format_string))
    ]


def photo(image, sizes=LEAD_SIZES, lazy=True):
    """A library photo as a responsive <picture>; its size is reserved so the page never jumps."""
    return photo_html(image, sizes, lazy=lazy)


def search_snippet(release, query):
    """The search excerpt: escaped text in which only our own <mark> tags are HTML."""
    return mark_safe(snippet(release, query))
