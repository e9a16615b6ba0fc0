"""The news list and tag pages: live releases, newest first, featured pinned, paginated."""

import datetime

import pytest
import time_machine

from articles.models import Release
from tests.support import NOW, OFFICE_TZ, outline

pytestmark = pytest.mark.django_db


def test_list_shows_live_releases_newest_first_with_featured_pinned(client, make_release):
    old_featured = make_release("Old but featured", publish_at=NOW - datetime.timedelta(days=30),
                                featured=True)  # fmt: skip
    newer = make_release("Newer", publish_at=NOW - datetime.timedelta(days=1))
    newest = make_release("Newest", publish_at=NOW - datetime.timedelta(hours=2))
    with time_machine.travel(NOW, tick=False):
        response = client.get("/news/")
    titles = [text for tag, text in outline(response).headings if tag == "h2"]
    assert titles[:3] == [old_featured.title, newest.title, newer.title]


def test_home_and_news_show_the_same_list(client, make_release):
    make_release("On both pages")
    assert "On both pages" in client.get("/").text
    assert "On both pages" in client.get("/news/").text


def test_list_card_has_dateline_summary_office_date_kind_and_tags(client, make_release):
    make_release(
        "Card test",
        kind=Release.Kind.STATEMENT,
        summary="A short lead.",
        publish_at=datetime.datetime(2026, 11, 20, 23, 30, tzinfo=OFFICE_TZ),
        tags=["Budget"],
    )
    page = client.get("/news/").text
    assert "WASHINGTON —</span> A short lead." in page
    assert "Statement" in page
    # 23:30 in Washington is already the 21st in UTC: the office's date wins.
    assert "November 20, 2026" in page
    assert 'href="/news/tags/budget/"' in page


def test_list_is_paginated_twenty_a_page(client, make_release):
    for n in range(25):
        make_release(f"Paged release {n:02d}")
    first = client.get("/news/")
    second = client.get("/news/?page=2")
    assert first.text.count('<article class="release-card') == 20
    assert second.text.count('<article class="release-card') == 5
    assert 'aria-label="Pages"' in first.text
    assert client.get("/news/?page=3").status_code == 404
    assert client.get("/news/?page=abc").status_code == 404


def test_tag_page_lists_only_live_releases_with_that_tag(client, make_release):
    make_release("Tagged live", tags=["Energy"])
    make_release("Other tag", tags=["Water"])
    make_release("Tagged draft", tags=["Energy"], status="draft")
    response = client.get("/news/tags/energy/")
    assert response.status_code == 200
    assert "Tagged live" in response.text
    assert "Other tag" not in response.text
    assert "Tagged draft" not in response.text
    assert ("h1", "Topic: Energy") in outline(response).headings
