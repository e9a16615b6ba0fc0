"""The release list in Chromium at a laptop's width (1366×768) and a desktop's (1920×1080), with
headlines as long as real ones and many tags: every headline on one or two lines, every column
in view, nothing cut off or scrolled sideways, and the page passes the checkers."""

import datetime
import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from articles.models import Correction, Office, Release
from articles.roles import PUBLISHER
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in

pytestmark = pytest.mark.django_db(transaction=True)

# Real releases' headlines run to about 120 characters.
HEADLINES = [
    "Secretary Announces $2.4 Billion in Grants to Strengthen Coastal Resilience and Protect "
    "Communities from Flooding in 12 States",
    "Department Releases Final Rule Modernizing Reporting Requirements for Small Businesses "
    "Participating in Federal Procurement",
    "Statement by the Deputy Secretary on the Anniversary of the Harbor Restoration Act and the "
    "Work Ahead for Port Communities",
    "Media Advisory: Secretary to Visit Gulf Coast Recovery Sites and Meet with Local Officials "
    "on Hurricane Preparedness Plans",
    "Transcript: Remarks by the Secretary at the National Conference on Rural Broadband, "
    "Workforce Training and Economic Growth",
    "New Report Finds Federal Investment in Water Infrastructure Created 45,000 Jobs and Cut "
    "Drinking Water Violations by Half",
    "Harbor reopens",
]
TAGS = [
    "Infrastructure Investment and Jobs Act", "Bipartisan Infrastructure Law",
    "Coastal Resilience", "Climate Adaptation", "Environmental Justice", "Ports and Harbors",
    "Small Business", "Grants", "Flooding", "Rural Development",
]  # fmt: skip
# (state, kind, days from now to its publish time, expiry days, corrected)
ROWS = [
    ("scheduled", "press-release", 3, None, False),
    ("review", "statement", None, None, False),
    ("draft", "advisory", None, None, False),
    ("live", "transcript", -1, None, True),
    ("live", "news", -2, None, False),
    ("expired", "press-release", -9, -1, False),
    ("withdrawn", "statement", -5, None, False),
]
STATUS = {"scheduled": "published", "live": "published", "expired": "published"}

SIZES = [(1366, 768), (1920, 1080)]

_MEASURE = """
() => {
  const table = document.querySelector("#result_list");
  const results = table.closest(".results");
  const box = table.getBoundingClientRect();
  const overflowing = [...table.querySelectorAll("th, td")]
    .filter((cell) => cell.scrollWidth > cell.clientWidth)
    .map((cell) => `${cell.className}: ${cell.scrollWidth} > ${cell.clientWidth} ` +
                   `(${cell.innerText.slice(0, 40)})`);
  const headlines = [...table.querySelectorAll("tbody th.field-title a")].map((link) => ({
    text: link.innerText.slice(0, 50),
    height: link.getBoundingClientRect().height,
    lineHeight: parseFloat(getComputedStyle(link).lineHeight),
    width: link.closest("th").clientWidth,
  }));
  const columns = Object.fromEntries([...table.querySelectorAll("thead th")].map(
    (th) => [th.className.split(" ").pop(), Math.round(th.getBoundingClientRect().width)]));
  const visible = (selector) => [...table.querySelectorAll(selector)].every(
    (cell) => cell.innerText.trim() !== "" && cell.getBoundingClientRect().right <= innerWidth);
  return {
    viewport: innerWidth, page: document.documentElement.scrollWidth,
    table: {left: box.left, right: box.right, width: box.width},
    results: {scroll: results.scrollWidth, client: results.clientWidth},
    navSidebar: getComputedStyle(document.querySelector("#nav-sidebar")).display !== "none",
    tagsShown: visible("td.field-tag_names"), officeShown: visible("td.field-office"),
    overflowing, headlines, columns,
  };
}
"""


@pytest.fixture
def long_releases(office):
    other = Office.objects.create(name="National Oceanic and Atmospheric Administration")
    now = timezone.now()
    for n, (state, kind, days, expiry, corrected) in enumerate(ROWS * 2):
        at = None if days is None else now + datetime.timedelta(days=days, hours=n)
        release = Release.objects.create(
            title=HEADLINES[n % len(HEADLINES)], slug=f"release-{n}", kind=kind,
            office=other if n % 3 == 0 else office, status=STATUS.get(state, state),
            publish_at=at, body="<p>The harbor reopened today.</p>",
            expire_at=None if expiry is None else now + datetime.timedelta(days=expiry),
        )  # fmt: skip
        release.tags.set(TAGS if n % 2 == 0 else TAGS[:3])
        if corrected:
            Correction.objects.create(release=release, text="An earlier version gave 12 states.")


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda size: str(size))
def test_the_release_list_fits_the_screen_with_every_headline_on_two_lines(
    browser, live_server, people, long_releases, width, height, tmp_path
):
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, PUBLISHER)
    response = page.goto(live_server.url + "/admin/articles/release/")
    page.wait_for_load_state("networkidle")  # the admin's script has opened the nav sidebar
    shot = tmp_path / f"release-list-{width}x{height}.png"
    page.screenshot(path=shot)
    page.screenshot(path=tmp_path / f"release-list-{width}x{height}-full.png", full_page=True)
    found = page.evaluate(_MEASURE)
    print(f"{width}×{height}:", json.dumps(found, indent=1))  # the measurements, with -s
    where = f"(screenshot: {shot}; measured: {json.dumps(found)})"

    assert len(found["headlines"]) == len(ROWS) * 2, where
    assert found["navSidebar"] == (width >= 1760), where
    assert found["overflowing"] == [], where
    assert found["table"]["right"] <= found["viewport"], where
    assert found["page"] <= found["viewport"], f"a horizontal scrollbar {where}"
    assert found["results"]["scroll"] <= found["results"]["client"], where
    assert found["tagsShown"] and found["officeShown"], where
    for headline in found["headlines"]:
        assert headline["height"] <= 2 * headline["lineHeight"], (headline, where)

    problems = {}
    result = Axe().run(page, options={"runOnly": WCAG_21_AA})
    if result.violations_count:
        problems["axe"] = [result.generate_report()]
    if errors := htmlcs_errors(page):
        problems["HTML_CodeSniffer"] = errors
    sources = {"release-list": response.text()}
    page.locator("nav.saved-views").get_by_role("link", name="Scheduled this week").click()
    page.wait_for_url("**/?view=week")
    assert page.locator("tbody th.field-title").count() == 2
    assert page.locator("nav.saved-views [aria-current=page]").inner_text() == (
        "Scheduled this week"
    )
    result = Axe().run(page, options={"runOnly": WCAG_21_AA})
    if result.violations_count:
        problems["axe, a saved view"] = [result.generate_report()]
    sources["saved-view"] = page.request.get(page.url).text()
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)
