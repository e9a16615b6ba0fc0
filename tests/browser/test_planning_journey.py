"""A week planned and kept, in a real browser, the way the newsroom does it: a plan on the
calendar, opened as a draft, written, cleared by a second person, scheduled from the calendar at
its planned time; then it is on the desk's week and in the publisher's own calendar feed."""

import icalendar
import pytest
from django.utils import timezone

from articles.models import PlannedItem, Release
from articles.roles import PUBLISHER, REVIEWER, WRITER
from articles.states import State
from tests.browser.test_calendar import tomorrow_at, week_path
from tests.browser.test_editor import log_in, watch_for_csp_violations

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Secretary's statement on the storm season"


def test_plan_open_write_clear_schedule_then_desk_and_feed_show_it(
    browser, live_server, people, office
):
    violations = []
    when = tomorrow_at(10)
    week = live_server.url + week_path(timezone.localdate(when))

    def person(role):
        page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        watch_for_csp_violations(page, violations)
        log_in(page, live_server, role)
        return page

    # The writer plans the statement, then opens it from the calendar as a draft.
    writer = person(WRITER)
    writer.goto(live_server.url + "/admin/articles/planneditem/add/")
    writer.fill("#id_title", TITLE)
    writer.fill("#id_at_0", f"{when:%Y-%m-%d}")
    writer.fill("#id_at_1", f"{when:%H:%M}")
    writer.click("input[name=_save]")
    writer.goto(week)
    assert TITLE in writer.locator("main, #content").first.inner_text()
    writer.get_by_role("button", name=f"Open draft of {TITLE}").click()
    writer.wait_for_url("**/admin/articles/release/*/change/")
    assert writer.input_value("#id_title") == TITLE
    writer.click(".prose-editor .ProseMirror[contenteditable=true]")
    writer.keyboard.type("The storm season starts on Monday. Every office is ready.")
    writer.fill("#id_dateline", "WASHINGTON")
    writer.click("input[name=_continue]")
    writer.get_by_role("button", name="Submit for review").click()
    release = Release.objects.get(title=TITLE)
    assert release.state == State.IN_REVIEW
    assert PlannedItem.objects.get(title=TITLE).release == release

    # A second person clears the text.
    reviewer = person(REVIEWER)
    reviewer.goto(live_server.url + f"/admin/articles/release/{release.pk}/change/")
    reviewer.get_by_role("button", name="Clear this version").click()
    assert "cleared this version" in reviewer.locator(".messagelist").inner_text()

    # The publisher schedules it from the calendar, at the planned minute already filled in.
    publisher = person(PUBLISHER)
    publisher.goto(week)
    publisher.locator("summary", has_text=f"Schedule {TITLE}").click()
    field = publisher.locator(f"#move-{release.pk}")
    assert field.input_value() == f"{when:%Y-%m-%dT%H:%M}"
    publisher.get_by_role("button", name=f"Schedule {TITLE}").click()
    assert "is now scheduled for" in publisher.locator(".messagelist").inner_text()
    release.refresh_from_db()
    assert release.state == State.SCHEDULED and release.publish_at == when

    # The desk's week shows it, with its minute.
    publisher.goto(live_server.url + "/admin/")
    week_panel = publisher.locator("#panel-week").inner_text()
    assert TITLE in week_panel and f"{timezone.localtime(when):%H:%M}" in week_panel

    # And the publisher's own calendar feed, fetched as a calendar program would: no session.
    publisher.goto(live_server.url + "/admin/calendar/feed/")
    publisher.get_by_role("button", name="Create a feed address").click()
    address = publisher.locator("#feed-address").input_value()
    fetched = browser.new_context().request.get(address)
    assert fetched.ok
    events = icalendar.Calendar.from_ical(fetched.body()).walk("VEVENT")
    ours = [event for event in events if TITLE in str(event["SUMMARY"])]
    assert len(ours) == 1, [str(event["SUMMARY"]) for event in events]
    assert ours[0].decoded("DTSTART") == when
    assert "storm season starts" not in fetched.text(), "titles and times, never the text"
    assert not violations, violations
