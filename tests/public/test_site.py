"""What holds on every public page: nothing non-live, escaped text, no inline script or style,
landmarks, follow links, and friendly answers to bad addresses, errors and outages."""

import pytest
import time_machine
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext

from articles.models import SocialLink
from tests.support import NOT_LIVE, NOW, outline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/news/2026/13/40/anything/", "/news/2026/1/5/moved-date/", "/news/tags/no-such-tag/"],
)
def test_malformed_and_unknown_addresses_are_404(client, url):
    assert client.get(url).status_code == 404


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
        # The same page, but for the words of each address offered as a search.
        assert detail.content.replace(b"marker", b"never") == never.content
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


def test_follow_links_are_on_every_public_page(client, make_release):
    SocialLink.objects.create(platform="facebook", url="https://facebook.example/office")
    release = make_release(tags=["Alpha"])
    for url in ["/", "/news/", release.get_absolute_url(), "/news/tags/alpha/", "/nope/"]:
        assert "Follow us on <a" in client.get(url).text, url


def test_healthz_and_robots(client):
    assert client.get("/healthz/").json() == {"status": "ok"}
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots.text


def test_server_error_page_is_friendly_and_needs_no_database(client, monkeypatch, change_log_read):
    def broken(self):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr("articles.public.views.ReleaseListView.get_queryset", broken)
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "database is on fire" not in response.text
    assert len(queries) == 0


@pytest.mark.parametrize("error", [OperationalError("database is locked"), InterfaceError("gone")])
def test_a_database_outage_is_a_503_that_says_to_come_back(
    client, monkeypatch, error, change_log_read
):
    def unavailable(self):
        raise error

    monkeypatch.setattr("articles.public.views.ReleaseListView.get_queryset", unavailable)
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60" and response["Cache-Control"] == "no-store"
    assert "Back in a moment" in response.text and str(error) not in response.text
    assert len(queries) == 0


def test_an_unknown_address_is_a_404_even_with_the_database_down(client, monkeypatch):
    """First security review, finding 8: error pages without a database."""

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_pages_in_the_page_cache_outlive_a_database_outage(client, page_cache, monkeypatch):
    assert client.get("/news/").status_code == 200

    def unavailable(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr("articles.public.views.ReleaseListView.get_queryset", unavailable)
    response = client.get("/news/")
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
    client.raise_request_exception = False
    assert client.get("/news/?page=2").status_code == 503  # not cached: the outage shows
