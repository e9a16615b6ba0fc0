"""The read API served as the public pages are: from the page cache, current on the next request
after a publish or a withdrawal, with ETags, in a fixed number of queries; open to any site's
scripts but read-only, without cookies; and limited per client address for what the page cache
could not answer."""

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client

from articles.pagecache import freshness
from tests.api.conftest import API, ids, read
from tests.support import NOW, READ_ONCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(page_cache):
    """The page cache on, as in production; the change log read on every request, as if each
    came to another server."""
    return page_cache


def test_an_answer_is_served_from_the_page_cache_until_a_publish_changes_it(
    client, cached, make_release, press
):
    live = make_release("Already out")
    draft = make_release("Going out now", status="review", publish_at=None)
    urls = [f"{API}/releases/", f"{API}/releases/?language=en", f"{API}/topics/"]
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    assert ids(read(client, urls[0])) == [str(live.guid)]

    press(draft, "publish")

    response = client.get(urls[0])
    assert response["X-Page-Cache"] == "miss"
    assert ids(response.json()) == [str(draft.guid), str(live.guid)]
    assert client.get(urls[1])["X-Page-Cache"] == "miss"
    assert read(client, f"{API}/releases/{draft.guid}/")["title"] == "Going out now"


def test_a_withdrawal_is_never_served_from_the_cache(client, cached, make_release, press):
    release = make_release("To be withdrawn", tags=["Ports"])
    detail = f"{API}/releases/{release.guid}/"
    urls = [f"{API}/releases/", f"{API}/releases/?topic=ports", f"{API}/topics/", detail]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"

    press(release, "withdraw")

    assert read(client, detail, status=404) == {"detail": "Not Found"}
    for url in urls[:3]:
        assert read(client, url)["results"] == [], url


def test_an_edition_going_live_reaches_its_originals_cached_answer(client, cached, family, press):
    original, edition = family(status="review", publish_at=None)
    detail = f"{API}/releases/{original.guid}/"
    assert read(client, detail)["editions"] == []
    assert client.get(detail)["X-Page-Cache"] == "hit"
    press(edition, "publish")
    assert [e["language"] for e in read(client, detail)["editions"]] == ["es"]


def test_a_scheduled_release_appears_at_its_minute(client, cached, make_release):
    with time_machine.travel(NOW, tick=False) as clock:
        make_release("Out")
        soon = make_release("Embargoed", publish_at=NOW + datetime.timedelta(minutes=1))
        url = f"{API}/releases/"
        assert str(soon.guid) not in ids(read(client, url))
        assert client.get(url)["X-Page-Cache"] == "hit"
        assert client.get(f"{API}/releases/{soon.guid}/").status_code == 404
        clock.shift(datetime.timedelta(minutes=1))
        assert ids(read(client, url))[0] == str(soon.guid)
        assert read(client, f"{API}/releases/{soon.guid}/")["title"] == "Embargoed"


def test_parameters_no_endpoint_reads_share_one_entry(client, cached, make_release):
    make_release("Shared")
    assert client.get(f"{API}/releases/?page_size=5")["X-Page-Cache"] == "miss"
    assert client.get(f"{API}/releases/?page_size=5&utm_source=x")["X-Page-Cache"] == "hit"
    assert client.get(f"{API}/releases/?page_size=6")["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("caching", [True, False], ids=["cached", "uncached"])
def test_if_none_match_answers_304(client, settings, make_release, caching, page_cache):
    settings.PAGE_CACHE_ENABLED = caching
    release = make_release("Tagged")
    for url in [f"{API}/releases/", f"{API}/releases/{release.guid}/", f"{API}/topics/"]:
        first = client.get(url)
        etag = first["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", url
        # A browser reading the API from another site drops a 304 without them.
        assert again["Access-Control-Allow-Origin"] == "*", url
        assert "ETag" in again["Access-Control-Expose-Headers"], url
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


# Query budgets (design rule 6) ------------------------------------------------------------


@pytest.fixture
def budget(settings, django_assert_num_queries):
    """Queries of one uncached answer, the change log having been read a moment ago (as on a
    busy server); the first request warms what every worker keeps (content types)."""
    settings.PAGE_CACHE_RECHECK_SECONDS = READ_ONCE

    def check(client, url, queries):
        freshness.refresh()
        client.get(url)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        return response.json()

    return check


@pytest.mark.parametrize("n", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_each_endpoint_costs_a_fixed_number_of_queries(client, make_release, family, budget, n):
    family()
    for i in range(n):
        make_release(f"Release {i}", tags=[f"tag-{i}", "shared"])
    # releases, their topics, their corrections, their families' live members
    assert len(budget(client, f"{API}/releases/?page_size=100", 4)["results"]) == n + 2
    assert len(budget(client, f"{API}/releases/?page_size=2", 4)["results"]) == 2
    shared = f"{API}/releases/?topic=shared&language=en&page_size=50"
    assert len(budget(client, shared, 4)["results"]) == n
    # the same four for one release
    original = read(client, f"{API}/releases/?language=en&topic=ports")["results"][0]
    assert len(budget(client, f"{API}/releases/{original['id']}/", 4)["editions"]) == 1
    assert len(budget(client, f"{API}/topics/", 1)["results"]) == n + 3
    assert len(budget(client, f"{API}/offices/", 1)["results"]) == 1


# What browsers and clients may do ----------------------------------------------------------


@pytest.mark.parametrize("caching", [True, False], ids=["cached", "uncached"])
def test_any_site_may_read_every_answer(client, settings, make_release, caching, page_cache):
    settings.PAGE_CACHE_ENABLED = caching
    release = make_release("Readable from anywhere")
    for url, status in 2 * [
        (f"{API}/releases/", 200),
        (f"{API}/releases/{release.guid}/", 200),
        (f"{API}/releases/not-one/", 404),
        (f"{API}/releases/?kind=memo", 400),
        ("/api/schema/", 200),
    ]:
        response = client.get(url, headers={"Origin": "https://partner.example"})
        assert response.status_code == status, url
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert response["Cross-Origin-Resource-Policy"] == "cross-origin", url
        assert "ETag" in response["Access-Control-Expose-Headers"]
        assert not response.cookies and "Cookie" not in response.get("Vary", ""), url


def test_a_preflight_is_answered_for_get_only(client):
    response = client.options(
        f"{API}/releases/",
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET"


def test_head_answers_like_get(client, make_release):
    make_release("Headed")
    response = client.head(f"{API}/releases/")
    assert response.status_code == 200 and response.content == b""
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(make_release, method):
    release = make_release("Not to be changed")
    client = Client(enforce_csrf_checks=True)  # no token needed to be refused
    for url in [f"{API}/releases/", f"{API}/releases/{release.guid}/", "/api/"]:
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json() == {"detail": "The API is read-only: use GET."}
    release.refresh_from_db()
    assert release.title == "Not to be changed"


def test_no_session_is_started_for_a_signed_in_editor(client, editor, make_release):
    make_release("Same for everyone")
    client.force_login(editor)
    response = client.get(f"{API}/releases/")
    assert response.status_code == 200 and not response.cookies


# The limit --------------------------------------------------------------------------------


@pytest.fixture
def limited(settings):
    settings.API_REQUESTS_PER_MINUTE = 60
    caches["default"].clear()
    yield settings
    caches["default"].clear()


def test_sixty_uncached_requests_a_minute_then_429(limited, make_release):
    client, other = Client(REMOTE_ADDR="192.0.2.7"), Client(REMOTE_ADDR="192.0.2.8")
    with time_machine.travel(NOW, tick=False) as clock:
        make_release("Asked often")
        for _ in range(60):
            assert client.get(f"{API}/releases/").status_code == 200
        refused = client.get(f"{API}/releases/")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "60"
        assert refused["Access-Control-Allow-Origin"] == "*"
        assert "60 requests a minute" in refused.json()["detail"]
        assert other.get(f"{API}/releases/").status_code == 200  # another address
        clock.shift(datetime.timedelta(seconds=45))
        assert client.get(f"{API}/topics/")["Retry-After"] == "15"
        clock.shift(datetime.timedelta(seconds=15))
        assert client.get(f"{API}/releases/").status_code == 200  # a new minute


def test_answers_from_the_page_cache_are_not_counted(limited, page_cache, make_release):
    limited.API_REQUESTS_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="192.0.2.7")
    with time_machine.travel(NOW, tick=False):
        release = make_release("Cached for all")
        for _ in range(10):
            assert client.get(f"{API}/releases/").status_code == 200  # one miss, nine hits
        assert client.get(f"{API}/topics/").status_code == 200
        assert client.get(f"{API}/releases/{release.guid}/").status_code == 200
        refused = client.get(f"{API}/offices/")
        assert refused.status_code == 429
        assert client.get(f"{API}/releases/")["X-Page-Cache"] == "hit"  # still served
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        assert client.get(f"{API}/offices/").status_code == 200  # the 429 was never stored


def test_behind_a_proxy_each_client_is_counted_apart(limited, make_release):
    limited.API_REQUESTS_PER_MINUTE, limited.TRUSTED_PROXIES = 2, 1
    make_release("Proxied")
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    with time_machine.travel(NOW, tick=False):
        for client_address, expected in [("192.0.2.1", 200), ("192.0.2.1", 200),
                                         ("192.0.2.1", 429), ("192.0.2.2", 200)]:  # fmt: skip
            response = proxy.get(f"{API}/releases/", headers={"X-Forwarded-For": client_address})
            assert response.status_code == expected, client_address


def test_a_failing_counter_never_shuts_partners_out(limited, make_release, monkeypatch):
    limited.API_REQUESTS_PER_MINUTE = 1
    make_release("Still served")

    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(caches["default"], "add", broken)
    for _ in range(3):
        assert Client().get(f"{API}/releases/").status_code == 200
