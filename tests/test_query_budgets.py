"""Query budgets (DESIGN.md rule 6): every public surface runs the same number of queries with a
few releases and tags or many. Each budget is written next to what the queries are."""

import datetime

import pytest

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


@pytest.fixture
def releases(make_release):
    """`releases(n)`: n live releases in two months, each with two own tags and one shared."""

    def fill(n):
        made = []
        for i in range(n):
            made.append(
                make_release(
                    tags=[f"tag-{i}-a", f"tag-{i}-b", "shared"],
                    publish_at=datetime.datetime(
                        2026, 10 + i % 2, 1 + i % 27, 12, tzinfo=datetime.UTC
                    ),
                )
            )
        return made

    return fill


def assert_budget(client, url, budget, django_assert_num_queries):
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200, url


BUDGETS = {
    # count, releases, their tags, archive months, default office, social links
    "/news/": 6,
    "/news/?page=2": 6,
    # tag, count, releases, their tags, default office, social links
    "/news/tags/shared/": 6,
    # count, releases, their tags, archive months, default office, social links
    "/news/2026/": 6,
    "/news/2026/10/": 6,
    # live tags for the form, count, results, their tags, default office, social links
    "/news/search/?q=Body": 6,
    "/news/search/?kind=news&tag=shared&date_from=2026-01-01&date_to=2026-12-31": 6,
    # releases, their tags, their corrections
    "/news/feed/": 3,
    "/news/feed/atom/": 3,
    "/news/feed.json": 3,
    # tag, exists, releases, their tags, their corrections
    "/news/tags/shared/feed/": 5,
    "/news/tags/shared/feed/atom/": 5,
    # page counts of releases, tags and archive months; latest release change
    "/sitemap.xml": 4,
    # count, page
    "/sitemap-releases.xml": 2,
    "/sitemap-tags.xml": 2,
    # months
    "/sitemap-archives.xml": 1,
    "/sitemap-news.xml": 1,
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("url", BUDGETS)
def test_public_surface_query_budget(client, releases, django_assert_num_queries, url, n):
    releases(n if "page=2" not in url else 20 + n)
    assert_budget(client, url, BUDGETS[url], django_assert_num_queries)


@pytest.mark.parametrize("n", SIZES)
def test_detail_page_query_budget(client, releases, django_assert_num_queries, n):
    release = releases(n)[n // 2]
    # release with office, its tags, its corrections, related, older, newer, default office,
    # social links
    assert_budget(client, release.get_absolute_url(), 8, django_assert_num_queries)
