"""What the planning calendar's tests share (tests/editorial/test_calendar.py and
test_calendar_feed.py): the pinned week and its scene, reading
the moments a calendar page shows, and a crowded newsroom for the query budgets. Its fixtures
reach every test through `pytest_plugins` in tests/conftest.py."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import PlannedItem, Release
from articles.roles import WRITER
from articles.states import Status
from subscriptions.press.models import PressMailing
from tests.support import NOW, cleared, local

MOMENT = re.compile(
    r'<li class="calendar-moment calendar-[\w-]+">\s*<span class="calendar-kind">([^<]+)</span>'
    r'\s*<time datetime="([^"]+)">[^<]*</time>\s*<a href="([^"]+)">([^<]*)</a>'
)
WEEK = "/admin/calendar/week/2026/11/23/"  # Mon 23 – Sun 29 Nov 2026, NOW's week


def shown(response):
    """(kind label, time, admin address, title) of every moment on a calendar page."""
    return {
        (kind, datetime.datetime.fromisoformat(at), url, html.unescape(title))
        for kind, at, url, title in MOMENT.findall(response.content.decode())
    }


def messages(response):
    return [str(m) for m in response.context["messages"]]


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def scene(clock, make_release, people):
    """NOW's week (Wed 25 Nov 2026, noon): one moment of each kind, and text that must not
    leave the release pages."""
    scheduled = cleared(
        make_release("Harbor reopens", publish_at=local(2026, 11, 26, 9), body="<p>qzxbody</p>")
    )
    expiring = make_release(
        "Storm advisory", publish_at=NOW - datetime.timedelta(days=1),
        expire_at=local(2026, 11, 27, 17),
    )  # fmt: skip
    mailing = PressMailing.objects.create(release=scheduled, send_at=local(2026, 11, 25, 15))
    plan = PlannedItem.objects.create(
        title="Secretary's statement on the storm season", at=local(2026, 11, 24, 10),
        owner=people[WRITER], note="qzxnote: the Secretary may cancel",
    )  # fmt: skip
    return {"scheduled": scheduled, "expiring": expiring, "mailing": mailing, "plan": plan}


def crowd(office, owner, releases=10_000, plans=200):
    """`releases` releases over two years around NOW, live and scheduled, a fifth with an
    expiry, and `plans` plans over the next half year."""
    hour = datetime.timedelta(hours=1)
    start = NOW - datetime.timedelta(days=365)
    step = datetime.timedelta(days=730) / releases
    Release.objects.bulk_create(
        [
            Release(
                title=f"Crowd {n}", slug=f"crowd-{n}", office=office, status=Status.PUBLISHED,
                publish_at=start + n * step,
                expire_at=start + n * step + 48 * hour if n % 5 == 0 else None,
            )
            for n in range(releases)
        ],
        batch_size=2000,
    )  # fmt: skip
    PlannedItem.objects.bulk_create(
        PlannedItem(title=f"Plan {n}", at=NOW + n * 20 * hour, owner=owner) for n in range(plans)
    )


def queries(client, path):
    """(the number of queries, the response) of a GET."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response
