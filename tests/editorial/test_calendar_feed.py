"""The private iCalendar feed (articles/editorial/calendar/feed.py): made and revoked through
its page's forms, parsed with icalendar, the same moments as the calendar, nothing but titles,
times and addresses, 404 whenever its owner may no longer read, never cached; and the query
budgets of the month and the feed with 10,000 releases."""

import datetime
import hashlib
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches

from articles.models import CalendarFeed
from articles.roles import PUBLISHER, REVIEWER, WRITER
from pressoffice.scrubbing import scrub
from tests.editorial.calendar_scene import WEEK, crowd, queries, shown, signed_in
from tests.subscriptions.pages import form_defaults
from tests.support import NOW, local

pytestmark = pytest.mark.django_db

SETTINGS = "/admin/calendar/feed/"


def create_feed(client):
    """Through the page's Create form, as it is served: the address shown, this once."""
    action, data = form_defaults(client.get(SETTINGS), 'value="create"')
    response = client.post(action or SETTINGS, data)
    assert response.status_code == 200
    url = re.search(r'id="feed-address"[^>]*value="([^"]+)"', response.text)[1]
    return urlsplit(url).path


def events(response):
    """(kind label, time, admin address, title) of each event in a feed, as `shown` gives a
    calendar page's."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    found = set()
    for event in calendar.walk("VEVENT"):
        kind, title = str(event["SUMMARY"]).split(": ", 1)
        found.add((kind, event.decoded("DTSTART"), urlsplit(str(event["URL"])).path, title))
    return found


def test_a_person_makes_uses_replaces_and_revokes_their_feed(client, scene, people):
    client = signed_in(client, people[REVIEWER])
    assert "You have no calendar feed." in client.get(SETTINGS).text
    path = create_feed(client)
    assert path.startswith("/calendar/") and path.endswith(".ics")
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(secret) >= 43, "256 bits"
    stored = CalendarFeed.objects.get()
    assert stored.token == hashlib.sha256(secret.encode()).hexdigest() != secret
    assert secret not in client.get(SETTINGS).text, "shown once"

    anonymous = client.__class__()
    feed = anonymous.get(path)
    assert feed["Cache-Control"] == "private, no-store"
    assert ("Planned", local(2026, 11, 24, 10), f"/admin/articles/planneditem/"
            f"{scene['plan'].pk}/change/", scene["plan"].title) in events(feed)  # fmt: skip

    replaced = create_feed(client)
    assert anonymous.get(path).status_code == 404 and anonymous.get(replaced).status_code == 200
    action, data = form_defaults(client.get(SETTINGS), 'value="revoke"')
    response = client.post(action or SETTINGS, data, follow=True)
    assert "Your calendar feed is revoked" in response.text
    assert anonymous.get(replaced).status_code == 404
    assert "You have no calendar feed." in response.text


def test_the_feed_and_the_calendar_show_the_same_week(client, scene, people):
    client = signed_in(client, people[PUBLISHER])
    path = create_feed(client)
    week_start, week_end = local(2026, 11, 23), local(2026, 11, 30)
    in_feed = {e for e in events(client.get(path)) if week_start <= e[1] < week_end}
    on_page = shown(client.get(WEEK))
    assert in_feed == on_page and len(on_page) == 5  # the scene, and "Storm advisory" going live


def test_the_feed_holds_titles_times_and_addresses_only(client, scene, people):
    path = create_feed(signed_in(client, people[WRITER]))
    text = client.get(path).content.decode()
    assert "Harbor reopens" in text
    assert "qzxbody" not in text and "qzxnote" not in text


def test_a_feed_answers_404_once_its_owner_may_not_read(client, scene, people):
    writer = people[WRITER]
    path = create_feed(signed_in(client, writer))
    client.logout()
    assert client.get(path).status_code == 200
    assert client.get("/calendar/not-a-feed.ics").status_code == 404
    assert client.get(path.replace(".ics", "x.ics")).status_code == 404
    writer.groups.remove(Group.objects.get(name=WRITER))
    assert client.get(path).status_code == 404, "lost articles.view_release"
    writer.groups.add(Group.objects.get(name=WRITER))
    writer.is_active = False
    writer.save()
    assert client.get(path).status_code == 404, "deactivated"
    writer.is_active, writer.is_staff = True, False
    writer.save()
    assert client.get(path).status_code == 404, "no longer staff"
    writer.is_staff = True
    writer.save()
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 405


def test_the_feed_is_never_served_from_the_page_cache(client, scene, people, page_cache):
    client = signed_in(client, people[REVIEWER])
    path = create_feed(client)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    CalendarFeed.objects.update(revoked_at=NOW)
    assert client.get(path).status_code == 404
    assert not any("calendar" in str(key) for key in caches["pages"]._cache)


def test_the_feeds_address_is_kept_out_of_the_logs():
    line = 'GET /calendar/Zs9k2LqP0c7vW4nXyT1bR8mA.ics HTTP/1.1" 200'
    assert scrub(line) == 'GET /calendar/[token] HTTP/1.1" 200'
    assert scrub("/admin/calendar/week/") == "/admin/calendar/week/"


@pytest.mark.slow
def test_the_month_and_the_feed_cost_a_fixed_few_queries_however_much_they_hold(
    client, clock, office, people
):
    """10,000 releases over two years around now, 200 plans over the next half year."""
    client = signed_in(client, people[PUBLISHER])
    path = create_feed(client)
    app = client.__class__()  # a calendar app: no session
    empty = {"month": queries(client, "/admin/calendar/")[0], "feed": queries(app, path)[0]}
    crowd(office, people[WRITER])
    month_queries, month = queries(client, "/admin/calendar/")
    feed_queries, feed = queries(app, path)
    assert len(shown(month)) > 400 and month.text.count('name="when"') > 100
    in_feed = events(feed)
    assert len(in_feed) > 1500
    # The month: the session, its person and their last "sign out everywhere" (3), their
    # permissions (2), one query per source of moments (4), the scheduled releases' versions
    # (1). The feed: the feed with its person, their permissions (2), one query per source (4).
    assert {"month": month_queries, "feed": feed_queries} == empty
    assert month_queries <= 10 and feed_queries <= 7
    assert NOW - datetime.timedelta(days=14) <= min(e[1] for e in in_feed)
