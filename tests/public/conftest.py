"""What the public pages' tests share: the change log read as a busy server reads it, and a
page's worth of live releases with tags and lead photos."""

import datetime

import pytest

from articles.pagecache import freshness
from tests.support import READ_ONCE, photo_bytes


@pytest.fixture
def change_log_read(settings):
    """The change log was read a moment ago and is not read again during the test, as on a busy
    server (where once a second is often enough): queries a test counts are the page's own."""
    settings.PAGE_CACHE_RECHECK_SECONDS = READ_ONCE
    freshness.refresh()


@pytest.fixture
def releases(make_release, library_image):
    """`releases(n)`: n live releases in two months, each with two own tags and one shared
    ("shared"); the first is featured, and all but the first have a lead photo."""

    def fill(n):
        photo = library_image(content=photo_bytes(64, 48))
        return [
            make_release(
                tags=[f"tag-{i}-a", f"tag-{i}-b", "shared"],
                featured=i == 0,
                lead_image=photo if i else None,
                publish_at=datetime.datetime(2026, 10 + i % 2, 1 + i % 27, 12, tzinfo=datetime.UTC),
            )
            for i in range(n)
        ]

    return fill
