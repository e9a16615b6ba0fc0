"""Nothing that is not live leaks: crawl every public URL and look for a marker in every byte.

One release in each non-live state carries a unique marker in every text field and tag; a live
control release carries another. So does a Spanish edition in each non-live state, each of a
live English release whose page must not name it, and a live Spanish edition of the control.
The crawl starts from every route the URLconf exposes (filled
in with the hidden releases' own dates, slugs and tags), follows every link, feed item and
sitemap entry, and fails if a hidden marker shows up anywhere, or if the control does not.
"""

import datetime
import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls import resolve as resolve_in_language
from django.utils import timezone
from django.utils.translation import get_language_from_path, override

from articles.addresses import url as address
from articles.models import Redirect, Release
from articles.public.moved import search_words
from tests.servers import Nginx, require
from tests.support import NOW, crawl, not_live

pytestmark = pytest.mark.django_db

HIDDEN_MARK = "qzxhidden"
CONTROL_MARK = "qzxcontrol"
MAX_PAGES = 400
PHOTO_KEY = re.compile(r'data-file="([0-9a-f]{32})"')


def photo_keys(body):
    return PHOTO_KEY.findall(body)


# Capability URLs: a share link works only with its secret token (tests/editorial/test_previews.py).
NEEDS_A_SECRET = {
    "preview_link",
    # A subscriber's own links (tests/subscriptions/); none shows a release or an address.
    "subscriptions:confirm",
    "subscriptions:manage",
    "subscriptions:unsubscribe",
    "subscriptions:embargoed",  # a press contact's link (tests/subscriptions/test_press.py)
    "fact_check",  # an outside fact-checker's link (tests/editorial/test_fact_checks.py)
    "calendar_feed",  # a person's calendar feed (tests/editorial/test_calendar_feed.py)
}
# Endpoints that only take reports in and show nothing (tested in tests/test_headers.py).
SHOWS_NOTHING = {"csp_report"}


def resolve(path):
    """The route of `path`, in the language its address is in (/es/… is Spanish)."""
    with override(get_language_from_path(path) or "en"):
        return resolve_in_language(path)


def public_route_names():
    """Every named route outside the staff pages (/admin/, and sign-in under /accounts/), with
    its namespace."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if str(pattern.pattern).startswith(("admin/", "accounts/")):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names - NEEDS_A_SECRET - SHOWS_NOTHING


def make_marked(make_release, library_image, state, mark, **fields):
    lead = library_image(
        alt_text=f"{mark} lead alt", caption=f"{mark} caption", credit=f"{mark} credit"
    )
    inline = library_image(alt_text=f"{mark} inline alt")
    fields["lead_image"] = lead
    fields["body"] = f'<p>{mark} body paragraph.</p><figure><img src="{inline.url()}"></figure>'
    return make_release(
        f"{mark} {state} headline",
        slug=f"{mark}-{state}",
        summary=f"{mark} summary",
        dateline=f"{mark} place",
        byline=f"By {mark}",
        release_number=f"No. {mark}-{state}",
        tags=[f"{mark}-{state}-tag"],
        **fields,
    )


def old_addresses(releases):
    """Old addresses of each release, as a moved slug and a legacy link leave them: the crawl
    asks each (a hidden release's must answer 404, like the release)."""
    urls = {}
    for number, release in enumerate(releases, start=1):
        moved = Redirect.objects.record_move(release, f"/news/2020/01/02/old-address-{number}/")
        Redirect.objects.create(
            old_path="/news/newsarticle.aspx", old_query=f"id={number}", release=release
        )
        urls[release.pk] = [moved.old_address, f"/news/newsarticle.aspx?ID={number}&utm=x"]
    return urls


def api_seeds(hidden):
    """The read API (tests/api/ asks it more ways): its page, its document, every endpoint in
    each language, and each release's own answer, by its id (a hidden one's must be a 404)."""
    urls = {address("api:index"), address("api:schema")}
    for name in ("api:releases", "api:topics", "api:offices"):
        urls |= {address(name), f"{address(name)}?language=es"}
    for release in [*hidden, *Release.objects.live()]:
        urls.add(address("api:release", release.guid))
    for release in hidden:
        urls.add(f"{address('api:releases')}?topic={release.tags.get().slug}")
    return urls


def seeds(hidden, redirects, today):
    urls = {"/sitemap.xml", "/sitemap-news.xml", "/robots.txt", "/healthz/", "/readyz/"}
    urls |= api_seeds(hidden)
    for language in ("en", "es"):
        search = address("articles:search", language=language)
        urls |= {
            address("home", language=language),
            address("articles:list", language=language),
            address("articles:feed", language=language),
            address("articles:feed_atom", language=language),
            address("articles:feed_json", language=language),
            f"{search}?q={HIDDEN_MARK}",
            f"{search}?q={CONTROL_MARK}",
        }
    for release in hidden:
        urls.update(redirects[release.pk])
        day = release.local_date or today
        tag = release.tags.get().slug

        def at(name, *args, language=release.language):
            return address(name, *args, language=language)

        urls |= {
            release.get_absolute_url(),
            at("articles:archive_year", day.year),
            at("articles:archive_month", day.year, day.month),
            at("articles:tag", tag),
            at("articles:tag_feed", tag),
            at("articles:tag_feed_atom", tag),
            f"{at('articles:search')}?tag={tag}",
            f"{at('articles:search')}?q={release.slug}",
            # the other language's addresses of the same day and topic
            at("articles:tag", tag, language="en"),
            at("articles:archive_month", day.year, day.month, language="es"),
        }
    return urls


def check_no_leaks(client, make_release, library_image, now, ahead=datetime.timedelta(minutes=1)):
    """The crawl, with the releases' states set around `now` (a scheduled one `ahead` of it)."""
    states = not_live(now, ahead)
    hidden = [
        make_marked(make_release, library_image, state, HIDDEN_MARK, **fields)
        for state, fields in states.items()
    ]
    originals = {
        state: make_release(f"English original of a {state} edition", tags=["Families"])
        for state in states
    }
    hidden += [
        make_marked(
            make_release,
            library_image,
            f"{state}-es",
            HIDDEN_MARK,
            language="es",
            original=originals[state],
            **fields,
        )  # fmt: skip
        for state, fields in states.items()
    ]
    control = make_marked(make_release, library_image, "live", CONTROL_MARK)
    control_es = make_marked(
        make_release, library_image, "live-es", CONTROL_MARK, language="es", original=control
    )
    redirects = old_addresses([*hidden, control, control_es])
    hidden_photos = {key for r in hidden for key in (r.lead_image.key, *photo_keys(r.body))}
    assert len(hidden_photos) == 2 * len(hidden)

    visited_routes, control_seen_on, crawled = set(), set(), 0
    hidden_redirects = {url for release in hidden for url in redirects[release.pk]}
    for url, response in crawl(client, seeds(hidden, redirects, now.date()), MAX_PAGES):
        crawled += 1
        assert response.status_code in {200, 301, 404}, (url, response.status_code)
        if url in hidden_redirects:  # like the release itself: never a redirect
            assert response.status_code == 404, url
        if response.get("Content-Type", "").startswith("image/"):
            visited_routes.add(resolve(urlsplit(url).path).view_name)
            continue
        body = response.content.decode()
        for _, value in parse_qsl(urlsplit(url).query):
            body = body.replace(value, "")  # the reader's own words echoed back leak nothing
        if response.status_code == 404:  # offered as a search: the address's own words
            body = body.replace(f'value="{search_words(urlsplit(url).path)}"', "")
        assert HIDDEN_MARK not in body.lower(), f"hidden release leaked on {url}"
        assert not any(key in body for key in hidden_photos), f"hidden photo linked on {url}"
        if CONTROL_MARK in body:
            control_seen_on.add(url)
        if response.status_code == 200:
            visited_routes.add(resolve(urlsplit(url).path).view_name)
    assert set(Release.objects.live()) == {control, control_es, *originals.values()}

    assert crawled < MAX_PAGES, f"crawl stopped at {MAX_PAGES} pages"
    assert visited_routes == public_route_names(), "every public route was crawled"
    for must_show in [
        "/news/", control.get_absolute_url(), "/news/feed/", "/news/feed.json",
        "/es/noticias/", control_es.get_absolute_url(), "/es/noticias/feed/",
    ]:  # fmt: skip
        assert must_show in control_seen_on, f"the live control is missing from {must_show}"
    assert any("sitemap-releases" in url for url in control_seen_on)
    for release in (control, control_es):  # the same old addresses of a live release do answer
        for url in redirects[release.pk]:
            response = client.get(url)
            assert response.status_code == 301
            assert response["Location"] == release.get_absolute_url()
    # the English control's page names its live Spanish edition
    page = client.get(control.get_absolute_url()).content.decode()
    assert f'href="{control_es.get_absolute_url()}" hreflang="es"' in page


@pytest.mark.slow  # a crawl of every public surface; the full suite runs it
def test_no_hidden_release_shows_anywhere_and_the_live_one_does(
    client, make_release, library_image
):
    with time_machine.travel(NOW, tick=False):
        check_no_leaks(client, make_release, library_image, NOW)


class ThroughNginx:
    """A reader's client through the shipped nginx site and its micro-cache: each address asked
    twice, so the second answer is the micro-cache's copy wherever nginx kept one."""

    class Response:
        """An answer as the crawl reads a test client's."""

        def __init__(self, answer):
            self.status_code, self.content = answer.status, answer.body
            self.headers = answer.headers

        def get(self, name, default=None):
            return self.headers.get(name, default)

        def __getitem__(self, name):
            return self.headers[name]

    def __init__(self, nginx):
        self.nginx = nginx
        self.cache_status = Counter()

    def _ask(self, url):  # with the host name the crawl's links are made for
        return self.Response(self.nginx.request(url, headers={"Host": "testserver"}))

    def get(self, url):
        self._ask(url)
        response = self._ask(url)
        self.cache_status[response.status_code, response.get("X-Cache-Status")] += 1
        return response


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_nor_through_nginx_and_its_micro_cache(
    live_server, page_cache, make_release, library_image, tmp_path
):
    """The same crawl on the real clock, through nginx in front of the application with its
    page cache on as in production: whatever nginx keeps, it keeps no hidden release."""
    page_cache.PAGE_CACHE_RECHECK_SECONDS = 1
    require("nginx", "/usr/sbin/nginx")
    require("openssl")
    nginx = Nginx(tmp_path, live_server.url.removeprefix("http://")).start()
    try:
        client = ThroughNginx(nginx)
        ahead = datetime.timedelta(hours=1)  # the crawl takes a while on the real clock
        check_no_leaks(client, make_release, library_image, timezone.now(), ahead)
    finally:
        nginx.stop()
    answers = client.cache_status
    assert answers[200, "HIT"] > answers[200, "MISS"], answers
    assert {status for status, cache in answers if cache == "HIT"} == {200}, answers
