"""Year and month archives in office time."""

import pytest

from tests.support import local, outline

pytestmark = pytest.mark.django_db


def test_month_archive_groups_live_releases_under_day_headings(client, make_release):
    make_release("Early October", publish_at=local(2026, 10, 2, 9))
    make_release("Late October", publish_at=local(2026, 10, 30, 9))
    make_release("Halloween night", publish_at=local(2026, 10, 31, 23, 30))  # Nov 1 in UTC
    make_release("November", publish_at=local(2026, 11, 1, 9))
    make_release("October draft", publish_at=local(2026, 10, 5, 9), status="draft")
    page = outline(client.get("/news/2026/10/"))
    assert page.headings == [
        ("h1", "Releases from October 2026"),
        ("h2", "Saturday, October 31, 2026"),
        ("h3", "Halloween night"),
        ("h2", "Friday, October 30, 2026"),
        ("h3", "Late October"),
        ("h2", "Friday, October 2, 2026"),
        ("h3", "Early October"),
        ("h2", "Archive"),
    ]


def test_year_archive_groups_by_month_and_navigation_counts_live_months(client, make_release):
    make_release("Spring", publish_at=local(2025, 4, 1, 9))
    make_release("Summer one", publish_at=local(2025, 7, 1, 9))
    make_release("Summer two", publish_at=local(2025, 7, 2, 9))
    make_release("Next year", publish_at=local(2026, 1, 5, 9))
    make_release("Withdrawn", publish_at=local(2025, 9, 1, 9), status="withdrawn")
    response = client.get("/news/2025/")
    page = outline(response)
    assert [text for tag, text in page.headings if tag == "h2"] == [
        "July 2025",
        "April 2025",
        "Archive",
    ]
    text = response.text
    assert 'href="/news/2025/07/"' in text and 'July</a> <span class="count">(2)</span>' in text
    assert "/news/2025/09/" not in text, "a month with nothing live is not offered"
    assert "2026</a>" in text and "(1 release)" in text and "(3 releases)" in text


@pytest.mark.parametrize(
    "url", ["/news/2026/13/", "/news/2026/00/", "/news/0000/", "/news/9999/12/", "/news/2019/"]
)
def test_invalid_or_empty_archives_are_404(client, make_release, url):
    make_release(publish_at=local(2026, 3, 1, 9))
    assert client.get(url).status_code == 404
