"""Topics that help, in a real browser: the release form suggests existing topics with their use
counts as a writer types, and makes a new one only on purpose, with JavaScript (choosing "Create
new topic") and without it (a box to tick); each page under the staff CSP with no violation, and
through axe, the Nu Html Checker and HTML_CodeSniffer."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from taggit.models import Tag

from articles.models import Release, TopicDescription
from articles.roles import WRITER
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in, watch_for_csp_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(make_release):
    for title in ["Hurricane season opens", "Storm shelters", "Evacuation routes"]:
        make_release(title, tags=["Hurricanes"])
    return make_release("Coastal warning", status=Release.Status.DRAFT, publish_at=None)


def change_page(page, live_server, release):
    page.goto(live_server.url + f"/admin/articles/release/{release.pk}/change/")


def type_in_topics(page, text):
    """Types into select2's search box, the way a person does, and waits for the suggestions
    for all of it (which end in the offer to create it)."""
    page.locator(".field-tags .select2-selection").click()
    page.keyboard.type(text)
    offer = page.locator(".select2-results__option", has_text=f"Create new topic “{text}”")
    expect(offer).to_be_visible()


def test_typing_suggests_topics_with_counts_and_a_new_one_needs_choosing_create(
    browser, live_server, people, draft, screenshot_dir
):
    violations = []
    page = watch_for_csp_violations(browser.new_context().new_page(), violations)
    log_in(page, live_server, WRITER)
    change_page(page, live_server, draft)

    type_in_topics(page, "hurr")
    suggestions = page.locator(".select2-results__option")
    assert suggestions.all_inner_texts() == ["Hurricanes (3)", "Create new topic “hurr”"]
    page.screenshot(path=screenshot_dir / "topics-suggested.png", full_page=True)
    suggestions.filter(has_text="Hurricanes (3)").click()
    chosen = page.locator(".field-tags .select2-selection__choice")
    assert chosen.all_inner_texts() == ["×Hurricanes"]

    type_in_topics(page, "Storm surge")
    offer = page.locator(".select2-results__option", has_text="Create new topic “Storm surge”")
    offer.click()
    assert chosen.all_inner_texts() == ["×Hurricanes", "×Storm surge (new)"]
    page.screenshot(path=screenshot_dir / "topics-chosen.png", full_page=True)

    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert sorted(draft.tags.names()) == ["Hurricanes", "Storm surge"]
    assert chosen.all_inner_texts() == ["×Hurricanes", "×Storm surge"]
    assert violations == [], "select2 and the suggestions run under the staff CSP"


def test_without_javascript_a_new_topic_is_confirmed_or_swapped_for_the_similar_one(
    browser, live_server, people, draft, screenshot_dir
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, WRITER)
    change_page(page, live_server, draft)

    page.fill("#id_new_tags", "hurricane, Storm surge")
    page.click("input[name=_continue]")
    errors = page.locator(".field-new_tags .errorlist").inner_text()
    assert "“hurricane” is not a topic yet. A similar topic exists: “Hurricanes”." in errors
    assert "“Storm surge” is not a topic yet." in errors
    assert Tag.objects.filter(name__in=["hurricane", "Storm surge"]).count() == 0
    page.screenshot(path=screenshot_dir / "topics-confirm.png", full_page=True)

    page.get_by_label("No, use “Hurricanes” (3 releases) instead of “hurricane”").check()
    page.get_by_label("Yes, create new topic “Storm surge”").check()
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert sorted(draft.tags.names()) == ["Hurricanes", "Storm surge"]
    assert not Tag.objects.filter(name="hurricane").exists()
    context.close()


def test_the_topic_fields_pass_the_checkers_in_each_state(
    browser, live_server, people, draft, screenshot_dir
):
    """The release page with topics chosen, with a confirmation waiting, and with the list of
    suggestions open; the topic admin's pages; and where readers see a description."""
    draft.tags.set(["Hurricanes", "Typo"])  # "Typo", on one release only, is listed
    tag = Tag.objects.get(name="Hurricanes")
    TopicDescription.objects.create(tag=tag, text="Storm season warnings and recovery.")
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    axe, sources, problems = Axe(), {}, {}

    def check(name, response=None):
        page.wait_for_load_state("networkidle")
        if response is not None:
            sources[name] = response.text()
        page.screenshot(path=screenshot_dir / f"topics-{name}.png", full_page=True)
        result = axe.run(page, options={"runOnly": WCAG_21_AA})
        if result.violations_count:
            problems[f"axe, {name}"] = [result.generate_report()]
        if errors := htmlcs_errors(page):
            problems[f"HTML_CodeSniffer, {name}"] = errors

    log_in(page, live_server, "Publisher")
    url = live_server.url + f"/admin/articles/release/{draft.pk}/change/"
    check("chosen", page.goto(url))
    page.fill("#id_new_tags", "hurricane")
    with page.expect_response(url) as answer:
        page.click("input[name=_continue]")
    check("confirm", answer.value)
    page.goto(url)
    type_in_topics(page, "hurr")
    check("suggesting")
    for name, path in {
        "list": "/admin/taggit/tag/?use=one",
        "change": f"/admin/taggit/tag/{tag.pk}/change/",
        "public-page": "/news/tags/hurricanes/",
        "subscribe": "/subscribe/",
    }.items():
        check(name, page.goto(live_server.url + path))
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)
