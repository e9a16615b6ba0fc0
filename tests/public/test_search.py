"""Search: live releases only, filters, ranking on PostgreSQL, friendly answers to any input,
and excerpts around the first search word with every search word marked, made the same way
on SQLite and PostgreSQL (articles.public.search.snippet)."""

import datetime
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.public.search import SNIPPET_CHARS, snippet
from tests.support import NOW, local

LONG_BODY = (
    "<p>" + "Opening words of the release. " * 30 + "</p>"
    "<p>The <strong>harbors</strong> of the coast &amp; their “docks” were dredged in May.</p>"
    "<p>" + "Closing words of the release. " * 30 + "</p>"
)


def release(body="", summary="The summary sentence."):
    return SimpleNamespace(body=body, summary=summary)


def test_the_excerpt_is_around_the_first_match_with_every_word_marked():
    text = snippet(release(LONG_BODY), "harbor dredging")
    assert text.startswith("… ") and text.endswith(" …")
    assert "<mark>harbors</mark> of the coast &amp; their “docks” were <mark>dredged</mark>" in text
    assert len(text) < SNIPPET_CHARS + 60  # markup and ellipses aside, one short excerpt


def test_without_a_match_in_the_body_the_summary_is_shown():
    assert snippet(release(LONG_BODY, "Budget <b>news</b>."), "headline-only") == (
        "Budget &lt;b&gt;news&lt;/b&gt;."
    )


@pytest.mark.parametrize("query", ["", "   ", "’"])
def test_no_search_words_means_the_start_of_the_summary_unmarked(query):
    assert snippet(release(LONG_BODY), query) == "The summary sentence."


def test_only_our_marks_are_html_whatever_the_text_or_the_query():
    body = "<p>A &lt;script&gt; tag, a \x02stray\x03 marker and a harbor.</p>"
    text = snippet(release(body), "<script> harbor")
    assert "<script>" not in text and "&lt;<mark>script</mark>&gt;" in text
    assert text.count("<mark>") == text.count("</mark>") == 2
    assert "\x02" not in text and "\x03" not in text


def test_the_excerpt_reads_as_the_page_does_whatever_the_markup():
    body = '<p>The harbor was <em>dredged</em>.</p><p><img alt="a > b" src="/x.jpg">Done.</p>'
    assert snippet(release(body), "harbor") == "The <mark>harbor</mark> was dredged. Done."


@pytest.mark.django_db
def test_results_pages_show_marked_excerpts_on_either_database(client, make_release):
    make_release("Dredging plan", body=LONG_BODY)
    response = client.get("/news/search/", {"q": "harbors"})
    assert "<mark>harbors</mark> of the coast" in response.text


@pytest.fixture
def searchable(make_release):
    with time_machine.travel(NOW, tick=False):
        return {
            "budget": make_release(
                "Secretary unveils budget for harbors",
                kind="press-release",
                tags=["Budget"],
                body="<p>Funding for twelve harbors was announced.</p>",
                publish_at=local(2026, 3, 10, 9),
            ),
            "storm": make_release(
                "Storm season outlook",
                kind="statement",
                tags=["Weather"],
                body="<p>The budget for storm shelters grows.</p>",
                publish_at=local(2026, 6, 1, 9),
            ),
            "draft": make_release(
                "Budget draft nobody may see", status="draft", tags=["Budget"], publish_at=None
            ),
            "scheduled": make_release(
                "Budget embargoed until tomorrow", publish_at=NOW + datetime.timedelta(days=1)
            ),
        }


def results(client, query):
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/news/search/{query}")
    assert response.status_code == 200, query
    return response, [r.title for r in response.context_data["releases"]]


def test_search_finds_live_releases_only(client, searchable):
    response, titles = results(client, "?q=budget")
    assert set(titles) == {"Secretary unveils budget for harbors", "Storm season outlook"}
    assert "2 releases found for “budget”" in response.text
    assert "<mark>" in response.text


def test_search_filters_by_kind_topic_and_dates(client, searchable):
    assert results(client, "?q=budget&kind=statement")[1] == ["Storm season outlook"]
    assert results(client, "?tag=budget")[1] == ["Secretary unveils budget for harbors"]
    assert results(client, "?date_from=2026-05-01&date_to=2026-06-01")[1] == [
        "Storm season outlook"
    ]
    assert results(client, "?date_to=2026-03-10")[1] == ["Secretary unveils budget for harbors"]


def test_search_ranks_title_matches_first_on_postgresql(client, searchable):
    if connection.vendor != "postgresql":
        pytest.skip("ranking is PostgreSQL full-text search; SQLite lists newest first")
    assert results(client, "?q=budget")[1][0] == "Secretary unveils budget for harbors"


def test_search_says_so_when_nothing_matches(client, searchable):
    response, titles = results(client, "?q=zebra")
    assert titles == []
    assert "No releases match “zebra”" in response.text


def test_topic_choices_are_escaped_and_the_chosen_one_is_selected(client, make_release):
    make_release("Tagged", tags=['Ports & "Harbors" <2026>', "Weather"])
    response = client.get("/news/search/", {"tag": "ports-harbors-2026"})
    assert (
        '<option value="ports-harbors-2026" selected>'
        "Ports &amp; &quot;Harbors&quot; &lt;2026&gt;</option>" in response.text
    )
    assert '<option value="weather">Weather</option>' in response.text
    assert response.text.count(" selected>") == 2  # the topic, and "Any type"


def test_bad_search_options_are_messages_not_errors(client, searchable):
    response, titles = results(client, "?date_from=2026-13-45&kind=bogus&tag=no-such")
    assert titles == []
    assert "Please correct the search options" in response.text
    assert "Enter a valid date." in response.text
    # Each marked field names the message that explains it, and that message is on the page.
    described = re.findall(r'aria-describedby="([^"]+)"', response.text)
    assert len(described) == 3
    for target in described:
        assert response.text.count(f'id="{target}"') == 1, target
    response, _ = results(client, "?date_from=2026-06-02&date_to=2026-06-01")
    assert "The end date is before the start date." in response.text
    assert results(client, "?date_to=9999-12-31")[0].status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=",
        "?q=" + "budget%20" * 1500,
        "?q=budget%00harbors",
        "?q=%00",
        "?q=budget%20OR%20-storm",
        '?q="budget%20for"',
        "?q=%22unclosed",
        "?q=(a%20%26%20b)%20|%20!c%3A*",
        "?q=.*%5B%28%29%5C%5E%24",
        "?q=%E2%80%9Cquoted%E2%80%9D%20%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82%20%F0%9F%98%80",
        "?q=%27%3B%20DROP%20TABLE%20articles_release%3B--",
        "?q=<script>alert(1)</script>",
        "?page=999&q=budget",
    ],
)
def test_any_query_string_gets_results_or_a_friendly_page(client, searchable, query):
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/news/search/{query}")
    assert response.status_code in {200, 404}
    assert "<script>alert(1)" not in response.text


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300), kind=st.text(max_size=20), date=st.text(max_size=12))
def test_search_never_fails_whatever_is_typed(client, searchable, query, kind, date):
    response = client.get("/news/search/", {"q": query, "kind": kind, "date_from": date})
    assert response.status_code == 200
