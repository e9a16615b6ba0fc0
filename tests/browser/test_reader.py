"""A reader in a real browser: the journey through the site, accessibility, small screens."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from articles.models import Office, Release, SocialLink
from tests.browser.checkers import htmlcs_errors, nu_errors, report

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}


@pytest.fixture
def newsroom(db, library_image):
    office = Office.objects.create(
        name="Office of Public Affairs",
        parent_organisation="Department of Examples",
        contact_email="press@example.gov",
        is_default=True,
    )
    SocialLink.objects.create(platform="facebook", url="https://facebook.example/o", order=1)
    SocialLink.objects.create(platform="x", url="https://x.example/o", order=2)
    now = timezone.now()
    releases = []
    for n in range(23):
        release = Release.objects.create(
            title=f"Harbor update number {n}",
            kind=Release.Kind.PRESS_RELEASE if n % 2 else Release.Kind.NEWS_ARTICLE,
            dateline="WASHINGTON",
            office=office,
            status=Release.Status.PUBLISHED,
            publish_at=now - datetime.timedelta(days=n, hours=1),
            featured=n == 5,
            body=(
                f"<p>The department reported progress on harbor {n} today.</p>"
                "<blockquote><p>“We keep the channels open,” the Secretary said.</p></blockquote>"
                "<h2>Background</h2><ul><li>Dredging</li><li>Signals</li></ul>"
            ),
        )
        release.tags.set(["Harbors", "Infrastructure" if n % 3 else "Budget"])
        releases.append(release)
    photo = library_image(caption="Dredgers in the main channel.", credit="Photo by Sam Roe")
    releases[0].lead_image = photo
    releases[
        0
    ].body += f'<figure><img src="{photo.url()}"><figcaption>The channel.</figcaption></figure>'
    releases[0].save()
    return releases


def pages_to_check(newsroom):
    release = newsroom[0]
    day = release.local_date
    return {
        "home": "/",
        "list-page-2": "/news/?page=2",
        "detail": release.get_absolute_url(),
        "tag": "/news/tags/harbors/",
        "archive": f"/news/{day:%Y}/{day:%m}/",
        "search-results": "/news/search/?q=harbor",
        "search-no-results": "/news/search/?q=zebra",
        "not-found": "/news/no-such-page/",
    }


def test_a_reader_goes_home_release_tag_archive_search_feed(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    assert page.title().startswith("News releases")
    page.get_by_role("link", name="Harbor update number 0").click()
    assert page.locator("h1").inner_text() == "Harbor update number 0"
    assert page.locator(".release__body .dateline").inner_text().startswith("WASHINGTON, ")

    page.get_by_role("link", name="Harbors").first.click()
    assert page.locator("h1").inner_text() == "Topic: Harbors"

    page.goto(live_server.url + "/news/")
    page.locator(".archive-nav a").first.click()
    assert page.locator("h1").inner_text().startswith("Releases from ")

    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Search releases").fill("harbor 1")
    page.get_by_role("button", name="Search").click()
    assert "found for “harbor 1”" in page.locator(".results-heading").inner_text()

    feed_href = page.locator("footer a", has_text="RSS").get_attribute("href")
    response = page.request.get(live_server.url + feed_href)
    assert response.ok and "<rss" in response.text()


def test_pages_pass_axe_wcag_21_aa_at_desktop_and_phone_width(
    browser, live_server, newsroom, screenshot_dir
):
    axe = Axe()
    failures = {}
    for width, height, label in [(1280, 900, "desktop"), (375, 740, "phone")]:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for name, path in pages_to_check(newsroom).items():
            page.goto(live_server.url + path)
            page.screenshot(path=screenshot_dir / f"{name}-{label}.png", full_page=True)
            result = axe.run(page, options={"runOnly": WCAG_21_AA})
            if result.violations_count:
                failures[f"{name} ({label})"] = result.generate_snapshot()
        context.close()
    assert failures == {}


def test_pages_pass_the_nu_html_checker_and_html_codesniffer(browser, live_server, newsroom):
    context = browser.new_context(bypass_csp=True)  # the policy rightly refuses the checker
    page = context.new_page()
    sources, problems = {}, {}
    for name, path in pages_to_check(newsroom).items():
        response = page.goto(live_server.url + path)
        sources[name] = response.text()
        if errors := htmlcs_errors(page):
            problems[f"HTML_CodeSniffer, {name}"] = errors
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)


@pytest.mark.parametrize("width", [320, 640])  # 640 px is a 1280 px screen at 200 % zoom
def test_pages_reflow_without_sideways_scrolling(browser, live_server, newsroom, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for name, path in pages_to_check(newsroom).items():
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width}px"
    context.close()


def test_keyboard_user_can_skip_to_content_and_see_focus(page, live_server, newsroom):
    page.goto(live_server.url + "/news/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0, "the skip link becomes visible on focus"
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_make_no_third_party_requests(page, live_server, newsroom):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in pages_to_check(newsroom).values():
        page.goto(live_server.url + path)
    assert hosts == {live_server.url.split("/")[2]}
