"""The release list (editorial/admin/release_list.py) as an editor reads it: each state on a
labelled chip, times in office time."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import time_machine
from django.test import Client

from tests.support import NOW

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/release/"


class ListPage(HTMLParser):
    """What the served list shows: the saved views' links above it ({label: href}, and which
    one is current) and the text of each cell, by field ({"title": [...], ...})."""

    def __init__(self, html):
        super().__init__()
        self.views, self.current, self.cells = {}, None, {}
        self._in_views, self._link, self._cell, self._depth = False, None, None, 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "nav" and "saved-views" in classes:
            self._in_views = True
        elif tag == "a" and self._in_views:
            self._link = [attrs["href"], "", "aria-current" in attrs]
        if self._cell is not None and tag in {"td", "th"}:
            self._depth += 1
        elif tag in {"td", "th"}:
            field = next((c.removeprefix("field-") for c in classes if c.startswith("field-")), 0)
            if field:
                self._cell = [field, ""]

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            href, label, current = self._link
            self.views[label.strip()] = href
            self.current = label.strip() if current else self.current
            self._link = None
        elif tag == "nav":
            self._in_views = False
        elif tag in {"td", "th"} and self._cell is not None:
            if self._depth:
                self._depth -= 1
                return
            field, text = self._cell
            self.cells.setdefault(field, []).append(" ".join(text.split()))
            self._cell = None

    @property
    def titles(self):
        return set(self.cells.get("title", []))


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def open_view(client, label):
    """The list, then the saved view's link on it, followed as a browser follows it."""
    page = ListPage(client.get(LIST_URL).text)
    response = client.get(urljoin(LIST_URL, page.views[label]))
    assert response.status_code == 200
    shown = ListPage(response.text)
    assert shown.current == label
    return shown.titles


def test_each_state_is_a_labelled_chip_and_times_are_office_time(editor_client, make_release):
    with time_machine.travel(NOW, tick=False):
        make_release("Is live", tags=["Budget"], publish_at=NOW - datetime.timedelta(days=1))
        make_release(
            "Is scheduled", publish_at=datetime.datetime(2026, 11, 26, 14, tzinfo=datetime.UTC)
        )
        make_release("Is draft", status="draft", publish_at=None)
        make_release("Is withdrawn", status="withdrawn")
        make_release("Is expired", publish_at=NOW - datetime.timedelta(days=2),
                     expire_at=NOW - datetime.timedelta(days=1))  # fmt: skip
        html = editor_client.get(LIST_URL).text
    page = ListPage(html)
    states = dict(zip(page.cells["title"], page.cells["state_display"], strict=True))
    assert states == {
        "Is scheduled": "Scheduled — Thu 26 Nov, 09:00",
        "Is live": "Live",
        "Is expired": "Expired",
        "Is withdrawn": "Withdrawn",
        "Is draft": "Draft",
    }
    for state in ["scheduled", "live", "expired", "withdrawn", "draft"]:
        assert f'<span class="state-chip state-{state}">' in html, state
    assert "Times are office time (America/New_York)." in html
    assert "Tue 24 Nov 2026, 12:00 EST" in page.cells["publish_time"]
    assert "Budget" in page.cells["tag_names"]
    assert "Office of Public Affairs" in page.cells["office"]
