"""A writer and a publisher in a real browser: write, schedule, and the reader sees it on time."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from articles.editorial.roles import PUBLISHER, WRITER
from articles.models import Release

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, role):
    page.goto(live_server.url + "/admin/login/")  # the staff sign-in page (allauth)
    page.fill("#id_login", role.lower())
    page.fill("#id_password", "pw-" + role)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/admin/")


def watch_for_csp_violations(page, found):
    """Chromium reports every Content-Security-Policy refusal on the console."""
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page


def test_writer_drafts_publisher_schedules_reader_sees_it_at_its_minute(
    browser, live_server, people, office, screenshot_dir
):
    violations = []
    writer = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    watch_for_csp_violations(writer, violations)
    log_in(writer, live_server, WRITER)
    writer.goto(live_server.url + "/admin/articles/release/add/")
    writer.click("#id_title")
    writer.keyboard.type("Harbor Dredging Begins Monday")
    assert writer.input_value("#id_slug") == "harbor-dredging-begins-monday"
    writer.click(".prose-editor .ProseMirror[contenteditable=true]")
    writer.keyboard.type("Crews will start dredging the main channel on Monday. Work lasts a week.")
    writer.fill("#id_dateline", "BALTIMORE")
    writer.fill("#id_tags", "Harbors")
    assert writer.locator("#id_status").count() == 0, "writers have no status field"
    writer.click("input[name=_continue]")
    writer.get_by_role("button", name="Submit for review").click()
    assert "In review" in writer.locator(".workflow-panel h2").inner_text()
    assert writer.get_by_role("button", name="Publish now").count() == 0

    release = Release.objects.get()
    assert release.body == (
        "<p>Crews will start dredging the main channel on Monday. Work lasts a week.</p>"
    )

    publisher = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    watch_for_csp_violations(publisher, violations)
    log_in(publisher, live_server, PUBLISHER)
    publisher.goto(live_server.url + f"/admin/articles/release/{release.pk}/change/")
    minute = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(minutes=3)
    publisher.fill("#id_when", minute.strftime("%Y-%m-%dT%H:%M"))
    publisher.fill("#id_note", "Cleared by legal")
    publisher.get_by_role("button", name="Schedule").click()
    assert "Scheduled" in publisher.locator(".workflow-panel h2").inner_text()
    publisher.screenshot(path=screenshot_dir / "admin-scheduled.png", full_page=True)

    reader = watch_for_csp_violations(browser.new_context().new_page(), violations)
    reader.goto(live_server.url + "/news/")
    assert "Harbor Dredging Begins Monday" not in reader.content()
    url = live_server.url + Release.objects.get().get_absolute_url()
    assert reader.goto(url).status == 404

    # The clock passes the minute (in the server too); no job runs, and the page is there.
    with time_machine.travel(minute + datetime.timedelta(seconds=1)):
        reader.goto(live_server.url + "/news/")
        assert reader.get_by_role("link", name="Harbor Dredging Begins Monday").is_visible()
        assert reader.goto(url).status == 200
        assert reader.locator(".dateline").first.inner_text().startswith("BALTIMORE, ")
    assert violations == [], "sign-in, the editor, the workflow and the public pages run under CSP"


def test_two_browsers_same_release_neither_edit_is_lost(browser, live_server, people, office):
    release = Release.objects.create(
        title="Shared release", office=office, body="<p>Original text.</p>"
    )
    url = live_server.url + f"/admin/articles/release/{release.pk}/change/"
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    log_in(first, live_server, PUBLISHER)
    log_in(second, live_server, WRITER)
    first.goto(url)
    second.goto(url)

    first.fill("#id_summary", "The publisher's summary.")
    first.click("input[name=_continue]")
    second.fill("#id_byline", "By the writer")
    second.click("input[name=_continue]")

    assert "publisher saved this release" in second.locator(
        ".errornote, .errorlist"
    ).first.inner_text() or ("publisher saved this release" in second.content())
    assert second.input_value("#id_byline") == "By the writer", (
        "the writer's text stays in the form"
    )
    release.refresh_from_db()
    assert release.summary == "The publisher's summary." and release.byline == ""

    second.goto(url)
    second.fill("#id_byline", "By the writer")
    second.click("input[name=_continue]")
    release.refresh_from_db()
    assert (release.summary, release.byline) == ("The publisher's summary.", "By the writer")
