"""The page cache is tested, not assumed: it never outlives an embargo minute or a change, never
shares a logged-in response, and a broken cache only makes pages slower."""

import datetime

import pytest
import time_machine
from django.core.cache.backends.base import BaseCache
from django.test import override_settings

from articles.editorial.workflow import take_step
from articles.models import Release, SocialLink
from tests.support import NOW, READ_ONCE

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def page_cache(fragment_caching):
    fragment_caching.PAGE_CACHE_ENABLED = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and its on-commit work, as a real request's commit would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


def get(client, url="/news/"):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_second_request_is_served_from_the_cache_without_queries(
    client, make_release, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_RECHECK_SECONDS = READ_ONCE  # production: every second
    make_release("Cached once")
    assert get(client)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = get(client)
    assert response["X-Page-Cache"] == "hit" and "Cached once" in response.text


def test_a_hit_that_rereads_the_change_log_costs_one_query_when_nothing_changed(
    client, make_release, django_assert_num_queries
):
    make_release("Cached once")
    get(client)
    with django_assert_num_queries(1):  # the change counter, nothing else
        assert get(client)["X-Page-Cache"] == "hit"


def test_a_page_cached_before_an_embargo_shows_the_release_at_its_minute(client, make_release):
    with time_machine.travel(NOW, tick=False) as clock:
        make_release("Already out", publish_at=NOW - 60 * MINUTE)
        make_release("Embargoed", publish_at=NOW + MINUTE)
        before = get(client)
        assert "Embargoed" not in before.text
        assert "max-age=60" in before["Cache-Control"]
        assert get(client)["X-Page-Cache"] == "hit"
        clock.shift(MINUTE - datetime.timedelta(microseconds=1))
        assert "Embargoed" not in get(client).text
        clock.shift(datetime.timedelta(microseconds=1))
        at_minute = get(client)
        assert "Embargoed" in at_minute.text and at_minute["X-Page-Cache"] == "miss"


def test_public_max_age_never_reaches_past_the_next_boundary(client, make_release):
    with time_machine.travel(NOW, tick=False):
        make_release("Out")
        make_release("Soon", publish_at=NOW + datetime.timedelta(seconds=20))
        assert "max-age=20" in get(client)["Cache-Control"]


def test_an_expiring_release_leaves_cached_pages_at_its_minute(client, make_release):
    with time_machine.travel(NOW, tick=False) as clock:
        release = make_release("Expiring", publish_at=NOW - MINUTE, expire_at=NOW + MINUTE)
        assert "Expiring" in get(client).text
        assert "Expiring" in get(client, release.get_absolute_url()).text
        clock.shift(MINUTE)
        assert "Expiring" not in get(client).text
        assert client.get(release.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("change", ["edit", "withdraw", "tag", "delete", "office", "social"])
def test_any_change_reaches_every_cached_page_on_the_next_request(
    client, make_release, committed, publisher, change
):
    release = make_release("Original headline", tags=["Energy"])
    urls = ["/", "/news/", "/news/tags/energy/", release.get_absolute_url(), "/news/feed/"]
    for url in urls:
        get(client, url)
        assert get(client, url)["X-Page-Cache"] == "hit"

    changes = {
        "edit": (lambda: _retitle(release), "Changed headline"),
        "withdraw": (lambda: take_step(release, "withdraw", publisher), None),
        "tag": (lambda: release.tags.add("Budget"), "Budget"),
        "delete": (lambda: Release.objects.get(pk=release.pk).delete(), None),
        "office": (lambda: _rename_office(release), "Renamed Office"),
        "social": (lambda: SocialLink.objects.create(platform="x", url="https://x.example/o"),
                   "Follow us on"),
    }  # fmt: skip
    apply, expected = changes[change]
    committed(apply)

    for url in urls:
        response = client.get(url)
        assert response.status_code != 200 or response["X-Page-Cache"] == "miss", url
        if expected is None:
            assert "Original headline" not in response.content.decode(), url
    if expected:
        assert expected in client.get(release.get_absolute_url()).text


def _retitle(release):
    fresh = Release.objects.get(pk=release.pk)
    fresh.title = "Changed headline"
    fresh.save()


def _rename_office(release):
    office = release.office
    office.name = "Renamed Office"
    office.save()


def test_signed_in_staff_read_the_same_public_page_and_never_add_their_own(
    client, make_release, editor
):
    """Public pages are the same for everyone, so a session cookie neither bypasses the cache
    (anyone could send one) nor gets a page of its own; previews live elsewhere."""
    release = make_release("Public text")
    staff = client.__class__()
    staff.force_login(editor)
    # A page rendered for staff touches their session: it varies on Cookie and is not kept.
    assert "X-Page-Cache" not in staff.get(release.get_absolute_url())
    anonymous = client.get(release.get_absolute_url())
    assert anonymous["X-Page-Cache"] == "miss" and "sessionid" not in anonymous.cookies
    staff_copy = staff.get(release.get_absolute_url())
    assert staff_copy["X-Page-Cache"] == "hit" and staff_copy.content == anonymous.content


def test_a_response_that_depends_on_who_asks_is_never_stored(client, make_release, monkeypatch):
    from articles.public.views import ReleaseListView

    make_release("Public text")
    original = ReleaseListView.get

    def personal(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        response.set_cookie("seen", "1")
        return response

    monkeypatch.setattr(ReleaseListView, "get", personal)
    for _ in range(2):
        assert "X-Page-Cache" not in client.get("/news/")


@pytest.mark.parametrize("url", ["/admin/login/", "/healthz/"])
def test_admin_and_health_are_never_cached(client, url):
    client.get(url)
    assert "X-Page-Cache" not in client.get(url)


def test_conditional_get_answers_304_without_a_body(client, make_release):
    make_release("Conditional")
    first = get(client)
    etag = first["ETag"]
    again = client.get("/news/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    cached = client.get("/news/", HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304 and cached.content == b""


class BrokenCache(BaseCache):
    """A cache whose server is down: every call fails."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    add = get = set = delete = touch = incr = clear = has_key = _fail


@override_settings(
    CACHES={
        "default": {"BACKEND": "tests.pagecache.test_caching.BrokenCache"},
        "pages": {"BACKEND": "tests.pagecache.test_caching.BrokenCache"},
    }
)
def test_with_the_cache_down_the_site_still_answers(client, make_release, committed):
    release = make_release("Still here", tags=["Energy"])
    for url in ["/", "/news/", "/news/tags/energy/", release.get_absolute_url(), "/news/feed/",
                "/news/search/?q=still", "/news/2026/", "/sitemap.xml"]:  # fmt: skip
        if url == "/news/2026/" and release.local_date.year != 2026:
            url = f"/news/{release.local_date.year}/"
        assert client.get(url).status_code == 200, url
    committed(lambda: _retitle(release))  # invalidation fails quietly too
    assert "Changed headline" in client.get(release.get_absolute_url()).text


def test_cached_pages_go_out_compressed_to_readers_that_accept_gzip(client, make_release):
    import gzip

    make_release("Compressed", summary="Many words. " * 200)
    plain = client.get("/news/")
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    for _ in range(2):  # the miss and the hit
        packed = client.get("/news/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 2
    assert packed["X-Page-Cache"] == "hit"
    assert packed["ETag"] != plain["ETag"], "one ETag per encoding"


def test_fragments_kept_in_worker_memory_follow_changes_and_the_clock(
    client, settings, make_release, committed
):
    """With the page cache off, the site-wide fragments each worker keeps decoded in memory are
    still replaced by the next change and never outlive an embargo minute."""
    settings.PAGE_CACHE_ENABLED = False
    with time_machine.travel(NOW, tick=False) as clock:
        out = make_release("Out already", publish_at=NOW - MINUTE, tags=["Energy"])
        make_release("Embargoed", publish_at=NOW + MINUTE, tags=["Budget"])
        first = get(client, "/news/search/").text
        assert "Follow us on" not in first and "Budget" not in first
        assert "Newer release" not in get(client, out.get_absolute_url()).text

        committed(lambda: SocialLink.objects.create(platform="x", url="https://x.example/o"))
        assert "Follow us on" in get(client, "/news/search/").text

        clock.shift(MINUTE)
        assert "Budget" in get(client, "/news/search/").text  # the topic choices
        assert "Embargoed" in get(client, out.get_absolute_url()).text  # its newer neighbour


def test_in_front_of_a_shared_cache_each_process_keeps_copies_that_follow_changes(
    client, make_release, committed, settings, tmp_path, admin_user, monkeypatch
):
    """With the pages in a shared cache (Redis in production; a file cache here), a process
    answers a hit from its own copy, and a change still turns that copy into a miss."""
    from django.core.cache import caches

    from articles.pagecache import caching

    settings.CACHES = settings.CACHES | {
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared"),
        }
    }
    release = make_release("Shared", tags=["Energy"])
    assert get(client, release.get_absolute_url())["X-Page-Cache"] == "miss"
    caches["pages"].clear()  # the shared copy is gone; this process's copy answers
    assert get(client, release.get_absolute_url())["X-Page-Cache"] == "hit"

    committed(lambda: take_step(Release.objects.get(pk=release.pk), "withdraw", admin_user))
    assert client.get(release.get_absolute_url()).status_code == 404

    monkeypatch.setattr(caching._local_pages, "max_bytes", 1000)  # smaller than any page
    caching._local_pages.clear()
    assert get(client, "/news/")["X-Page-Cache"] == "miss"
    assert caching._local_pages.size == 0 and not caching._local_pages.entries
