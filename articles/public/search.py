"""Searching live releases: PostgreSQL full-text search, or SQLite's FTS5.

On PostgreSQL, migrations 0002 and 0015 keep a stored tsvector column in the release's language
(title weighted A, summary B, body C) with a GIN index: matching uses the index and ranking
reads the stored vector, and results come best first. On SQLite (articles/public/search_index.py)
every word must start a word of the title, summary or body; results come newest first. Either
way each result shows the same kind of excerpt, made here from its text (`snippet`).
"""

import re
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.translation import get_language

from articles.public import search_index
from articles.text import html_to_text

# Each language's text search configuration on PostgreSQL (its stemming and stop words): the
# stored document is built with the release's (migration 0015), a query with the page's.
CONFIGS = {"en": "english", "es": "spanish"}
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
# Markers put around matches; removed from the text first, and turned into <mark> after
# escaping, so <mark> is the only HTML a snippet carries.
START, STOP = "\x02", "\x03"
SNIPPET_CHARS = 260
# Endings dropped from a search word before marking it in the text, so that "harbors" marks
# "harbor" as the full-text search found it. Marking only: the databases do the matching.
_ENDINGS = ("ing", "ed", "es", "s")


def search_config(language):
    return CONFIGS.get(language, "simple")


def search_document():
    """The stored, weighted tsvector column that migration 0002 adds on PostgreSQL."""
    return RawSQL('"articles_release"."search_document"', [], output_field=SearchVectorField())


def clean_query(raw):
    """What is searched for: no NUL (PostgreSQL refuses it), no runs of space, bounded length."""
    text = " ".join((raw or "").replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH]


def uses_full_text():
    return connection.vendor == "postgresql"


def search(queryset, text):
    """Live releases matching `text`, best first on PostgreSQL, newest first on SQLite."""
    if uses_full_text():
        query = SearchQuery(text, search_type="websearch", config=search_config(get_language()))
        return (
            queryset.annotate(document=search_document())
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
            .order_by("-rank", "-publish_at", "-id")
        )
    terms = words(text)
    if not terms:
        return queryset.none()
    matching = RawSQL(
        f"SELECT rowid FROM {search_index.TABLE} WHERE {search_index.TABLE} MATCH %s",
        [search_index.match_expression(terms)],
    )
    return queryset.filter(pk__in=matching)


def words(text):
    return re.findall(r"\w[\w'’.-]*", text)[:MAX_TERMS]


def snippet(release, text):
    """Escaped plain text around the first search word the body contains (else the summary),
    with every search word marked.

    Made here rather than by PostgreSQL's ts_headline, which parsed every result's body again
    on every results page (bench/results/ has the cost), and so the same on both databases.
    """
    pattern = _marking_pattern(text)
    body = _one_line(html_to_text(release.body))
    found = pattern.search(body) if pattern else None
    excerpt = _around(body, found.start()) if found else _around(_one_line(release.summary), 0)
    if pattern:
        excerpt = pattern.sub(lambda match: f"{START}{match[0]}{STOP}", excerpt)
    return escape(excerpt).replace(START, "<mark>").replace(STOP, "</mark>")


def _one_line(text):
    """Plain text on one line, without our marker characters."""
    return " ".join((text or "").replace(START, " ").replace(STOP, " ").split())


@lru_cache(maxsize=64)  # one search's results all mark the same words
def _marking_pattern(text):
    stems = set()
    for term in words(text):
        stem = term.lower()
        for ending in _ENDINGS:
            if stem.endswith(ending) and len(stem) - len(ending) >= 3:
                stem = stem[: -len(ending)]
                break
        stems.add(re.escape(stem))
    if not stems:
        return None
    alternatives = "|".join(sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def _around(text, position):
    """About SNIPPET_CHARS of `text` from a little before `position`, cut between words."""
    start = max(0, position - SNIPPET_CHARS // 4)
    if start:
        start = text.rfind(" ", 0, start) + 1
    end = start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", position, end)
        end = space if space > 0 else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return prefix + text[start:end].strip() + suffix
