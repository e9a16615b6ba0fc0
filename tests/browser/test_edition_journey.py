"""A Spanish edition in a real browser: a writer presses "Add a Spanish edition" on the original's
page, translates the copy in the editor and saves it; and the family panel, in each state it can
be in, passes axe, the Nu Html Checker and HTML_CodeSniffer."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Release
from articles.roles import PUBLISHER, WRITER
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in, watch_for_csp_violations
from tests.editorial.release_states import Newsroom
from tests.editorial.test_editions import EDITION_STATES, Translators, release_in_edition_state

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_writer_adds_a_spanish_edition_and_translates_it(
    browser, live_server, people, office, screenshot_dir
):
    original = Newsroom(people).write(WRITER, office, "Harbor reopens")
    violations = []
    writer = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    watch_for_csp_violations(writer, violations)
    log_in(writer, live_server, WRITER)
    writer.goto(live_server.url + f"/admin/articles/release/{original.pk}/change/")
    panel = writer.locator(".family-panel")
    assert "No editions yet." in panel.inner_text()
    panel.get_by_role("button", name="Add a Spanish edition").click()

    edition = Release.objects.get(original=original)
    writer.wait_for_url(f"**/admin/articles/release/{edition.pk}/change/")
    assert "Spanish edition added as a draft" in writer.locator(".messagelist").inner_text()
    assert "This is the Spanish edition of" in writer.locator(".family-panel").inner_text()
    writer.fill("#id_title", "Reabre el puerto")
    writer.click(".prose-editor .ProseMirror[contenteditable=true]")
    writer.keyboard.press("Control+A")
    writer.keyboard.type("El puerto reabrió hoy. Los barcos se mueven.")
    writer.click("input[name=_continue]")
    writer.wait_for_load_state()
    writer.screenshot(path=screenshot_dir / "editor-edition-translated.png", full_page=True)
    rows = writer.locator(".family-panel tbody tr")
    assert rows.nth(1).inner_text().split("\t")[1:] == [
        "Reabre el puerto (this page)",
        "Draft",
        "Up to date",
    ]
    edition.refresh_from_db()
    assert edition.title == "Reabre el puerto"
    assert edition.body == "<p>El puerto reabrió hoy. Los barcos se mueven.</p>"
    assert Release.objects.get(pk=original.pk).title == "Harbor reopens"
    assert violations == []


@pytest.mark.parametrize("state", EDITION_STATES)
def test_the_family_panel_passes_the_checkers_in_every_state(
    browser, live_server, people, office, state, screenshot_dir
):
    release = release_in_edition_state(Translators(people), state, office)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, PUBLISHER)
    response = page.goto(live_server.url + f"/admin/articles/release/{release.pk}/change/")
    assert response.ok, response.status
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshot_dir / f"editor-family-{state}.png", full_page=True)
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
