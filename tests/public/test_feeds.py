"""RSS, Atom and JSON Feed, parsed as feed readers parse them, and the pages that announce them."""

import json
import xml.etree.ElementTree as ET

import feedparser
import pytest
import time_machine

from articles.models import Release
from tests.support import NOW, WORD_BREAKS, local, outline

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_releases(make_release):
    with time_machine.travel(NOW, tick=False):
        first = make_release(
            "Tariffs & trade: a </script> test",
            tags=["Trade", "Economy"],
            byline="By Jane Doe",
            summary="Short <lead> & more.",
            body="<p>Full body text.</p><blockquote><p>A quote.</p></blockquote>",
            publish_at=local(2026, 11, 20, 23, 30),
        )
        second = make_release("Second item", tags=["Economy"], publish_at=local(2026, 11, 21, 9))
        make_release("Hidden draft", status="draft", tags=["Trade"])
    return first, second


@pytest.mark.parametrize("url", ["/news/feed/", "/news/feed/atom/"])
def test_feeds_parse_cleanly_with_full_content(client, feed_releases, url):
    first, second = feed_releases
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    ET.fromstring(response.content)  # well-formed XML
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == ["Second item", "Tariffs & trade: a </script> test"]
    entry = feed.entries[1]
    assert entry.id == first.guid.urn
    assert entry.link == "http://testserver" + first.get_absolute_url()
    assert entry.author == "By Jane Doe"
    assert {t.term for t in entry.tags} == {"Trade", "Economy"}
    assert entry.published_parsed[:5] == (2026, 11, 21, 4, 30)  # 23:30 EST is 04:30 UTC
    content = entry.content[0].value if "content" in entry else entry.description
    assert "WASHINGTON, November 20, 2026 —" in content and "<blockquote>" in content


def test_atom_summary_is_the_plain_lead(client, feed_releases):
    feed = feedparser.parse(client.get("/news/feed/atom/").content)
    # The summary is HTML-typed: the plain lead arrives escaped, and reads exactly as typed.
    assert feed.entries[1].summary == "Short &lt;lead&gt; &amp; more."


def test_tag_feeds_hold_only_that_tag_and_404_without_live_releases(client, feed_releases):
    feed = feedparser.parse(client.get("/news/tags/trade/feed/").content)
    assert [e.title for e in feed.entries] == ["Tariffs & trade: a </script> test"]
    assert "Trade" in feed.feed.title
    atom = feedparser.parse(client.get("/news/tags/economy/feed/atom/").content)
    assert len(atom.entries) == 2 and not atom.bozo
    Release.objects.filter(title__startswith="Tariffs").update(status="withdrawn")
    assert client.get("/news/tags/trade/feed/").status_code == 404
    assert client.get("/news/tags/nonexistent/feed/").status_code == 404


def test_json_feed_follows_version_1_1(client, feed_releases):
    first, _ = feed_releases
    response = client.get("/news/feed.json")
    assert response["Content-Type"] == "application/feed+json"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "http://testserver/news/feed.json"
    item = feed["items"][1]
    assert item["id"] == first.guid.urn
    assert item["title"] == first.title
    assert item["date_published"] == "2026-11-21T04:30:00+00:00"
    assert item["authors"] == [{"name": "By Jane Doe"}]
    assert sorted(item["tags"]) == ["Economy", "Trade"]
    assert "<blockquote>" in item["content_html"]


def test_feed_guid_survives_a_new_address(client, feed_releases):
    first, _ = feed_releases
    before = feedparser.parse(client.get("/news/feed/").content).entries[1].id
    first.slug = "renamed"
    first.save()
    assert feedparser.parse(client.get("/news/feed/").content).entries[1].id == before


def test_pages_announce_their_feeds(client, make_release):
    make_release(tags=["Trade"])
    for url in ["/news/", "/news/tags/trade/"]:
        types = {
            link.get("type")
            for link in outline(client.get(url)).head_links
            if link["rel"] == "alternate"
        }
        assert {"application/rss+xml", "application/atom+xml", "application/feed+json"} <= types
    tag_links = [link["href"] for link in outline(client.get("/news/tags/trade/")).head_links]
    assert "/news/tags/trade/feed/" in tag_links


@pytest.mark.parametrize("url", ["/news/feed/", "/news/feed/atom/"])
def test_feeds_stay_well_formed_even_if_a_control_character_got_in(client, make_release, url):
    """First security review, finding 4: one control character takes the feeds down."""
    release = make_release("Clean title")
    # Written past save(), as a raw script or an old row would be.
    Release.objects.filter(pk=release.pk).update(
        title=f"Title {WORD_BREAKS}", body=f"<p>Body {WORD_BREAKS}</p>"
    )
    response = client.get(url)
    assert response.status_code == 200
    ET.fromstring(response.content)  # well-formed XML
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo and parsed.entries[0].title.startswith("Title Shift+Enter")
