"""The desk in a real browser, for each role, with a release in every state and a missed
schedule ringing: each version of the page passes axe, the Nu Html Checker and
HTML_CodeSniffer, and every panel's links can be reached from the keyboard."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from articles.models import Release
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in
from tests.editorial.release_states import Newsroom

pytestmark = pytest.mark.django_db(transaction=True)

STATES = ["draft", "in-review", "changes-requested", "cleared", "scheduled", "live-corrected"]


def test_every_roles_desk_passes_the_checkers(browser, live_server, people, office, screenshot_dir):
    newsroom = Newsroom(people)
    for state in STATES:
        newsroom.release_in(state, office)
    late = newsroom.release_in("live", office)
    # Published ten minutes ago with no going-live steps: the publish timer is not running.
    Release.objects.filter(pk=late.pk).update(
        publish_at=timezone.now() - datetime.timedelta(minutes=10), went_live_at=None
    )
    axe, sources, problems = Axe(), {}, {}
    for role in [WRITER, REVIEWER, PUBLISHER, ADMINISTRATOR]:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
        page = context.new_page()
        log_in(page, live_server, role)
        response = page.goto(live_server.url + "/admin/")
        assert response.ok
        sources[role] = response.text()
        page.screenshot(path=screenshot_dir / f"desk-{role.lower()}.png", full_page=True)
        if role == PUBLISHER:
            assert page.locator("#panel-missed").is_visible()
            first = page.locator(".desk-panel").first
            assert first.get_attribute("id") == "panel-missed", "the alarm comes first"
            # The alarm's link is reached from the keyboard, with a visible focus.
            link = page.locator("#panel-missed a").first
            for _ in range(40):
                page.keyboard.press("Tab")
                if link.evaluate("el => el === document.activeElement"):
                    break
            else:
                pytest.fail("the missed release's link is not reachable with Tab")
        result = axe.run(page, options={"runOnly": WCAG_21_AA})
        if result.violations_count:
            problems[f"axe, {role}"] = [result.generate_report()]
        if errors := htmlcs_errors(page):
            problems[f"HTML_CodeSniffer, {role}"] = errors
        context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)
