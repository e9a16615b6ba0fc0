"""Searching live releases: PostgreSQL full-text search, or SQLite's FTS5.

On PostgreSQL, migration 0002 keeps a stored tsvector column (title weighted A, summary B,
body C) with a GIN index: matching uses the index and ranking reads the stored vector, and
results come best first. On SQLite (articles/sqlite_search.py) every word must start a word
of the title, summary or body; results come newest first.
"""

import html
import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags

from articles import sqlite_search

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
# Markers ts_headline puts around matches; unlikely in text, and turned into <mark> after escaping.
START, STOP = "\x02", "\x03"


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
    """Live releases matching `text`, best first, each with a `snippet` (safe HTML)."""
    if uses_full_text():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        return (
            queryset.annotate(document=search_document())
            .filter(document=query)
            .annotate(
                rank=SearchRank(F("document"), query),
                headline=SearchHeadline(
                    "body",
                    query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=40,
                    min_words=20,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )  # fmt: skip
            .order_by("-rank", "-publish_at", "-id")
        )
    terms = words(text)
    if not terms:
        return queryset.none()
    matching = RawSQL(
        f"SELECT rowid FROM {sqlite_search.TABLE} WHERE {sqlite_search.TABLE} MATCH %s",
        [sqlite_search.match_expression(terms)],
    )
    return queryset.filter(pk__in=matching)


def words(text):
    return re.findall(r"\w[\w'’.-]*", text)[:MAX_TERMS]


def snippet(release, text):
    """A short, escaped excerpt with the search words marked."""
    headline = getattr(release, "headline", None)
    if headline:
        plain = html.unescape(strip_tags(headline))
    else:
        terms = sorted({re.escape(term) for term in words(text)}, key=len, reverse=True)
        plain = release.summary
        if terms:
            pattern = re.compile("|".join(terms), re.IGNORECASE)
            plain = pattern.sub(lambda match: f"{START}{match[0]}{STOP}", plain)
    return escape(plain).replace(START, "<mark>").replace(STOP, "</mark>")
