"""What a reader sees: the list, detail and tag pages, and nothing that is not live."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import InterfaceError, OperationalError, connection
from django.test.utils import CaptureQueriesContext

from articles.models import Release, SocialLink

from .conftest import NOT_LIVE, NOW, OFFICE_TZ

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """Collects the links, headings and inline script/style of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.headings, self.inline = [], [], []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag, ""]
        if (tag == "script" and attrs.get("type") != "application/ld+json") or tag == "style":
            self.inline.append(tag)
        if "style" in attrs:
            self.inline.append(tag)
        if any(name.startswith("on") for name in attrs):
            self.inline.append(f"{tag} handler")

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data

    def handle_endtag(self, tag):
        if self._heading and tag == self._heading[0]:
            self.headings.append((tag, " ".join(self._heading[1].split())))
            self._heading = None


def outline(response):
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


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


def test_detail_page_leads_with_the_dateline_in_office_time(client, make_release):
    release = make_release(
        "Late-night statement",
        dateline="Washington",
        body="<p>The Secretary spoke.</p><p>Second paragraph.</p>",
        publish_at=datetime.datetime(2011, 5, 26, 23, 30, tzinfo=OFFICE_TZ),
        byline="By Jane Doe",
        release_number="No. 123-11",
    )
    assert release.get_absolute_url() == "/news/2011/05/26/late-night-statement/"
    response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    assert (
        '<p><span class="dateline">WASHINGTON, May 26, 2011 —</span> The Secretary spoke.</p>'
        in response.text
    )
    assert "By Jane Doe" in response.text
    assert "No. 123-11" in response.text
    assert ("h1", "Late-night statement") in outline(response).headings


def test_detail_page_shows_office_tags_share_and_follow_links(client, make_release, office):
    office.contact_phone = "+1 202 555 0100"
    office.save()
    SocialLink.objects.create(platform="facebook", url="https://facebook.example/office", order=1)
    SocialLink.objects.create(platform="x", url="https://x.example/office", order=2)
    SocialLink.objects.create(platform="youtube", url="https://yt.example/o", active=False)
    release = make_release("Share me & more", tags=["Defense", "Trade Policy"])

    response = client.get(release.get_absolute_url())
    page = outline(response)
    assert "Office of Public Affairs" in response.text
    assert "Department of Examples" in response.text
    assert "press@example.gov" in response.text
    assert "/news/tags/defense/" in page.links
    assert "/news/tags/trade-policy/" in page.links

    share = {urlsplit(link).netloc or urlsplit(link).scheme: link for link in page.links}
    detail_url = "http://testserver" + release.get_absolute_url()
    assert parse_qs(urlsplit(share["www.facebook.com"]).query)["u"] == [detail_url]
    assert parse_qs(urlsplit(share["x.com"]).query) == {
        "url": [detail_url],
        "text": ["Share me & more"],
    }
    mail = parse_qs(urlsplit(share["mailto"]).query)
    assert mail == {"subject": ["Share me & more"], "body": [detail_url]}
    assert "+" not in share["mailto"]

    assert re.search(r"Follow us on <a [^>]*>Facebook</a> and <a [^>]*>X</a></p>", response.text), (
        "active links only, in order, joined in words"
    )
    assert "yt.example" not in response.text


def test_follow_links_are_on_every_public_page(client, make_release):
    SocialLink.objects.create(platform="facebook", url="https://facebook.example/office")
    release = make_release(tags=["Alpha"])
    for url in ["/", "/news/", release.get_absolute_url(), "/news/tags/alpha/", "/nope/"]:
        assert "Follow us on <a" in client.get(url).text, url


def test_detail_at_a_wrong_date_redirects_to_the_canonical_address(client, make_release):
    release = make_release("Moved date", publish_at=datetime.datetime(2026, 1, 5, tzinfo=OFFICE_TZ))
    response = client.get("/news/2026/01/04/moved-date/")
    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()


@pytest.mark.parametrize(
    "url",
    ["/news/2026/13/40/anything/", "/news/2026/1/5/moved-date/", "/news/tags/no-such-tag/"],
)
def test_malformed_and_unknown_addresses_are_404(client, url):
    assert client.get(url).status_code == 404


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


@pytest.mark.parametrize("state", NOT_LIVE)
def test_non_live_release_is_a_404_everywhere_like_one_that_never_existed(
    client, make_release, state
):
    marker = f"Marker {state} zqx"
    with time_machine.travel(NOW, tick=False):
        tag = f"only-{state.replace(' ', '-')}"
        release = make_release(marker, tags=[tag], **NOT_LIVE[state])
        make_release("Live control", tags=["control"])
        detail = client.get(release.get_absolute_url())
        never = client.get(release.get_absolute_url().replace("marker", "never"))
        assert detail.status_code == never.status_code == 404
        assert detail.content == never.content
        tag_slug = release.tags.get().slug
        assert client.get(f"/news/tags/{tag_slug}/").status_code == 404
        for url in ["/", "/news/", "/news/tags/control/"]:
            page = client.get(url)
            assert page.status_code == 200
            assert "Live control" in page.text
            assert marker not in page.text


def test_titles_and_summaries_are_escaped(client, make_release):
    release = make_release("<script>alert(1)</script> headline", summary="<b>bold?</b>")
    for url in ["/news/", release.get_absolute_url()]:
        text = client.get(url).text
        assert "<script>alert(1)" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; headline" in text
        assert "&lt;b&gt;bold?&lt;/b&gt;" in text


@pytest.mark.parametrize("url", ["/", "/news/?page=2", "detail", "/news/tags/common/", "/none/"])
def test_public_pages_have_no_inline_script_or_style(client, make_release, url):
    releases = [make_release(tags=["common"]) for _ in range(21)]
    url = releases[0].get_absolute_url() if url == "detail" else url
    page = outline(client.get(url))
    assert page.inline == []


def test_public_pages_have_landmarks_a_skip_link_and_one_h1(client, make_release):
    release = make_release(tags=["landmarks"])
    for url in ["/news/", release.get_absolute_url(), "/news/tags/landmarks/", "/missing/"]:
        response = client.get(url)
        assert '<a class="skip-link" href="#main">' in response.text
        for landmark in ["<header", '<main id="main"', "<footer", '<nav aria-label="Main">']:
            assert landmark in response.text, (url, landmark)
        assert [tag for tag, _ in outline(response).headings].count("h1") == 1, url


def test_healthz_and_robots(client):
    assert client.get("/healthz/").json() == {"status": "ok"}
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots.text


def test_server_error_page_is_friendly_and_needs_no_database(client, monkeypatch):
    def broken(self):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr("articles.views.ReleaseListView.get_queryset", broken)
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "database is on fire" not in response.text
    assert len(queries) == 0


@pytest.mark.parametrize("error", [OperationalError("database is locked"), InterfaceError("gone")])
def test_a_database_outage_is_a_503_that_says_to_come_back(client, monkeypatch, error):
    def unavailable(self):
        raise error

    monkeypatch.setattr("articles.views.ReleaseListView.get_queryset", unavailable)
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60" and response["Cache-Control"] == "no-store"
    assert "Back in a moment" in response.text and str(error) not in response.text
    assert len(queries) == 0


def test_pages_in_the_page_cache_outlive_a_database_outage(client, fragment_caching, monkeypatch):
    fragment_caching.PAGE_CACHE_ENABLED = True
    assert client.get("/news/").status_code == 200

    def unavailable(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr("articles.views.ReleaseListView.get_queryset", unavailable)
    response = client.get("/news/")
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
    client.raise_request_exception = False
    assert client.get("/news/?page=2").status_code == 503  # not cached: the outage shows


@pytest.mark.parametrize(
    ("place", "shown"),
    [("Washington", "WASHINGTON"), ("FORT BRAGG, N.C.", "FORT BRAGG, N.C."),
     ("Kabul, Afghanistan", "KABUL, Afghanistan")],
)  # fmt: skip
def test_dateline_city_is_in_capitals_on_list_and_detail(client, make_release, place, shown):
    release = make_release(
        dateline=place, publish_at=datetime.datetime(2020, 3, 4, tzinfo=OFFICE_TZ)
    )
    assert f'<span class="dateline">{shown} —</span>' in client.get("/news/").text
    detail = client.get(release.get_absolute_url()).text
    assert f'<span class="dateline">{shown}, March 4, 2020 —</span>' in detail
