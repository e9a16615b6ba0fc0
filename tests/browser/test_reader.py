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
    spanish(office, releases[0], photo)
    return releases


def spanish(office, original, photo):
    """The Spanish side: an edition of `original` (so both pages show the switcher), and two
    Spanish releases of their own, one featured, all on the topic "Puertos"."""
    for n, fields in enumerate(
        [
            {"original": original, "lead_image": photo, "publish_at": original.publish_at},
            {"featured": True},
            {"kind": Release.Kind.STATEMENT},
        ]
    ):
        fields.setdefault("publish_at", timezone.now() - datetime.timedelta(days=n, hours=2))
        fields.setdefault("kind", Release.Kind.PRESS_RELEASE)
        release = Release.objects.create(
            title=f"Avance en el puerto número {n}",
            language="es",
            dateline="WASHINGTON",
            office=office,
            status=Release.Status.PUBLISHED,
            body=f"<p>El departamento informó hoy sobre el avance en el puerto {n}.</p>",
            **fields,
        )
        release.tags.set(["Puertos"])


def pages_to_check(newsroom):
    """{name: address}; the Spanish pages' names start with "es-"."""
    release = newsroom[0]
    edition = release.editions.get(language="es")
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
        "es-home": "/es/",
        "es-detail": edition.get_absolute_url(),
        "es-tag": "/es/noticias/temas/puertos/",
        "es-archive": f"/es/noticias/{day:%Y}/{day:%m}/",
        "es-search-results": "/es/noticias/buscar/?q=puerto",
        "es-search-no-results": "/es/noticias/buscar/?q=cebra",
        "es-not-found": "/es/noticias/no-existe/",
    }


def page_language(name):
    return "es" if name.startswith("es-") else "en"


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


def test_a_reader_switches_to_spanish_and_reads_searches_and_subscribes_in_it(
    page, live_server, newsroom
):
    page.goto(live_server.url + newsroom[0].get_absolute_url())
    switcher = page.get_by_role("navigation", name="Read this release in")
    switcher.get_by_role("link", name="Español").click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Avance en el puerto número 0"
    assert page.get_by_role("navigation", name="Lea este comunicado en").is_visible()
    assert page.get_by_role("heading", name="Emitido por").is_visible()

    page.get_by_role("link", name="Puertos").first.click()
    assert page.locator("h1").inner_text() == "Tema: Puertos"

    page.get_by_role("link", name="Buscar", exact=True).click()
    page.get_by_label("Buscar comunicados", exact=True).fill("puerto")
    page.get_by_label("Tipo").select_option(label="Declaración")
    page.get_by_role("button", name="Buscar").click()
    heading = page.locator(".results-heading").inner_text()
    assert heading == "1 comunicado encontrado para “puerto”"

    page.get_by_role("link", name="por correo electrónico").click()
    assert page.url.endswith("/subscribe/?language=es")


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
            assert page.locator("html").get_attribute("lang") == page_language(name), name
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
        assert f'<html lang="{page_language(name)}">' in sources[name], name
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
