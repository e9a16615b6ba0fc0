"""The webhook endpoints' admin in a real browser, as an Administrator registers a partner:
the list, the form with its defaults, a refused address, the page that shows the secret once,
and the endpoint's page pass axe, the Nu Html Checker and HTML_CodeSniffer."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.roles import ADMINISTRATOR
from subscriptions.models import WebhookEndpoint
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in

pytestmark = pytest.mark.django_db(transaction=True)
LIST = "/admin/subscriptions/webhookendpoint/"


def test_registering_a_webhook_endpoint_passes_the_checkers(browser, live_server, people,
                                                            settings):  # fmt: skip
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = ["127.0.0.2"]
    settings.WEBHOOK_ALLOW_HTTP = True
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    axe, sources, problems = Axe(), {}, {}

    def check(name, response):
        sources[name] = response.text() if response else page.content()
        result = axe.run(page, options={"runOnly": WCAG_21_AA})
        if result.violations_count:
            problems[f"axe, {name}"] = [result.generate_report()]
        if errors := htmlcs_errors(page):
            problems[f"HTML_CodeSniffer, {name}"] = errors

    def submit(name, url):
        page.fill("#id_url", url)
        page.fill("#id_description", "Wire service")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_load_state("networkidle")
        check(name, posted.value)
        return posted.value

    log_in(page, live_server, ADMINISTRATOR)
    # (The empty list is not checked: Django's empty changelist form has no submit button,
    # which HTML_CodeSniffer flags on every model's empty list.)
    assert page.goto(live_server.url + LIST).ok
    response = page.goto(live_server.url + LIST + "add/")
    assert response.ok
    check("add", response)
    refused = submit("add, refused", "https://169.254.169.254/latest/")
    assert "public addresses" in page.content() and refused.status == 200
    submit("secret", "http://127.0.0.2:9/hooks")
    secret = page.get_by_label("Signing secret").input_value()
    assert secret.startswith("whsec_")
    page.get_by_role("link", name="Continue to the endpoint").click()
    page.wait_for_load_state("networkidle")
    check("change", None)
    assert "whsec_" not in page.content()
    response = page.goto(live_server.url + LIST)
    check("list", response)
    assert WebhookEndpoint.objects.count() == 1
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)
