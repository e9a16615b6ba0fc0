"""Clearance in a browser, as an office takes it: a Writer submits, Legal and Policy clear at
once, the Front office asks for changes, the Writer edits, the sign-offs on the old text void,
everyone clears again, and a Publisher publishes. The pages on the way pass the checkers."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group

from articles.models import ClearanceRoute, Release
from articles.roles import PUBLISHER, REVIEWER, WRITER
from articles.states import State
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in

REVIEWERS = ["Legal", "Policy", "Front"]


@pytest.fixture
def route(people, office, django_user_model):
    """Press releases from the office: Legal and Policy at stage 1, the Front office at 2."""
    route = ClearanceRoute.objects.create(name="OPA press", kind="press-release", office=office)
    for name in REVIEWERS:
        user = django_user_model.objects.create_user(
            name.lower(), password=f"pw-{name}", is_staff=True
        )
        user.groups.add(Group.objects.get(name=REVIEWER))
        if name == "Front":
            route.required.create(stage=2, name="Front office").people.add(user)
        else:
            group = Group.objects.create(name=name)
            user.groups.add(group)
            route.required.create(stage=1, name=name, group=group)
    return route


def checked(page, name, problems, sources):
    """Run axe and HTML_CodeSniffer on the page as shown; keep its HTML for the Nu checker."""
    page.wait_for_load_state("networkidle")
    result = Axe().run(page, options={"runOnly": WCAG_21_AA})
    if result.violations_count:
        problems[f"axe, {name}"] = [result.generate_report()]
    if errors := htmlcs_errors(page):
        problems[f"HTML_CodeSniffer, {name}"] = errors
    sources[name] = page.request.get(page.url).text()  # as served, for the Nu checker


def test_routes_stages_changes_voids_and_publication(
    browser, live_server, people, office, route, screenshot_dir
):
    problems, sources = {}, {}
    pages = {}
    for role in [WRITER, *REVIEWERS, PUBLISHER]:
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
        pages[role] = context.new_page()
        log_in(pages[role], live_server, role)

    writer = pages[WRITER]
    writer.goto(live_server.url + "/admin/articles/release/add/")
    writer.select_option("#id_kind", "press-release")
    writer.fill("#id_title", "Harbor reopens to all ships")
    writer.click(".prose-editor .ProseMirror[contenteditable=true]")
    writer.keyboard.type("The harbor reopened today after the storm.")
    writer.click("input[name=_continue]")
    writer.get_by_role("button", name="Submit for review").click()
    release = Release.objects.get()
    url = live_server.url + f"/admin/articles/release/{release.pk}/change/"

    def open_page(role):
        pages[role].goto(url)
        return pages[role]

    # The Front office's turn comes after Legal's and Policy's, which run at once.
    assert open_page("Front").get_by_role("button", name="Clear this version").count() == 0
    legal, policy = open_page("Legal"), open_page("Policy")
    checked(legal, "reviewer's page", problems, sources)
    policy.get_by_role("button", name="Clear this version").click()
    legal.get_by_role("button", name="Clear this version").click()

    front = open_page("Front")
    front.fill("#id_clearance_note", "Say which storm: there were two this month.")
    front.get_by_role("button", name="Request changes").click()
    assert "Draft" in front.locator(".workflow-panel h2").inner_text()

    writer = open_page(WRITER)
    assert "Say which storm" in writer.locator(".clearance-panel").inner_text()
    writer.click(".prose-editor .ProseMirror[contenteditable=true]")
    writer.keyboard.press("End")
    writer.keyboard.type(" It was Tuesday's storm.")
    writer.click("input[name=_continue]")
    writer.get_by_role("button", name="Submit for review").click()
    voided = writer.locator(".voided-sign-offs")
    assert "Legal" in voided.inner_text() and "Policy" in voided.inner_text()
    voided.locator("summary").first.click()
    assert "Tuesday's storm" in voided.locator("pre").first.inner_text()
    checked(writer, "voided sign-offs", problems, sources)

    publisher = open_page(PUBLISHER)
    assert publisher.get_by_role("button", name="Publish now").count() == 1
    publisher.get_by_role("button", name="Publish now").click()
    assert "Not cleared yet: waiting for Legal, Policy, Front office" in (
        publisher.locator(".messagelist").inner_text()
    )

    for role in ["Legal", "Policy", "Front"]:
        open_page(role).get_by_role("button", name="Clear this version").click()
        assert "cleared this version" in pages[role].locator(".messagelist").inner_text()

    publisher = open_page(PUBLISHER)
    publisher.get_by_role("button", name="Publish now").click()
    assert "Live" in publisher.locator(".workflow-panel h2").inner_text()
    publisher.locator(".clearance-trail summary").click()
    publisher.screenshot(path=screenshot_dir / "clearance-published.png", full_page=True)
    checked(publisher, "published, with its trail", problems, sources)
    release.refresh_from_db()
    assert release.state == State.LIVE and not release.published_without_clearance

    admin = browser.new_context(bypass_csp=True).new_page()
    log_in(admin, live_server, "Administrator")
    admin.goto(live_server.url + f"/admin/articles/clearanceroute/{route.pk}/change/")
    checked(admin, "route", problems, sources)
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)
