"""What the page cache tells the micro-cache in front of each server (deploy/nginx/): a page it
keeps carries `X-Accel-Expires: @<last second>`, so the proxy keeps it no longer than this
process would; anything else says nothing, and the proxy keeps nothing. nginx itself is tested
in tests/ops/test_deploy.py."""

import datetime

import pytest
import time_machine

from articles.models import Redirect
from articles.pagecache import freshness
from tests.support import NOW

pytestmark = pytest.mark.django_db
SECOND = datetime.timedelta(seconds=1)
START = int(NOW.timestamp())  # NOW is on a whole minute, so on a whole second too


@pytest.fixture(autouse=True)
def every_second(fragment_caching, settings):
    """The page cache as production runs it: the change log read once a second."""
    fragment_caching.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_RECHECK_SECONDS = 1


def expires(response):
    return response.get("X-Accel-Expires")


def test_a_cached_page_may_be_kept_by_the_proxy_to_the_end_of_the_second(client, make_release):
    with time_machine.travel(NOW + 0.3 * SECOND, tick=False) as clock:
        release = make_release("Kept a second")
        for url in ("/", "/news/", release.get_absolute_url(), "/news/feed/", "/sitemap.xml"):
            first = client.get(url)
            assert first["X-Page-Cache"] == "miss" and expires(first) == f"@{START}", url
            assert expires(client.get(url)) == f"@{START}", "and so is the page's hit"
        clock.shift(0.9 * SECOND)  # the next second: read again, kept to its end
        assert expires(client.get("/news/")) == f"@{START + 1}"


def test_the_proxy_lets_a_page_go_at_the_next_embargo_minute(client, make_release, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60  # a long window, so the minute is what ends it
    with time_machine.travel(NOW + 5 * SECOND, tick=False):
        make_release("Out now")
        make_release("Embargoed", publish_at=NOW + 20 * SECOND)
        response = client.get("/news/")
        assert "Embargoed" not in response.text
        assert expires(response) == f"@{START + 19}", "gone when second 20 begins"


def test_nothing_is_kept_by_the_proxy_when_every_request_reads_the_change_log(
    client, make_release, settings
):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    make_release("Read each time")
    response = client.get("/news/")
    assert response["X-Page-Cache"] == "miss" and expires(response) is None


@pytest.mark.parametrize(
    "url", ["/admin/", "/accounts/login/", "/subscribe/", "/news/no-such-release/", "/healthz/"]
)
def test_pages_the_page_cache_does_not_keep_tell_the_proxy_nothing(client, url):
    with time_machine.travel(NOW, tick=False):
        for _ in range(2):
            assert expires(client.get(url)) is None, url


def test_an_old_addresss_redirect_is_never_kept_by_the_proxy_so_every_hit_counts(
    client, make_release
):
    with time_machine.travel(NOW, tick=False):
        release = make_release("Moved here")
        Redirect.objects.create(
            old_path="/news/newsarticle.aspx", old_query="id=5", release=release
        )
        for _ in range(2):
            moved = client.get("/news/newsarticle.aspx?id=5")
            assert moved.status_code == 301 and expires(moved) is None


def test_a_signed_in_editors_hit_says_what_anyone_elses_does_so_the_proxy_must_bypass_them(
    client, admin_client, make_release
):
    """A page rendered for staff touches their session and tells the proxy nothing; a hit is
    the public page, header and all. So the proxy's own rule, passing any request with a
    session cookie straight through and storing nothing from it, is what keeps editors' requests
    out of it (nginx's site, tested in tests/ops/test_deploy.py)."""
    with time_machine.travel(NOW, tick=False):
        make_release("Same for all")
        rendered = admin_client.get("/news/")
        assert "X-Page-Cache" not in rendered and expires(rendered) is None
        client.get("/news/")
        hit = admin_client.get("/news/")
        assert hit["X-Page-Cache"] == "hit" and expires(hit) == f"@{START}"


def test_a_page_whose_window_ended_while_it_was_made_is_not_kept():
    with time_machine.travel(NOW + 0.99 * SECOND, tick=False) as clock:
        reading = freshness.read()
        far = (NOW + datetime.timedelta(days=1)).timestamp()
        assert freshness.proxy_last_second(reading, far) == START
        clock.shift(0.02 * SECOND)  # a slow render finishes in the next second
        assert freshness.proxy_last_second(reading, far) is None


def test_the_change_log_is_read_once_per_second_of_the_clock(
    client, make_release, django_assert_num_queries
):
    with time_machine.travel(NOW + 0.1 * SECOND, tick=False) as clock:
        make_release("Counted reads")
        freshness.read()
        with django_assert_num_queries(0):
            clock.shift(0.8 * SECOND)  # still the same second: no read
            assert freshness.read().window == START
        clock.shift(0.1 * SECOND)  # the next second begins: one read (the counter)
        with django_assert_num_queries(1):
            reading = freshness.read()
        assert reading.window == START + 1 and reading.fresh_until == START + 2
        freshness.recheck_soon()  # this process committed a change: read before answering
        with django_assert_num_queries(1):
            freshness.read()
