"""Archives, search, feeds, sitemaps and page metadata, as readers and machines consume them."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest
import time_machine
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Release

from .conftest import NOW, OFFICE_TZ

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NEWS_NS = {**SITEMAP_NS, "n": "http://www.google.com/schemas/sitemap-news/0.9"}


def local(*args):
    return datetime.datetime(*args, tzinfo=OFFICE_TZ)


class Head(HTMLParser):
    """The <meta>, <link> and JSON-LD of a page, and the texts of its headings."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self.headings = {}, [], [], []
        self._capture = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._capture = ["ld", ""]
        elif tag in {"h1", "h2", "h3"}:
            self._capture = [tag, ""]

    def handle_data(self, data):
        if self._capture:
            self._capture[1] += data

    def handle_endtag(self, tag):
        if self._capture and (tag == "script" or tag == self._capture[0]):
            kind, text = self._capture
            if kind == "ld":
                self.json_ld.append(json.loads(text))
            else:
                self.headings.append((kind, " ".join(text.split())))
            self._capture = None


def head(response):
    parser = Head()
    parser.feed(response.content.decode())
    return parser


# Archives ---------------------------------------------------------------------------------------


def test_month_archive_groups_live_releases_under_day_headings(client, make_release):
    make_release("Early October", publish_at=local(2026, 10, 2, 9))
    make_release("Late October", publish_at=local(2026, 10, 30, 9))
    make_release("Halloween night", publish_at=local(2026, 10, 31, 23, 30))  # Nov 1 in UTC
    make_release("November", publish_at=local(2026, 11, 1, 9))
    make_release("October draft", publish_at=local(2026, 10, 5, 9), status="draft")
    page = head(client.get("/news/2026/10/"))
    assert page.headings == [
        ("h1", "Releases from October 2026"),
        ("h2", "Saturday, October 31, 2026"),
        ("h3", "Halloween night"),
        ("h2", "Friday, October 30, 2026"),
        ("h3", "Late October"),
        ("h2", "Friday, October 2, 2026"),
        ("h3", "Early October"),
        ("h2", "Archive"),
    ]


def test_year_archive_groups_by_month_and_navigation_counts_live_months(client, make_release):
    make_release("Spring", publish_at=local(2025, 4, 1, 9))
    make_release("Summer one", publish_at=local(2025, 7, 1, 9))
    make_release("Summer two", publish_at=local(2025, 7, 2, 9))
    make_release("Next year", publish_at=local(2026, 1, 5, 9))
    make_release("Withdrawn", publish_at=local(2025, 9, 1, 9), status="withdrawn")
    response = client.get("/news/2025/")
    page = head(response)
    assert [text for tag, text in page.headings if tag == "h2"] == [
        "July 2025",
        "April 2025",
        "Archive",
    ]
    text = response.text
    assert 'href="/news/2025/07/"' in text and 'July</a> <span class="count">(2)</span>' in text
    assert "/news/2025/09/" not in text, "a month with nothing live is not offered"
    assert "2026</a>" in text and "(1 release)" in text and "(3 releases)" in text


@pytest.mark.parametrize(
    "url", ["/news/2026/13/", "/news/2026/00/", "/news/0000/", "/news/9999/12/", "/news/2019/"]
)
def test_invalid_or_empty_archives_are_404(client, make_release, url):
    make_release(publish_at=local(2026, 3, 1, 9))
    assert client.get(url).status_code == 404


# Search -----------------------------------------------------------------------------------------


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


# Feeds ------------------------------------------------------------------------------------------


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


# Sitemaps and robots ------------------------------------------------------------------------------


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


def test_robots_points_at_the_sitemaps(client):
    text = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/sitemap-news.xml" in text


# Metadata ---------------------------------------------------------------------------------------


def test_detail_page_metadata_for_search_engines_and_social_networks(client, make_release):
    release = make_release(
        'A "quoted" </script><script>alert(1)</script> title',
        summary="The lead sentence.",
        tags=["Trade"],
        byline="By Jane Doe",
    )
    response = client.get(release.get_absolute_url())
    page = head(response)
    url = "http://testserver" + release.get_absolute_url()
    assert {"rel": "canonical", "href": url} in page.links
    assert page.meta["description"] == ["The lead sentence."]
    assert page.meta["og:title"] == [release.title]
    assert page.meta["og:url"] == [url]
    assert page.meta["og:type"] == ["article"]
    assert page.meta["og:image"] == ["http://testserver/static/img/og-default.png"]
    assert page.meta["twitter:card"] == ["summary_large_image"]
    assert page.meta["article:tag"] == ["Trade"]
    [data] = page.json_ld
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == release.title, "the </script> in the title did not break out"
    assert data["author"] == {"@type": "Person", "name": "By Jane Doe"}
    assert data["publisher"]["name"] == "Office of Public Affairs"
    assert data["publisher"]["parentOrganization"]["name"] == "Department of Examples"
    assert data["datePublished"] == release.publish_at.isoformat()
    assert response.text.count("<script") == 1


def test_pages_announce_their_feeds(client, make_release):
    make_release(tags=["Trade"])
    for url in ["/news/", "/news/tags/trade/"]:
        types = {
            link.get("type") for link in head(client.get(url)).links if link["rel"] == "alternate"
        }
        assert {"application/rss+xml", "application/atom+xml", "application/feed+json"} <= types
    tag_links = [link["href"] for link in head(client.get("/news/tags/trade/")).links]
    assert "/news/tags/trade/feed/" in tag_links


# Related and neighbouring releases -------------------------------------------------------------


def test_related_releases_share_tags_and_are_live(client, make_release):
    with time_machine.travel(NOW, tick=False):
        release = make_release("Subject", tags=["a", "b"], publish_at=local(2026, 11, 10, 9))
        make_release("Shares two", tags=["a", "b"], publish_at=local(2026, 11, 1, 9))
        make_release("Shares one", tags=["b"], publish_at=local(2026, 11, 9, 9))
        make_release("Shares none", tags=["c"], publish_at=local(2026, 11, 11, 9))
        make_release("Draft sharing", tags=["a", "b"], status="draft")
        response = client.get(release.get_absolute_url())
    # Newest first among those sharing a tag; drafts and unrelated releases never.
    assert [r.title for r in response.context_data["related"]] == ["Shares one", "Shares two"]
    assert response.context_data["previous_release"].title == "Shares one"
    assert response.context_data["next_release"].title == "Shares none"
    assert 'rel="prev"' in response.text and 'rel="next"' in response.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300), kind=st.text(max_size=20), date=st.text(max_size=12))
def test_search_never_fails_whatever_is_typed(client, searchable, query, kind, date):
    response = client.get("/news/search/", {"q": query, "kind": kind, "date_from": date})
    assert response.status_code == 200


def test_older_and_newer_links_break_ties_in_publish_time_by_id(client, make_release):
    moment = local(2026, 11, 10, 9)
    first, second, third = (make_release(f"Same minute {n}", publish_at=moment) for n in range(3))
    response = client.get(second.get_absolute_url())
    assert response.context_data["previous_release"].url == first.get_absolute_url()
    assert response.context_data["next_release"].url == third.get_absolute_url()
