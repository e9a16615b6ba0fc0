"""A writer and a publisher in a real browser: write, schedule, and the reader sees it on time."""

import datetime

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from taggit.models import Tag

from articles.models import Release
from articles.roles import PUBLISHER, REVIEWER, WRITER
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.editorial.release_states import PAGE_STATES, Newsroom
from tests.support import connected_account

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}


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
    writer.fill("#id_new_tags", "Harbors")
    assert writer.locator("#id_status").count() == 0, "writers have no status field"
    writer.click("input[name=_continue]")
    writer.get_by_label("Yes, create new topic “Harbors”").check()  # a new topic, on purpose
    writer.click("input[name=_continue]")
    writer.get_by_role("button", name="Submit for review").click()
    assert "In review" in writer.locator(".workflow-panel h2").inner_text()
    assert writer.get_by_role("button", name="Publish now").count() == 0

    release = Release.objects.get()
    assert release.body == (
        "<p>Crews will start dredging the main channel on Monday. Work lasts a week.</p>"
    )

    # A second person clears it: nothing goes out on the writer's word alone.
    reviewer = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    watch_for_csp_violations(reviewer, violations)
    log_in(reviewer, live_server, REVIEWER)
    reviewer.goto(live_server.url + f"/admin/articles/release/{release.pk}/change/")
    reviewer.get_by_role("button", name="Clear this version").click()
    assert "cleared this version" in reviewer.locator(".messagelist").inner_text()

    publisher = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    watch_for_csp_violations(publisher, violations)
    log_in(publisher, live_server, PUBLISHER)
    publisher.goto(live_server.url + f"/admin/articles/release/{release.pk}/change/")
    minute = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(minutes=3)
    publisher.fill("#id_workflow_when", minute.strftime("%Y-%m-%dT%H:%M"))
    publisher.fill("#id_workflow_note", "Cleared by legal")
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


def test_the_editors_forms_pass_axe_the_nu_html_checker_and_html_codesniffer(
    browser, live_server, people, office, library_image, screenshot_dir
):
    """Every form an editor fills in, the lists they work from, and the sign-in page, as a
    Section 508 reviewer checks
    them: axe (WCAG 2.1 AA), the Nu Html Checker on the HTML as served, and HTML_CodeSniffer
    (WCAG 2 AA)."""
    photo = library_image()
    release = Release.objects.create(
        title="Harbor reopens", office=office, dateline="WASHINGTON", lead_image=photo,
        body="<p>The harbor reopened today.</p>", summary="The harbor reopened.",
    )  # fmt: skip
    release.tags.set(["Harbors"])
    tag = Tag.objects.get(name="Harbors")
    forms = {
        "release-add": "/admin/articles/release/add/",
        "release-change": f"/admin/articles/release/{release.pk}/change/",
        "photo-add": "/admin/articles/image/add/",
        "photo-change": f"/admin/articles/image/{photo.pk}/change/",
        "tag-add": "/admin/taggit/tag/add/",
        "tag-change": f"/admin/taggit/tag/{tag.pk}/change/",
        "index": "/admin/",
        "release-list": "/admin/articles/release/",
        "photo-list": "/admin/articles/image/",
        "tag-list": "/admin/taggit/tag/",
    }
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    axe, sources, problems = Axe(), {}, {}

    def check(name, path):
        response = page.goto(live_server.url + path)
        assert response.ok, (name, response.status)
        page.wait_for_load_state("networkidle")  # the editor's scripts have built the toolbar
        sources[name] = response.text()
        page.screenshot(path=screenshot_dir / f"editor-{name}.png", full_page=True)
        result = axe.run(page, options={"runOnly": WCAG_21_AA})
        if result.violations_count:
            problems[f"axe, {name}"] = [result.generate_report()]
        if errors := htmlcs_errors(page):
            problems[f"HTML_CodeSniffer, {name}"] = errors

    check("sign-in", "/admin/login/")
    log_in(page, live_server, PUBLISHER)
    for name, path in forms.items():
        check(name, path)
        if name in {"release-add", "release-change"}:
            # The toolbar draws its menu caret; the "⏷" it used is in none of the admin's fonts.
            caret = page.locator(".prose-menubar__selected").first.evaluate(
                "el => getComputedStyle(el, '::after').content"
            )
            assert caret in {'""', "none"}, caret
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)


# Each state as its usual viewer sees it, and a cleared release as a writer reads it (view only).
PAGES = [*PAGE_STATES.items(), ("live", WRITER)]


@pytest.mark.parametrize(("state", "role"), PAGES)
def test_the_release_page_passes_the_checkers_in_every_state(
    browser, live_server, people, office, state, role, screenshot_dir
):
    """Each state shows other forms (steps, schedule, correction, share links, recover): each
    page passes axe, the Nu Html Checker and HTML_CodeSniffer."""
    connected_account()  # the Social panel is on the page too
    release = Newsroom(people).release_in(state, office)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, role)
    response = page.goto(live_server.url + f"/admin/articles/release/{release.pk}/change/")
    assert response.ok, response.status
    page.wait_for_load_state("networkidle")
    shot = screenshot_dir / f"editor-release-{state}-{role.lower()}.png"
    page.screenshot(path=shot, full_page=True)
    problems = {}
    result = Axe().run(page, options={"runOnly": WCAG_21_AA})
    if result.violations_count:
        problems["axe"] = [result.generate_report()]
    if errors := htmlcs_errors(page):
        problems["HTML_CodeSniffer"] = errors
    source = response.text()
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors({state: source}).items()}
    assert not problems, report(problems)
