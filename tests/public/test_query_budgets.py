"""Query budgets (design rule 6): every public surface runs the same number of queries with a
few releases and tags or many. Each budget is written next to what the queries are."""

import pytest

pytestmark = pytest.mark.django_db

# The many-releases run proves the budget does not grow; `make test-fast` runs the few.
SIZES = [3, pytest.param(30, marks=pytest.mark.slow)]


@pytest.fixture(autouse=True)
def production_caching(fragment_caching, change_log_read):
    """As in production: site-wide fragments (office, follow links, archive months, topics,
    totals) are cached, and the change log is not read on every request; the full-page cache
    stays off so every page is really rendered. `releases` is in tests/public/conftest.py."""


def assert_budget(client, url, budget, django_assert_num_queries):
    client.get(url)  # fills the fragment cache, as the first reader after a change does
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200, url
    return response


BUDGETS = {
    # the first 20 rows, featured, the tags of both; the total is a cached fragment like the
    # office, follow links and archive months
    "/news/": 3,
    # deeper pages: the page's ids (from the index alone), those rows, their tags
    "/news/?page=2": 3,
    # tag, rows, their tags
    "/news/tags/shared/": 3,
    # rows, their tags
    "/news/2026/": 2,
    "/news/2026/10/": 2,
    # count, rows (searches are too varied to cache their totals; results show no tags)
    "/news/search/?q=Body": 2,
    "/news/search/?kind=news&tag=shared&date_from=2026-01-01&date_to=2026-12-31": 2,
    # releases, their tags, their corrections
    "/news/feed/": 3,
    "/news/feed/atom/": 3,
    "/news/feed.json": 3,
    # tag, exists, releases, their tags, their corrections
    "/news/tags/shared/feed/": 5,
    "/news/tags/shared/feed/atom/": 5,
    # none: counts, topics, months and the latest change are cached fragments
    "/sitemap.xml": 0,
    "/sitemap-tags.xml": 0,
    "/sitemap-archives.xml": 0,
    # the page of releases
    "/sitemap-releases.xml": 1,
    "/sitemap-news.xml": 1,
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("url", BUDGETS)
def test_public_surface_query_budget(client, releases, django_assert_num_queries, url, n):
    releases(n if "page=2" not in url else 20 + n)
    response = assert_budget(client, url, BUDGETS[url], django_assert_num_queries)
    if url in CARD_PAGES:  # the budget covers cards with their photos
        assert "/media/renditions/" in response.text, url


CARD_PAGES = {"/news/", "/news/?page=2", "/news/tags/shared/", "/news/2026/", "/news/2026/10/"}


@pytest.mark.parametrize("n", SIZES)
def test_detail_page_query_budget(client, releases, django_assert_num_queries, n):
    release = releases(n)[n // 2]
    url = release.get_absolute_url()
    client.get("/news/")  # leaves the site-wide fragments cached, as any earlier reader does
    # tags, corrections, related, older and newer, its family (the language switcher) and its
    # social posts: a fragment per release, computed by its first reader, beside the release
    # with its office and photo
    with django_assert_num_queries(8):
        client.get(url)
    # then the release with its office and photo alone
    assert_budget(client, url, 1, django_assert_num_queries)
