"""Sitemaps and robots.txt, parsed as XML and text."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine

from articles.models import Release
from tests.support import NOW, WORD_BREAKS, local

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NEWS_NS = {**SITEMAP_NS, "n": "http://www.google.com/schemas/sitemap-news/0.9"}


def test_sitemap_index_and_sections_list_live_pages_only(client, make_release):
    with time_machine.travel(NOW, tick=False):
        live = make_release("Live one", tags=["Ports"], publish_at=local(2026, 11, 2, 9))
        make_release("Draft one", tags=["Secret"], status="draft", publish_at=local(2026, 9, 2, 9))
        index = ET.fromstring(client.get("/sitemap.xml").content)
        sections = [loc.text for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS)]
        assert sections == [
            f"http://testserver/sitemap-{name}.xml"
            for name in ["home", "releases", "tags", "archives"]
        ]
        locs = {}
        for url in sections:
            tree = ET.fromstring(client.get(url.removeprefix("http://testserver")).content)
            for node in tree.findall("s:url", SITEMAP_NS):
                locs[node.find("s:loc", SITEMAP_NS).text] = node.find("s:lastmod", SITEMAP_NS)
    base = "http://testserver"
    assert set(locs) == {
        f"{base}/news/",
        f"{base}/es/noticias/",  # each language's news list
        f"{base}{live.get_absolute_url()}",
        f"{base}/news/tags/ports/",
        f"{base}/news/2026/11/",
    }
    assert locs[f"{base}{live.get_absolute_url()}"].text == "2026-11-25"


def test_news_sitemap_holds_the_last_two_days(client, make_release):
    with time_machine.travel(NOW, tick=False):
        make_release("Fresh & new", publish_at=NOW - datetime.timedelta(hours=3))
        make_release("Three days old", publish_at=NOW - datetime.timedelta(days=3))
        make_release("Not yet", publish_at=NOW + datetime.timedelta(hours=1))
        tree = ET.fromstring(client.get("/sitemap-news.xml").content)
    titles = [n.text for n in tree.findall("s:url/n:news/n:title", NEWS_NS)]
    assert titles == ["Fresh & new"]
    date = tree.find("s:url/n:news/n:publication_date", NEWS_NS).text
    assert date == "2026-11-25T09:00:00-05:00"


def test_the_news_sitemap_stays_well_formed_even_if_a_control_character_got_in(
    client, make_release
):
    """First security review, finding 4: one control character takes the feeds down, and the
    news sitemap with them."""
    release = make_release("Clean title")
    # Written past save(), as a raw script or an old row would be.
    Release.objects.filter(pk=release.pk).update(title=f"Title {WORD_BREAKS}")
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    tree = ET.fromstring(response.content)  # well-formed XML
    title = tree.find("s:url/n:news/n:title", NEWS_NS).text
    assert title.startswith("Title Shift+Enter")


def test_robots_points_at_the_sitemaps(client):
    text = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/sitemap-news.xml" in text
