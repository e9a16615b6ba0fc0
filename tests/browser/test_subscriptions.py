"""A reader subscribes, confirms, gets an alert, and leaves with one click, in a real browser,
with the mail read from a real SMTP server on loopback."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import caches
from taggit.models import Tag

from articles.models import Release
from subscriptions.models import Subscriber
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in, watch_for_csp_violations
from tests.support import cleared

pytestmark = pytest.mark.django_db(transaction=True)


def link(mail, path):
    text = mail.get_body(("plain",)).get_content()
    return re.search(rf"(https?://[^\s]+{re.escape(path)}[^\s]*)", text).group(1)


def test_subscribe_confirm_receive_and_unsubscribe_with_one_click(
    browser, live_server, people, make_release, smtp, deliver, settings, screenshot_dir
):
    caches["default"].clear()
    settings.SITE_URL = live_server.url
    navy = Tag.objects.create(name="Navy", slug="navy")
    make_release(title="Earlier navy news", tags=[navy])
    draft = make_release(title="Navy commissions a ship", tags=[navy], status="draft",
                         publish_at=None, summary="The ship joins the fleet today.")  # fmt: skip
    cleared(draft)  # a second reader has read it (tests/browser/test_clearance.py shows how)
    violations = []
    reader = watch_for_csp_violations(browser.new_context().new_page(), violations)
    pages = {}

    reader.goto(live_server.url + "/")
    reader.get_by_role("link", name="by e-mail").click()
    pages["subscribe"] = reader.url
    reader.get_by_label("Your e-mail address").fill("reader@example.org")
    reader.get_by_label("Only releases on the topics I choose").check()
    reader.get_by_label("Navy").check()
    reader.get_by_role("button", name="Subscribe").click()
    assert reader.get_by_role("heading", name="Check your inbox").is_visible()

    deliver()
    [confirmation] = smtp.to("reader@example.org")
    reader.goto(link(confirmation, "/subscribe/confirm/"))
    pages["confirm"] = reader.url
    reader.get_by_role("button", name="Confirm my subscription").click()
    assert reader.get_by_role("heading", name="You are subscribed").is_visible()
    reader.screenshot(path=screenshot_dir / "subscribed.png", full_page=True)

    publisher = browser.new_context().new_page()
    log_in(publisher, live_server, "Publisher")
    publisher.goto(live_server.url + f"/admin/articles/release/{draft.pk}/change/")
    publisher.get_by_role("button", name="Publish now").click()
    assert Release.objects.get(pk=draft.pk).state == "live"

    deliver()
    [alert] = [m for m in smtp.to("reader@example.org") if m["Subject"] == draft.title]
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(.+)>", alert["List-Unsubscribe"]).group(1)
    assert unsubscribe.startswith(live_server.url + "/unsubscribe/")
    reader.goto(link(alert, "/news/"))
    assert reader.get_by_role("heading", name="Navy commissions a ship").is_visible()
    reader.goto(link(alert, "/subscriptions/"))
    pages["manage"] = reader.url
    assert reader.get_by_label("Navy").is_checked()
    reader.goto(unsubscribe)
    pages["unsubscribe"] = reader.url
    assert Subscriber.objects.get().receiving  # opening the link changed nothing

    # The mail client's one click: RFC 8058's POST, with no cookie, page or token of the site.
    answer = reader.request.post(
        unsubscribe,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.ok
    assert not Subscriber.objects.get().receiving

    second = make_release(title="More navy news", tags=[navy], status="draft", publish_at=None)
    publisher.goto(live_server.url + f"/admin/articles/release/{second.pk}/change/")
    publisher.get_by_role("button", name="Publish now").click()
    deliver()
    assert [m["Subject"] for m in smtp.to("reader@example.org")] == [
        confirmation["Subject"], draft.title,
    ]  # fmt: skip
    assert violations == []

    # Every page of the journey passes axe, HTML_CodeSniffer and the Nu Html Checker.
    checked = browser.new_context(bypass_csp=True).new_page()
    axe, problems, sources = Axe(), {}, {}
    for name, url in pages.items():
        sources[name] = checked.goto(url).text()
        result = axe.run(checked, options={"runOnly": WCAG_21_AA})
        if result.violations_count:
            problems[f"axe, {name}"] = [result.generate_snapshot()]
        if errors := htmlcs_errors(checked):
            problems[f"HTML_CodeSniffer, {name}"] = errors
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)
