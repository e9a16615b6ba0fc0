"""The read API's page for people, in a real browser: it passes
axe's WCAG 2.1 AA rules, the Nu Html Checker and HTML_CodeSniffer, reflows at 320 px, and its
links lead to the endpoints' answers. Here, beside the other browser tests, so that one browser
serves the whole run: a second, started from another module, finds the first one's event loop."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.checkers import htmlcs_errors, nu_errors, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}


def test_the_page_passes_the_checkers_at_every_width(browser, live_server, screenshot_dir):
    axe, failures = Axe(), {}
    for width, label in [(1280, "desktop"), (375, "phone"), (320, "reflow")]:
        context = browser.new_context(viewport={"width": width, "height": 800})
        tab = context.new_page()
        tab.goto(live_server.url + "/api/")
        tab.screenshot(path=screenshot_dir / f"api-{label}.png", full_page=True)
        result = axe.run(tab, options={"runOnly": WCAG_21_AA})
        if result.violations_count:
            failures[label] = result.generate_snapshot()
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways at {width}px"
        context.close()
    assert failures == {}

    context = browser.new_context(bypass_csp=True)  # the policy rightly refuses the checker
    tab = context.new_page()
    source = tab.goto(live_server.url + "/api/").text()
    problems = {"HTML_CodeSniffer": errors} if (errors := htmlcs_errors(tab)) else {}
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors({"api": source}).items()}
    assert not problems, report(problems)


def test_a_developer_follows_the_page_to_the_releases(page, live_server, make_release):
    make_release("Harbor dredging begins")
    page.goto(live_server.url + "/api/")
    assert page.locator("h1").inner_text() == "Read API"
    page.get_by_role("link", name="/api/v1/releases/").click()
    assert "Harbor dredging begins" in page.content()
    page.go_back()
    page.get_by_role("link", name="OpenAPI document").click()
    assert '"openapi": "3.1.0"' in page.content()
