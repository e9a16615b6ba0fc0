"""The redirects admin in a real browser, as an Administrator uses it: its list, its form, the
CSV import and the import's report pass axe, the Nu Html Checker and HTML_CodeSniffer."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Redirect
from articles.roles import ADMINISTRATOR
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_redirects_pages_pass_the_checkers(
    browser, live_server, people, make_release, tmp_path
):
    release = make_release("Harbor reopens")
    redirect = Redirect.objects.create(
        old_path="/news/newsarticle.aspx", old_query="id=64105", release=release, hits=12
    )
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

    log_in(page, live_server, ADMINISTRATOR)
    for name, path in {
        "list": "/admin/articles/redirect/",
        "add": "/admin/articles/redirect/add/",
        "change": f"/admin/articles/redirect/{redirect.pk}/change/",
        "import": "/admin/articles/redirect/import/",
    }.items():
        response = page.goto(live_server.url + path)
        assert response.ok, (name, response.status)
        page.wait_for_load_state("networkidle")
        check(name, response)

    csv_file = tmp_path / "redirects.csv"
    csv_file.write_text("old,new\n/fleet.html,/news/\n/fleet.html,/no/such/page/\n")
    page.set_input_files("#id_file", str(csv_file))
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Check the file, or import it").click()
    assert posted.value.status == 400
    assert "with problems: nothing was written" in page.content()
    check("import-report", posted.value)
    context.close()
    problems |= {f"Nu, {name}": errors for name, errors in nu_errors(sources).items()}
    assert not problems, report(problems)
