"""The release list (editorial/admin/release_list.py) as an editor reads it: each state on a
labelled chip, times in office time, the saved views opened from the links above the list, and
a query budget that does not grow with the releases."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag, TaggedItem

from articles.editorial.workflow import add_correction, take_step
from articles.models import Correction, Release
from articles.roles import PUBLISHER, REVIEWER, WRITER
from tests.editorial.release_form import change_url
from tests.editorial.release_states import Newsroom
from tests.subscriptions.pages import form_defaults
from tests.support import NOW, local

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


def test_mine_is_what_i_wrote_or_last_rewrote(people, office):
    newsroom = Newsroom(people)
    writer = newsroom.clients[WRITER]

    def edit(release, **changes):
        _, data = form_defaults(writer.get(change_url(release)), 'id="release_form"')
        assert writer.post(change_url(release), data | changes).status_code == 302

    newsroom.write(WRITER, office, "Written by me")
    edit(newsroom.write(PUBLISHER, office, "Rewritten by me"), summary="A sharper summary.")
    edit(newsroom.write(PUBLISHER, office, "Only tagged by me"), tags=["new:Ports"])
    newsroom.write(PUBLISHER, office, "Theirs")

    assert open_view(writer, "Mine") == {"Written by me", "Rewritten by me"}
    assert open_view(newsroom.clients[PUBLISHER], "Mine") == {
        "Rewritten by me", "Only tagged by me", "Theirs",
    }  # fmt: skip
    assert open_view(newsroom.clients[REVIEWER], "Mine") == set()


def test_waiting_for_clearance_is_every_release_in_review(make_release, people):
    make_release("In review", status="review")
    make_release("Also in review", status="review", publish_at=NOW + datetime.timedelta(days=2))
    make_release("Draft", status="draft")
    make_release("Scheduled", publish_at=NOW + datetime.timedelta(days=400))
    make_release("Live")
    make_release("Deleted", status="deleted")
    for role in [WRITER, REVIEWER, PUBLISHER]:
        shown = open_view(signed_in(people[role]), "Waiting for clearance")
        assert shown == {"In review", "Also in review"}, role


def test_scheduled_this_week_is_today_and_the_six_days_after_in_office_time(make_release, people):
    # Wednesday noon, the week in which the clocks go back (Sunday 1 November, 02:00): the
    # week ends at midnight, office time, between Tuesday 3 and Wednesday 4 November.
    now = local(2026, 10, 28, 12)
    with time_machine.travel(now, tick=False):
        make_release("In an hour", publish_at=now + datetime.timedelta(hours=1))
        make_release("Tuesday, late", publish_at=local(2026, 11, 3, 23, 30))
        make_release("Wednesday, early", publish_at=local(2026, 11, 4, 0, 30))
        make_release("Next month", publish_at=local(2026, 11, 20, 9))
        make_release("Gone out an hour ago", publish_at=now - datetime.timedelta(hours=1))
        make_release("In review for tomorrow", status="review", publish_at=local(2026, 10, 29, 9))
        make_release("Withdrawn", status="withdrawn", publish_at=local(2026, 10, 29, 9))
        shown = open_view(signed_in(people[PUBLISHER]), "Scheduled this week")
    assert shown == {"In an hour", "Tuesday, late"}


@time_machine.travel(NOW, tick=False)
def test_live_with_corrections_is_every_live_release_carrying_one(make_release, people):
    publisher = people[PUBLISHER]
    corrected = make_release("Corrected twice")
    add_correction(corrected, publisher, "The date was wrong.")
    add_correction(corrected, publisher, "The place was wrong too.")
    add_correction(make_release("Corrected once"), publisher, "A name was misspelt.")
    make_release("Never corrected")
    withdrawn = make_release("Corrected, then withdrawn")
    add_correction(withdrawn, publisher, "The figure was wrong.")
    take_step(withdrawn, "withdraw", publisher)
    expiring = make_release(
        "Corrected, then expired", publish_at=NOW - datetime.timedelta(days=3),
        expire_at=NOW - datetime.timedelta(days=1),
    )  # fmt: skip
    with time_machine.travel(NOW - datetime.timedelta(days=2)):
        add_correction(expiring, publisher, "The number was wrong.")
    make_release("Scheduled", publish_at=NOW + datetime.timedelta(days=1))

    response = signed_in(publisher).get(LIST_URL + "?view=corrected")
    shown = open_view(signed_in(publisher), "Live with corrections")
    assert shown == {"Corrected twice", "Corrected once"}
    assert ListPage(response.text).cells["title"].count("Corrected twice") == 1  # not per row


def test_the_views_are_bookmarks_that_combine_with_the_other_filters(make_release, people):
    client = signed_in(people[PUBLISHER])
    make_release("Statement in review", status="review", kind="statement")
    make_release("Press release in review", status="review", kind="press-release")
    page = ListPage(client.get(LIST_URL).text)
    assert page.current is None
    assert page.views == {
        "Mine": "?view=mine",
        "Waiting for clearance": "?view=clearance",
        "Scheduled this week": "?view=week",
        "Live with corrections": "?view=corrected",
    }
    both = ListPage(client.get(LIST_URL + "?view=clearance&kind__exact=statement").text)
    assert both.titles == {"Statement in review"}
    unknown = client.get(LIST_URL + "?view=nonsense")
    assert unknown.status_code == 200 and len(ListPage(unknown.text).titles) == 2


def _newsroom_of(size, people, office):
    """`size` more releases, a quarter in each saved view, each with tags, the writer's and
    the publisher's; made in bulk (the list's queries are under test here, not saving)."""
    writer, publisher = people[WRITER], people[PUBLISHER]
    start = Release.objects.count()
    states = [
        {"status": "review", "created_by": writer, "text_changed_by": writer},
        {"status": "published", "publish_at": NOW + datetime.timedelta(hours=1)},
        {"status": "published", "publish_at": NOW - datetime.timedelta(hours=1)},
        {"status": "draft", "created_by": publisher, "text_changed_by": writer},
    ]
    releases = Release.objects.bulk_create(
        Release(title=f"Release {n}", slug=f"release-{n}", office=office, **states[n % 4])
        for n in range(start, start + size)
    )
    tags = [Tag.objects.get_or_create(name=f"Topic {n}", slug=f"topic-{n}")[0] for n in range(7)]
    kind = ContentType.objects.get_for_model(Release)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tag, content_type=kind, object_id=release.pk)
        for n, release in enumerate(releases)
        for tag in tags[n % 3 : n % 3 + 4]
    )
    Correction.objects.bulk_create(
        Correction(release=release, text="A figure was wrong.", created_by=publisher)
        for release in releases[2::4]
    )


@pytest.mark.slow  # 300 releases
def test_the_list_runs_the_same_queries_for_four_releases_or_three_hundred(
    people, office, django_assert_max_num_queries
):
    clients = {role: signed_in(people[role]) for role in [PUBLISHER, WRITER, REVIEWER]}
    views = ListPage(clients[PUBLISHER].get(LIST_URL).text).views.values()
    pages = [LIST_URL, *(urljoin(LIST_URL, href) for href in views)]

    def counts():
        found = {}
        with time_machine.travel(NOW, tick=False):
            for role, client in clients.items():
                for url in pages:
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(url)
                    assert response.status_code == 200
                    # Rows on every page (a reviewer writes nothing: none of theirs).
                    shown = ListPage(response.text).titles
                    assert shown or (role, url) == (REVIEWER, pages[1]), (role, url)
                    found[role, url] = len(queries)
        return found

    _newsroom_of(4, people, office)
    few = counts()
    _newsroom_of(296, people, office)
    many = counts()
    assert many == few
    # 15: the session, its user and their last "sign out everywhere"; the user's and their
    # groups' permissions; the filters' offices and tags; the counts (filtered, all); the page
    # of rows with their offices, and their tags; the date drill-down (range, years); and the
    # savepoint pair around the list.
    assert max(many.values()) <= 15, many
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(15):
        clients[PUBLISHER].get(LIST_URL + "?view=corrected")
