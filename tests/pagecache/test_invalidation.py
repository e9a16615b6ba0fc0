"""A change makes exactly the cached pages that show it stale (design rule 9): a draft save none, an
edit to a live release its own pages, and a take-down is never served from a cache, whatever
the cache does."""

import datetime
import io
import re
import threading

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import CommandError, call_command
from taggit.models import Tag

from articles.editorial.workflow import add_correction, take_step
from articles.models import PublicChange, Redirect, Release, TopicDescription
from articles.pagecache import caching
from articles.pagecache.keys import address_key, release_key
from tests.support import NOW

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def page_cache(fragment_caching):
    fragment_caching.PAGE_CACHE_ENABLED = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


@pytest.fixture
def site(make_release):
    """Four live releases a day apart; the edited one (`b`) sits between `a` and `c`."""
    made = {}
    for days, name, tags in [(4, "a", ["Energy"]), (3, "b", ["Energy"]), (2, "c", ["Budget"]),
                             (1, "d", ["Budget"])]:  # fmt: skip
        made[name] = make_release(
            f"Release {name}", tags=tags, publish_at=NOW - datetime.timedelta(days=days)
        )
    return made


def urls_of(site):
    year = site["b"].local_date.year
    pages = {
        "home": "/",
        "list": "/news/",
        "energy": "/news/tags/energy/",
        "budget": "/news/tags/budget/",
        "feed": "/news/feed/",
        "energy feed": "/news/tags/energy/feed/",
        "json": "/news/feed.json",
        "year": f"/news/{year}/",
        "sitemap": "/sitemap-releases.xml",
        "search": "/news/search/?q=release",
    }
    pages.update({f"detail {name}": release.get_absolute_url() for name, release in site.items()})
    return pages


def warm(client, pages):
    for url in pages.values():
        assert client.get(url).status_code == 200, url
    assert all(client.get(url)["X-Page-Cache"] == "hit" for url in pages.values())


def misses(client, pages):
    return {name for name, url in pages.items() if client.get(url)["X-Page-Cache"] == "miss"}


def test_a_draft_save_leaves_every_cached_page_a_hit(client, site, make_release, committed):
    with time_machine.travel(NOW, tick=False):
        draft = make_release("Draft in progress", status=Release.Status.DRAFT, tags=["Energy"])
        pages = urls_of(site)
        warm(client, pages)
        for n in range(3):  # a Writer saving as they type, tags included
            draft.title = f"Draft in progress, take {n}"
            committed(draft.save)
            committed(lambda n=n: draft.tags.add(f"Topic {n}"))
        assert misses(client, pages) == set()


def test_an_edit_to_a_live_release_turns_exactly_its_own_pages_into_misses(client, site, committed):
    with time_machine.travel(NOW, tick=False):
        pages = urls_of(site)
        warm(client, pages)
        b = Release.objects.get(pk=site["b"].pk)
        b.title = "Release b, corrected headline"
        committed(b.save)
        # Its page, every list and feed that shows it, and its neighbours' links to it.
        expected = {"home", "list", "energy", "feed", "energy feed", "json", "year", "sitemap",
                    "search", "detail a", "detail b", "detail c"}  # fmt: skip
        assert misses(client, pages) == expected
        assert "corrected headline" in client.get(pages["detail a"]).text


def test_a_correction_to_a_live_release_reaches_its_page_and_leaves_unrelated_pages_alone(
    client, site, publisher, committed
):
    with time_machine.travel(NOW, tick=False):
        pages = urls_of(site)
        warm(client, pages)
        d = Release.objects.get(pk=site["d"].pk)
        committed(lambda: add_correction(d, publisher, "The date was wrong."))
        stale = misses(client, pages)
        assert "detail d" in stale and {"detail a", "detail b", "energy"}.isdisjoint(stale)
        assert "The date was wrong." in client.get(pages["detail d"]).text


@pytest.mark.parametrize("step", ["withdraw", "erase", "expire"])
def test_a_take_down_leaves_every_page_at_once(client, site, publisher, committed, step):
    with time_machine.travel(NOW, tick=False):
        pages = urls_of(site)
        warm(client, pages)
        b = Release.objects.get(pk=site["b"].pk)
        steps = {
            "withdraw": lambda: take_step(b, "withdraw", publisher),
            "erase": lambda: Release.objects.filter(pk=b.pk).first().delete(),
            "expire": lambda: _expire_now(b),
        }
        committed(steps[step])
        for name, url in pages.items():
            response = client.get(url)
            assert "Release b" not in response.content.decode(), name
        assert client.get(site["b"].get_absolute_url()).status_code == 404


def _expire_now(release):
    release.expire_at = NOW
    release.save()


def test_a_take_down_is_never_served_from_a_cache_that_cannot_be_written(
    client, site, publisher, committed, monkeypatch
):
    """Review finding: the version bump failed quietly and the withdrawn release stayed
    public. The change log commits with the change, so no cache write is needed at all."""
    with time_machine.travel(NOW, tick=False):
        pages = urls_of(site)
        warm(client, pages)

        def refuse(*args, **kwargs):
            raise ConnectionError("cache full")

        for name in ("default", "pages"):
            for method in ("set", "add", "delete", "incr"):
                monkeypatch.setattr(caches[name], method, refuse)
        b = Release.objects.get(pk=site["b"].pk)
        committed(lambda: take_step(b, "withdraw", publisher))
        for name, url in pages.items():
            assert "Release b" not in client.get(url).content.decode(), name


def test_a_change_made_by_another_server_is_seen_by_its_change_log_alone(client, site):
    """Another host's change reaches this one through the database, with no cache in common
    and no on-commit hook here: here, a row written as if by another process."""
    with time_machine.travel(NOW, tick=False):
        pages = urls_of(site)
        warm(client, pages)
        Release.objects.filter(pk=site["b"].pk).update(title="Renamed elsewhere")
        PublicChange.objects.record([f"release:{site['b'].pk}"])
        assert "Renamed elsewhere" in client.get(pages["detail b"]).text


def test_moving_a_scheduled_minute_moves_the_bound_without_emptying_anything(
    client, site, make_release, committed
):
    with time_machine.travel(NOW, tick=False) as clock:
        later = make_release("Embargoed", publish_at=NOW + 60 * MINUTE, tags=["Energy"])
        assert "Embargoed" not in client.get("/news/").text
        assert "max-age=60" in client.get("/news/")["Cache-Control"]
        later.publish_at = NOW + 10 * MINUTE
        committed(later.save)
        moved = client.get("/news/")
        assert moved["X-Page-Cache"] == "hit"  # nothing public changed yet
        clock.shift(10 * MINUTE)
        at_minute = client.get("/news/")
        assert at_minute["X-Page-Cache"] == "miss" and "Embargoed" in at_minute.text


def _purge_keys(*args):
    """What a purger gets from `manage.py cdn_keys`: {key: the opaque key a CDN was sent}."""
    out = io.StringIO()
    call_command("cdn_keys", *args, stdout=out)
    return {line.split()[-2]: line.split()[-1] for line in out.getvalue().splitlines()}


def test_pages_name_what_they_show_for_a_cdn_to_purge_without_counting_releases(
    client, site, committed
):
    b, a, c = (site[name].pk for name in "bac")
    with time_machine.travel(NOW, tick=False):
        sent = client.get(site["b"].get_absolute_url())["Surrogate-Key"].split()
        assert all(re.fullmatch(r"[0-9a-f]{16}", key) for key in sent), sent
        named = _purge_keys("site", f"release:{b}", f"release:{a}", f"release:{c}", "live")
        assert set(named.values()) - {named["live"]} <= set(sent)
        assert named["live"] in client.get("/news/")["Surrogate-Key"].split()
        again = client.get(site["b"].get_absolute_url())
        assert again["X-Page-Cache"] == "hit" and again["Surrogate-Key"].split() == sent

        # The purge side: the change log after an edit names the key to purge.
        seen = PublicChange.objects.latest_seq()
        site["b"].summary = "A new summary."
        committed(site["b"].save)
        purge = _purge_keys("--since", str(seen))
        assert purge[f"release:{b}"] == named[f"release:{b}"] and "site" not in purge
    with pytest.raises(CommandError, match="Name some keys"):
        call_command("cdn_keys")


@pytest.mark.parametrize(
    "first, second",
    [
        ("/news/", "/news/?utm_source=newsletter&fbclid=x"),
        ("/news/?page=2", "/news/?junk=1&page=2"),
        ("/news/search/?q=release", "/news/search/?q=release&ref=home"),
        ("/news/feed/", "/news/feed/?cachebust=123"),
    ],
)
def test_junk_query_parameters_share_one_entry(client, make_release, first, second):
    for n in range(25):
        make_release(f"Listed {n}")
    caches["pages"].clear()
    assert client.get(first)["X-Page-Cache"] == "miss"
    response = client.get(second)
    assert response["X-Page-Cache"] == "hit"
    assert response.content == client.get(first).content


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "messages"])
def test_cookies_neither_bypass_nor_split_the_cache(client, site, cookie):
    url = site["a"].get_absolute_url()
    client.get(url)
    client.cookies[cookie] = "anything-at-all"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_pages_that_are_not_public_pages_are_never_cached(client, site):
    for url in ["/robots.txt", "/healthz/", "/admin/login/", "/no-such-page/"]:
        client.get(url)
        assert "X-Page-Cache" not in client.get(url), url


def test_search_results_keep_the_search_on_further_pages(client, make_release):
    for n in range(25):
        make_release(f"Energy report {n}")
    page = client.get("/news/search/?q=energy&junk=1")
    assert 'href="?q=energy&amp;page=2"' in page.text
    second = client.get("/news/search/?q=energy&page=2")
    assert "Energy report" in second.text and "Page 2 of 2" in second.text


@pytest.mark.django_db(transaction=True)
def test_after_a_change_waiting_requests_share_one_render(make_release, settings, monkeypatch):
    """Single flight: eight readers asking for a page at once cause one render, not eight."""
    from django.test import Client

    from articles.public.views import ReleaseListView

    settings.PAGE_CACHE_ENABLED = True
    make_release("Busy page")
    renders = []
    original = ReleaseListView.get
    gate = threading.Event()

    def slow_get(self, request, *args, **kwargs):
        renders.append(1)
        gate.wait(2)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(ReleaseListView, "get", slow_get)
    answers = []

    def read():
        answers.append(Client().get("/news/")["X-Page-Cache"])

    readers = [threading.Thread(target=read) for _ in range(8)]
    for reader in readers:
        reader.start()
    while not renders:
        pass
    gate.set()
    for reader in readers:
        reader.join(10)
    assert len(renders) == 1 and sorted(answers) == ["hit"] * 7 + ["miss"]
    caching.forget()


def test_a_topic_description_reaches_its_cached_page(client, site, committed):
    """Written, changed or removed: the topic's page is current at once (its releases' pages
    too, which carry the topic's key for their related links); other pages stay hits."""
    energy = Tag.objects.get(name="Energy")
    with time_machine.travel(NOW, tick=False):
        pages = urls_of(site)
        warm(client, pages)
        described = committed(lambda: TopicDescription.objects.create(tag=energy, text="Power."))
        assert misses(client, pages) == {"energy", "detail a", "detail b"}
        assert "Power." in client.get(pages["energy"]).text

        described.text = "Power and fuel."
        committed(described.save)
        assert "Power and fuel." in client.get(pages["energy"]).text
        committed(described.delete)
        assert "Power and fuel." not in client.get(pages["energy"]).text
        assert misses(client, pages) == {"detail a", "detail b"}  # not read since the change


def test_a_moved_address_and_a_redirect_name_the_addresses_they_touch(site, committed):
    b = Release.objects.get(pk=site["b"].pk)
    old = b.get_absolute_url()
    seen = PublicChange.objects.latest_seq()
    b.slug = "release-b-moved"
    committed(b.save)
    touched = {key for _, key in PublicChange.objects.since(seen)}
    # its page, where it was and where it is (a redirect there now, or its page), nothing more
    assert touched == {
        release_key(b.pk),
        "live-edits",
        address_key(old),
        address_key(b.get_absolute_url()),
    }
    seen = PublicChange.objects.latest_seq()
    committed(lambda: Redirect.objects.create(old_path="/legacy.aspx", old_query="id=1",
                                              new_path="/news/"))  # fmt: skip
    assert {key for _, key in PublicChange.objects.since(seen)} == {
        address_key("/legacy.aspx", "id=1")
    }
