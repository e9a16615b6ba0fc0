"""Search results show the text around the first search word, with every search word marked,
made the same way on SQLite and PostgreSQL (articles.search.snippet)."""

from types import SimpleNamespace

import pytest

from articles.search import SNIPPET_CHARS, snippet

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
