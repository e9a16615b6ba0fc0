"""The planning calendar in a browser: its pages (each view, the feed page, the plans' pages,
a release opened from a plan) pass axe, HTML_CodeSniffer and the Nu Html Checker, and a
Publisher moves a scheduled release with the keyboard alone."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from articles.models import PlannedItem, Release
from articles.roles import PUBLISHER, REVIEWER, WRITER
from subscriptions.press.models import PressMailing
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in
from tests.support import cleared

pytestmark = pytest.mark.django_db(transaction=True)


def tomorrow_at(hour, minute=0):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def newsroom(make_release, people):
    """Tomorrow: a release going live at 09:00 and sent to the press at 08:00, one expiring at
    17:00, a plan at 11:00 and another already opened as its draft."""
    scheduled = cleared(make_release("Harbor reopens", publish_at=tomorrow_at(9)))
    PressMailing.objects.create(release=scheduled, send_at=tomorrow_at(8))
    make_release("Storm advisory", expire_at=tomorrow_at(17))
    plan = PlannedItem.objects.create(
        title="Statement on the storm season", at=tomorrow_at(11), owner=people[WRITER]
    )
    draft = Release.objects.create(title="Port budget", office=scheduled.office)
    opened = PlannedItem.objects.create(
        title="Port budget", at=tomorrow_at(14), owner=people[WRITER], release=draft
    )
    return {"scheduled": scheduled, "plan": plan, "opened": opened}


def week_path(day):
    return f"/admin/calendar/week/{day.year}/{day.month}/{day.day}/"


def test_the_calendars_pages_pass_the_checkers(
    browser, live_server, people, office, newsroom, screenshot_dir
):
    day = timezone.localdate(tomorrow_at(9))
    plan, opened = newsroom["plan"], newsroom["opened"]
    pages = {
        "month": f"/admin/calendar/{day.year}/{day.month}/",
        "week": week_path(day),
        "agenda": "/admin/calendar/agenda/",
        "feed": "/admin/calendar/feed/",
        "plan-list": "/admin/articles/planneditem/",
        "plan-add": "/admin/articles/planneditem/add/",
        "plan": f"/admin/articles/planneditem/{plan.pk}/change/",
        "plan-opened": f"/admin/articles/planneditem/{opened.pk}/change/",
        "release-from-plan": f"/admin/articles/release/{opened.release_id}/change/",
    }
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, PUBLISHER)
    problems, sources = {}, {}
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.ok, (name, response.status)
        page.wait_for_load_state("networkidle")
        if name == "week":  # the reschedule form shown, as a person opens it
            page.locator("details.calendar-move summary").first.click()
        page.screenshot(path=screenshot_dir / f"calendar-{name}.png", full_page=True)
        sources[name] = response.text()
        result = Axe().run(page, options={"runOnly": WCAG_21_AA})
        if result.violations_count:
            problems[f"axe, {name}"] = [result.generate_report()]
        if errors := htmlcs_errors(page):
            problems[f"HTML_CodeSniffer, {name}"] = errors
    # A plan as a reviewer reads it: no form, nothing to change.
    reviewer = browser.new_context(bypass_csp=True).new_page()
    log_in(reviewer, live_server, REVIEWER)
    response = reviewer.goto(live_server.url + pages["plan"])
    assert reviewer.locator("#planneditem_view").count() == 1
    sources["plan-for-reviewer"] = response.text()
    if errors := htmlcs_errors(reviewer):
        problems["HTML_CodeSniffer, plan-for-reviewer"] = errors
    # A new feed address, as the page shows it once.
    page.goto(live_server.url + "/admin/calendar/feed/")
    page.get_by_role("button", name="Create a feed address").click()
    assert page.locator("#feed-address").input_value().endswith(".ics")
    sources["feed-made"] = page.content()
    if errors := htmlcs_errors(page):
        problems["HTML_CodeSniffer, feed-made"] = errors
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)


def _tab_to(page, accessible_name, most=60):
    """Press Tab until the focused element's text is `accessible_name`; the presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == accessible_name:
            return presses
    raise AssertionError(f"Tab never reached “{accessible_name}”")


def test_a_publisher_moves_a_release_with_the_keyboard(browser, live_server, people, newsroom):
    release = newsroom["scheduled"]
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US")
    page = context.new_page()
    log_in(page, live_server, PUBLISHER)
    path = week_path(timezone.localdate(tomorrow_at(9)))
    page.goto(live_server.url + path)
    _tab_to(page, "Reschedule Harbor reopens")
    page.keyboard.press("Enter")  # opens the form
    page.keyboard.press("Tab")
    field = page.locator(f"#move-{release.pk}")
    assert page.evaluate("document.activeElement.id") == f"move-{release.pk}"
    assert field.input_value() == f"{tomorrow_at(9):%Y-%m-%dT%H:%M}"
    field.fill(f"{tomorrow_at(10, 30):%Y-%m-%dT%H:%M}")
    _tab_to(page, "Move Harbor reopens", most=10)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path}")
    assert "is now scheduled for" in page.locator(".messagelist").inner_text()
    release.refresh_from_db()
    assert release.publish_at == tomorrow_at(10, 30)
    context.close()
