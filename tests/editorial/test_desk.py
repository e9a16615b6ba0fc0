"""The desk, the admin's home: each role's panels with releases brought to each state through the
admin, the missed-schedule alarm, the site's health, and the query budget at 10,000 releases."""

import datetime
import io
import itertools
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import ClearanceRoute, PlannedItem, Release, TimerRun
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from articles.states import Status
from tests.editorial.release_states import Newsroom

pytestmark = pytest.mark.django_db


def panels(response):
    """{panel key: its text} for the desk's panels on a served page."""
    assert response.status_code == 200
    found = {}
    for key, body in re.findall(
        r'<section class="desk-panel[^"]*" id="panel-([\w-]+)".*?>(.*?)</section>',
        response.text,
        re.S,
    ):
        found[key] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
    return found


@pytest.fixture
def newsroom(people):
    return Newsroom(people)


@pytest.fixture
def desk_of(people):
    """The desk as `role` sees it now (signed in afresh: staff sessions end with the day)."""

    def get(role):
        client = Client()
        client.force_login(people[role])
        return panels(client.get("/admin/"))

    return get


@pytest.mark.slow  # six releases, each through the admin
def test_each_role_sees_the_releases_that_wait_for_it(newsroom, desk_of, office):
    draft = newsroom.release_in("draft", office)
    in_review = newsroom.release_in("in-review", office)
    sent_back = newsroom.release_in("changes-requested", office)
    ready = newsroom.release_in("cleared", office)
    scheduled = newsroom.release_in("scheduled", office)
    corrected = newsroom.release_in("live-corrected", office)

    writer = desk_of(WRITER)
    assert draft.title in writer["my-drafts"]
    assert sent_back.title not in writer["my-drafts"], "a returned draft has its own panel"
    assert sent_back.title in writer["sent-back"]
    assert "The second quote needs its source." in writer["sent-back"]
    assert in_review.title in writer["my-clearance"]
    assert "Waiting for A second reader" in writer["my-clearance"]
    assert (
        ready.title in writer["my-clearance"]
        and "Cleared: ready to publish" in (writer["my-clearance"])
    )
    assert {"cleared", "week", "corrected", "waiting-for-me", "sending"}.isdisjoint(writer)

    reviewer = desk_of(REVIEWER)
    assert in_review.title in reviewer["waiting-for-me"]
    assert ready.title not in reviewer["waiting-for-me"], "cleared already"
    assert "cleared" not in reviewer

    publisher = desk_of(PUBLISHER)
    assert ready.title in publisher["cleared"]
    assert in_review.title not in publisher["cleared"]
    assert scheduled.title in publisher["week"] and "Goes live" in publisher["week"]
    assert corrected.title in publisher["corrected"]
    assert "1 correction(s)" in publisher["corrected"]
    assert corrected.title in publisher["recent"]
    assert draft.title not in publisher["recent"] and scheduled.title not in publisher["recent"]
    assert "missed" not in publisher, "no alarm while nothing is late"
    for role in [WRITER, REVIEWER, PUBLISHER, ADMINISTRATOR]:
        assert "health" in desk_of(role)


def test_an_empty_desk_says_so_and_keeps_every_section(newsroom):
    page = newsroom.clients[PUBLISHER].get("/admin/")
    shown = panels(page)
    assert shown["cleared"] == "Cleared, ready to publish Nothing cleared is waiting."
    assert "Nothing is scheduled for the week." in shown["week"]
    assert "Recent actions" not in page.text
    assert "Every section" in page.text and 'href="/admin/articles/release/"' in page.text


def test_a_missed_schedule_rings_until_publish_due_runs(newsroom, desk_of, office):
    scheduled = newsroom.release_in("scheduled", office)
    due = scheduled.publish_at
    with time_machine.travel(due + datetime.timedelta(seconds=30)):
        assert "missed" not in desk_of(PUBLISHER), "a minute's grace for the timer"
    with time_machine.travel(due + datetime.timedelta(minutes=10)):
        publisher = desk_of(PUBLISHER)
        assert scheduled.title in publisher["missed"]
        assert "manage.py publish_due" in publisher["missed"]
        assert "Publish timer: never ran" in publisher["health"]
        assert "missed" not in desk_of(WRITER), "the alarm is for those who can act on it"

        call_command("publish_due", stdout=io.StringIO())

        publisher = desk_of(PUBLISHER)
        assert "missed" not in publisher
        assert "Publish timer: last ran" in publisher["health"]
        assert "Stopped" not in publisher["health"].split("Change log")[0]
    with time_machine.travel(due + datetime.timedelta(minutes=30)):
        assert "Publish timer: last ran" in desk_of(WRITER)["health"]
        assert "Stopped" in desk_of(WRITER)["health"].split("Change log")[0]


def test_the_reviewer_panel_marks_an_overdue_sign_off(newsroom, desk_of, office, settings, people):
    settings.CLEARANCE_WORKDAY = (0, 24)
    in_review = newsroom.release_in("in-review", office)
    assert "Overdue" not in desk_of(REVIEWER)["waiting-for-me"]
    Release.objects.filter(pk=in_review.pk).update(
        review_started_at=timezone.now() - datetime.timedelta(days=10)
    )
    # The second reader has no due time of its own; a route's sign-off has.
    route = ClearanceRoute.objects.create(name="Press", kind=in_review.kind)
    legal = route.required.create(name="Legal", stage=1, due_hours=2)
    legal.people.add(people[REVIEWER])
    reviewer = desk_of(REVIEWER)["waiting-for-me"]
    assert in_review.title in reviewer and "Legal" in reviewer and "Overdue" in reviewer


def releases(office, people, first, count):
    now = timezone.now()
    Release.objects.bulk_create(
        Release(
            title=f"Release {n}",
            slug=f"release-{n}",
            office=office,
            status=[Status.PUBLISHED, Status.DRAFT, Status.IN_REVIEW][n % 3],
            publish_at=now + datetime.timedelta(minutes=n - first - count // 2),
            went_live_at=now if n - first < count // 2 else None,
            created_by=people[[WRITER, PUBLISHER][n % 2]],
            review_started_at=now,
        )
        for n in range(first, first + count)
    )
    PlannedItem.objects.bulk_create(
        PlannedItem(title=f"Plan {n}", at=now + datetime.timedelta(hours=n - first), owner=owner)
        for n, owner in zip(range(first, first + count // 50), itertools.cycle(people.values()))
    )


# What the publisher's desk may cost, whatever the database holds: each panel a query or two,
# plus the admin's own (session, user, permissions, the app list).
DESK_BUDGET = 28


@pytest.mark.slow  # 10,000 rows
def test_the_desk_costs_the_same_few_queries_at_ten_thousand_releases(
    people, office, django_assert_num_queries
):
    client = Client()
    client.force_login(people[PUBLISHER])
    releases(office, people, 0, 60)
    client.get("/admin/")  # content types and the roles' permissions, cached
    with django_assert_num_queries(DESK_BUDGET):
        client.get("/admin/")
    releases(office, people, 60, 10_000)  # and 200 planned items
    with django_assert_num_queries(DESK_BUDGET):
        response = client.get("/admin/")
    shown = panels(response)
    assert shown["week"].count("Goes live") == 20, "the week's first lines; the calendar has more"
    assert shown["my-drafts"].count("Release ") == 8, "a short list, the rest a link away"


def test_the_timer_run_is_recorded_by_each_command():
    call_command("trim_change_log", stdout=io.StringIO())
    assert set(TimerRun.objects.last()) == {"trim_change_log"}


def test_each_whole_list_link_opens_the_release_list_with_the_panels_rows(newsroom, office, people):
    draft = newsroom.release_in("draft", office)
    scheduled = newsroom.release_in("scheduled", office)
    corrected = newsroom.release_in("live-corrected", office)
    expected = {"my-drafts": (WRITER, draft), "week": (PUBLISHER, scheduled)}
    expected |= {"corrected": (PUBLISHER, corrected)}
    for key, (role, release) in expected.items():
        client = Client()
        client.force_login(people[role])
        page = client.get("/admin/").text
        section = page[page.index(f'id="panel-{key}"') :]
        link = re.search(r'<p class="desk-more"><a href="([^"]+)"', section).group(1)
        listed = client.get(link.replace("&amp;", "&"))
        assert listed.status_code == 200
        assert release.title in listed.text, (key, link)
        others = {draft, scheduled, corrected} - {release}
        assert not any(other.title in listed.text for other in others), (key, link)


def test_a_release_that_expired_before_the_timer_ran_does_not_ring(desk_of, make_release):
    """publish_due skips a release whose whole run has passed (nobody reads it now): the
    alarm must not ring for ever for what the timer will never take."""
    short = make_release(
        "Short-lived",
        publish_at=timezone.now() - datetime.timedelta(hours=2),
        expire_at=timezone.now() - datetime.timedelta(hours=1),
    )
    Release.objects.filter(pk=short.pk).update(went_live_at=None)
    call_command("publish_due", stdout=io.StringIO())
    assert "missed" not in desk_of(PUBLISHER)
