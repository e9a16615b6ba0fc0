"""Addresses never break: a public release's old addresses answer 301 to where it is now, through
the page cache, for ever; never for a release that is not live; and a missing page offers a
search for its address's words."""

import datetime

import pytest
import time_machine

from articles.editorial.workflow import take_step
from articles.models import Redirect
from articles.public import moved
from articles.token_paths import TOKEN_PREFIXES
from tests.editorial.release_form import change_url, form_data
from tests.support import NOW, READ_ONCE, outline

pytestmark = pytest.mark.django_db
LEGACY = "/news/newsarticle.aspx?id=64105"


def slug_moved(release, slug):
    old = release.get_absolute_url()
    release.slug = slug
    release.save()
    return old, release.get_absolute_url()


def assert_moved(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, (old, response.status_code)
    assert response["Location"] == new
    assert moved.HIT_HEADER not in response  # the redirect's id never leaves the site
    return response


def test_a_slug_changed_in_the_admin_form_leaves_the_old_address_redirecting(
    client, page_cache, make_release, publisher
):
    release = make_release("Harbour dredging begins")
    old = release.get_absolute_url()
    assert client.get(old)["X-Page-Cache"] == "miss"
    assert client.get(old)["X-Page-Cache"] == "hit"  # the old page is cached

    client.force_login(publisher)
    data = form_data(client, release, slug="harbour-dredging-starts")
    assert client.post(change_url(release), data).status_code == 302
    client.logout()

    release.refresh_from_db()
    new = release.get_absolute_url()
    assert new.endswith("/harbour-dredging-starts/") and new != old
    assert assert_moved(client, old, new)["X-Page-Cache"] == "miss"
    assert assert_moved(client, old, new)["X-Page-Cache"] == "hit"
    assert client.get(new).status_code == 200
    redirect = Redirect.objects.get()
    assert (redirect.old_path, redirect.release, redirect.origin) == (old, release, "moved")


def test_a_moved_date_redirects_too(client, make_release, publisher):
    release = make_release("Moved by a day", publish_at=NOW - datetime.timedelta(days=3))
    old = release.get_absolute_url()
    take_step(release, "withdraw", publisher)
    release.refresh_from_db()
    take_step(release, "publish", publisher, published_at=NOW - datetime.timedelta(days=1))
    release.refresh_from_db()
    assert release.get_absolute_url() != old
    assert_moved(client, old, release.get_absolute_url())


def test_chains_collapse_and_going_back_is_no_loop(client, make_release):
    release = make_release("Named first")
    a, b = slug_moved(release, "named-second")
    _, c = slug_moved(release, "named-third")
    assert_moved(client, a, c)
    assert_moved(client, b, c)  # A→B→C is A→C and B→C: one hop each
    assert set(Redirect.objects.values_list("old_path", flat=True)) == {a, b}

    slug_moved(release, release.base_slug())  # back to A
    assert release.get_absolute_url() == a
    assert client.get(a).status_code == 200
    assert_moved(client, b, a)
    assert_moved(client, c, a)
    assert set(Redirect.objects.values_list("old_path", flat=True)) == {b, c}


def test_a_release_never_public_leaves_no_redirect(client, make_release):
    draft = make_release("Draft renamed", status="draft", publish_at=None)
    old, _ = slug_moved(draft, "draft-renamed-again")
    scheduled = make_release("Not yet", publish_at=NOW + datetime.timedelta(days=365))
    slug_moved(scheduled, "not-yet-renamed")
    assert not Redirect.objects.exists()
    assert client.get(old).status_code == 404


@pytest.mark.parametrize("step", ["withdraw", "delete"])
def test_an_old_address_of_a_release_taken_down_is_a_404_like_any_other(
    client, page_cache, make_release, publisher, people, step
):
    release = make_release("Taken down later")
    old, new = slug_moved(release, "taken-down-later-renamed")
    assert_moved(client, old, new)
    assert_moved(client, old, new)  # cached
    actor = people["Administrator"] if step == "delete" else publisher
    take_step(release, step, actor)
    for address in (old, new):
        response = client.get(address)
        assert response.status_code == 404
        never = client.get(address.replace("taken-down-later", "never-existed"))
        words = moved.search_words(address)
        assert response.text.replace(words, "") == never.text.replace(
            moved.search_words(address.replace("taken-down-later", "never-existed")), ""
        )


def test_an_old_address_answers_only_while_the_release_is_live(client, page_cache, make_release):
    with time_machine.travel(NOW, tick=False) as clock:
        release = make_release(
            "Expires soon",
            publish_at=NOW - datetime.timedelta(days=1),
            expire_at=NOW + datetime.timedelta(minutes=5),
        )
        old, new = slug_moved(release, "expires-soon-renamed")
        assert_moved(client, old, new)
        assert client.get(old)["X-Page-Cache"] == "hit"
        clock.shift(datetime.timedelta(minutes=5))
        assert client.get(old).status_code == 404  # never served from the cache after expiry

        soon = NOW + datetime.timedelta(minutes=6)
        legacy = make_release("Scheduled", publish_at=soon)
        Redirect.objects.create(old_path="/news/newsarticle.aspx", old_query="id=1", release=legacy)
        assert client.get("/news/newsarticle.aspx?id=1").status_code == 404  # until its minute
        clock.shift(datetime.timedelta(minutes=1))
        assert_moved(client, "/news/newsarticle.aspx?id=1", legacy.get_absolute_url())


def test_a_new_release_at_an_old_address_takes_it_over_from_the_cached_redirect(
    client, page_cache, make_release, publisher
):
    first = make_release("First holder", publish_at=NOW - datetime.timedelta(days=2))
    old, new = slug_moved(first, "first-holder-renamed")
    assert_moved(client, old, new)
    assert_moved(client, old, new)  # cached
    second = make_release("Second holder", status="review", publish_at=None)
    second.slug, second.publish_at = first.base_slug(), first.publish_at
    second.save()
    assert second.get_absolute_url() == old
    assert_moved(client, old, new)  # a release not yet live is not there
    second.status = "published"
    second.save()  # as a publication's save does
    page = client.get(old)
    assert page.status_code == 200 and "Second holder" in page.text


LEGACY_ADDRESSES = [
    (LEGACY, 301),
    ("/news/newsarticle.aspx?id=64105&utm_source=feed", 301),  # a parameter added on the way
    ("/News/NewsArticle.aspx?ID=64105", 301),  # the old server ignored case
    ("/news/newsarticle.aspx?id=64106", 404),
    ("/news/newsarticle.aspx", 404),
]


@pytest.mark.parametrize("address, status", LEGACY_ADDRESSES)
def test_a_legacy_address_with_its_query(client, page_cache, make_release, address, status):
    release = make_release("Reset in relations")
    Redirect.objects.create(
        old_path="/news/newsarticle.aspx", old_query="id=64105", release=release
    )
    for _ in range(2):  # rendered, then from the cache
        response = client.get(address)
        assert response.status_code == status, address
    if status == 301:
        assert response["Location"] == release.get_absolute_url()
        assert response["X-Page-Cache"] == "hit"


def test_a_redirect_to_a_page_of_the_site(client, make_release):
    make_release("Something live", tags=["Energy"])
    Redirect.objects.create(old_path="/energy.html", new_path="/news/tags/energy/")
    assert_moved(client, "/energy.html", "/news/tags/energy/")


def test_a_redirect_deleted_is_never_served_from_the_cache(client, page_cache, make_release):
    release = make_release("Briefly redirected")
    redirect = Redirect.objects.create(old_path="/briefing.html", release=release)
    assert client.get("/briefing.html").status_code == 301
    assert client.get("/briefing.html")["X-Page-Cache"] == "hit"
    redirect.delete()
    assert client.get("/briefing.html").status_code == 404
    assert client.get("/no-such-page.html").status_code == 404  # a 404 is not cached...
    Redirect.objects.create(old_path="/no-such-page.html", release=release)
    assert client.get("/no-such-page.html").status_code == 301  # ...so a new redirect answers


def test_a_cached_redirect_hit_costs_what_a_cached_page_costs(
    client, page_cache, make_release, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_RECHECK_SECONDS = READ_ONCE  # as on a busy server
    release = make_release("Cheap to follow")
    old, new = slug_moved(release, "cheap-to-follow-renamed")
    Redirect.objects.create(old_path="/news/newsarticle.aspx", old_query="id=7", release=release)
    client.get(new)
    with django_assert_num_queries(0):  # a cached page
        assert client.get(new)["X-Page-Cache"] == "hit"
    for address in (old, "/news/newsarticle.aspx?id=7"):
        client.get(address)  # rendered: the lookup, and the hit written (the first this minute)
        with django_assert_num_queries(0):  # then no more than the cached page
            assert_moved(client, address, new)


def test_a_redirect_lookup_is_one_query(client, make_release, django_assert_num_queries):
    release = make_release("One query")
    Redirect.objects.create(old_path="/news/newsarticle.aspx", old_query="id=9", release=release)
    with django_assert_num_queries(1):
        assert moved.find_redirect("/news/newsarticle.aspx", "id=9&x=1&y=2") is not None


def test_hits_are_counted_without_a_write_per_hit(client, make_release):
    with time_machine.travel(NOW, tick=False) as clock:
        release = make_release("Counted")
        redirect = Redirect.objects.create(old_path="/counted.html", release=release)
        for _ in range(5):
            assert client.get("/counted.html").status_code == 301
        redirect.refresh_from_db()
        assert redirect.hits == 1  # the first hit is written, the next four wait for the minute
        clock.shift(datetime.timedelta(seconds=61))
        moved.hits.written[redirect.pk] -= 61  # time.monotonic() is not travelling
        client.get("/counted.html")
        redirect.refresh_from_db()
        assert redirect.hits == 6 and redirect.last_hit == NOW + datetime.timedelta(seconds=61)


@pytest.mark.parametrize(
    "address, words",
    [
        ("/news/2011/05/26/harbour-dredging-begins/", "harbour dredging begins"),
        ("/news/Press_Releases/Fleet-Week.aspx", "fleet week"),
        ("/news/2011/05/", ""),
    ],
)
def test_a_missing_page_offers_a_search_for_its_words(client, address, words):
    response = client.get(address)
    assert response.status_code == 404
    assert f'<input type="search" name="q" id="not-found-q" value="{words}">' in response.text
    assert 'action="/news/search/"' in response.text
    assert outline(response).inline == []


@pytest.mark.parametrize(
    "address",
    [f"/{prefix}/harbour-dredging-secret/" for prefix in TOKEN_PREFIXES]
    + ["/calendar/harbour-dredging-secret.ics", "/preview/harbour-dredging-secret/more/"],
)
def test_a_missing_token_address_offers_a_search_without_the_token(client, address):
    """Searching sends the words to /news/search/?q=…, an address no log scrubs."""
    response = client.get(address)
    assert response.status_code == 404
    assert "harbour" not in response.text and "secret" not in response.text
    assert moved.search_words(address) == ""
    if 'id="not-found-q"' in response.text:  # not a reader's expired link, with its own page
        assert '<input type="search" name="q" id="not-found-q" value="">' in response.text


def test_the_words_offered_are_escaped(client):
    response = client.get('/news/"><script>alert(1)</script>/')
    assert response.status_code == 404
    assert "<script>" not in response.text
    assert 'value="script"' in response.text  # words only: nothing of the markup survives
