"""Enrolment codes in Chromium: the page where a person types the code an Administrator gave
them (empty, after a wrong code, after an expired or void one) and the admin pages that show a
code once (a new account, a reset) pass axe, the Nu Html Checker and HTML_CodeSniffer; and the
whole way in, from "Add user" to the newsroom, with the code read off the Administrator's
screen."""

import datetime

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group

from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from staff import enrolment
from tests.browser.checkers import htmlcs_errors, nu_errors, report
from tests.browser.test_editor import WCAG_21_AA
from tests.browser.test_passkeys import sign_in_with_password
from tests.staff.conftest import PASSWORD
from tests.staff.test_factors import totp

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = "ABCD-EFGH-JKLM"


def now():
    return datetime.datetime.now(datetime.UTC)


@pytest.fixture
def staff(people, factors_required):
    """Everyone signs in with two factors and the same password; the Administrator has an
    authenticator app already (its secret is returned beside the people)."""
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    secret = generate_totp_secret()
    TOTP.activate(people[ADMINISTRATOR], secret)
    return people, secret


class Checks:
    """Each page as served and as shown, through the three checkers and a count of its main
    headings; the Nu Html Checker runs once at the end, over every page collected."""

    def __init__(self, screenshot_dir, prefix):
        self.screenshot_dir, self.prefix = screenshot_dir, prefix
        self.axe, self.sources, self.problems = Axe(), {}, {}

    def check(self, name, page, response, status=200):
        assert response.status == status, (name, response.status)
        page.wait_for_load_state("networkidle")
        self.sources[name] = response.text()
        shot = self.screenshot_dir / f"{self.prefix}-{name}.png"
        page.screenshot(path=shot, full_page=True)
        result = self.axe.run(page, options={"runOnly": WCAG_21_AA})
        if result.violations_count:
            self.problems[f"axe, {name}"] = [result.generate_report()]
        if errors := htmlcs_errors(page):
            self.problems[f"HTML_CodeSniffer, {name}"] = errors
        # None of the checkers minds a heading said twice; a screen-reader user hears it twice.
        headings = page.locator("h1").all_inner_texts()
        if len(headings) != 1:
            self.problems[f"headings, {name}"] = [f"one <h1> expected, found {headings}"]

    def assert_clean(self):
        found = {f"Nu, {name}": errors for name, errors in nu_errors(self.sources).items()}
        found |= self.problems
        assert not found, report(found)


def submit(page, selector):
    """Press Enter in a field; the response the browser navigates to (its HTML as served)."""
    with page.expect_navigation() as navigation:
        page.press(selector, "Enter")
    return navigation.value


def enter_code(page, code):
    page.fill("#id_code", code)
    return submit(page, "#id_code")


def refused(page):
    """Still on the enrolment page, the code refused, the error tied to its field."""
    assert "/accounts/enrol/" in page.url
    described = page.get_attribute("#id_code", "aria-describedby").split()
    return page.locator("#id_code_error").is_visible() and "id_code_error" in described


def sign_in_with_app(page, base, username, secret):
    sign_in_with_password(page, base, username)
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.fill("#id_code", totp(secret, now()))
    page.press("#id_code", "Enter")
    page.wait_for_url("**/admin/")


def test_the_enrolment_code_page_passes_the_checkers_in_every_state(
    browser, live_server, staff, screenshot_dir
):
    """Empty, after a wrong code, after a code that has expired, and after one that five
    wrong tries made void."""
    people, _ = staff
    publisher = people[PUBLISHER]
    with time_machine.travel(now() - datetime.timedelta(hours=25), tick=False):
        expired = enrolment.issue(publisher)  # handed over yesterday, not used in time
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    checks = Checks(screenshot_dir, "enrol")

    with page.expect_response(lambda response: response.url.endswith("/accounts/enrol/")) as landed:
        sign_in_with_password(page, live_server.url)  # sent here before any staff page
    page.wait_for_url("**/accounts/enrol/")
    checks.check("empty", page, landed.value)
    response = enter_code(page, expired)
    assert refused(page), "an expired code is refused"
    checks.check("expired", page, response)
    code = enrolment.issue(publisher)  # the Administrator resets and reads out a new one
    response = enter_code(page, WRONG)
    assert refused(page)
    checks.check("wrong", page, response)
    for _ in range(enrolment.WRONG_TRIES - 1):
        enter_code(page, WRONG)
    response = enter_code(page, code)
    assert refused(page), "five wrong tries void the code"
    checks.check("void", page, response)
    context.close()
    checks.assert_clean()


def test_the_admin_pages_that_show_enrolment_codes_pass_the_checkers(
    browser, live_server, staff, screenshot_dir
):
    """The code of an account just added, and the codes after "Reset second factors" for two
    people at once."""
    people, secret = staff
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    checks = Checks(screenshot_dir, "enrolment-codes")
    sign_in_with_app(page, live_server.url, "administrator", secret)

    page.goto(live_server.url + "/admin/auth/user/add/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    with page.expect_navigation() as navigation:
        page.click("input[name=_save]")
    checks.check("new-account", page, navigation.value)

    page.goto(live_server.url + "/admin/auth/user/")
    for user in (people[WRITER], people[PUBLISHER]):
        page.check(f"input[name=_selected_action][value='{user.pk}']")
    page.select_option("select[name=action]", "reset_second_factors")
    with page.expect_navigation() as navigation:
        page.click("button[name=index]")
    assert page.locator(".enrolment-code").count() == 2
    checks.check("reset", page, navigation.value)
    context.close()
    checks.assert_clean()


def test_an_administrator_adds_a_person_who_enrols_an_app_with_the_code_shown_once(
    browser, live_server, staff, screenshot_dir
):
    """An Administrator adds a user with the form's default choices, reads the code off the
    screen and gives staff status and the Writer role on the next page; the newcomer signs in
    with the password, types the code, adds an authenticator app and reaches the newsroom."""
    _, secret = staff
    base = live_server.url
    administrator = browser.new_context().new_page()
    sign_in_with_app(administrator, base, "administrator", secret)
    administrator.goto(base + "/admin/auth/user/add/")
    administrator.fill("#id_username", "newcomer")
    administrator.fill("#id_password1", PASSWORD)
    administrator.fill("#id_password2", PASSWORD)
    administrator.click("input[name=_save]")
    code = administrator.locator(".enrolment-code").inner_text()
    administrator.click("text=Continue")
    administrator.wait_for_url("**/admin/auth/user/*/change/")
    administrator.check("#id_is_staff")
    writers = str(Group.objects.get(name=WRITER).pk)
    administrator.select_option("#id_groups_from", writers)
    administrator.click("#id_groups_add")
    administrator.click("input[name=_save]")
    administrator.wait_for_url("**/admin/auth/user/")
    administrator.goto(base + "/admin/auth/user/")
    assert code not in administrator.content(), "the code is shown once"

    newcomer = browser.new_context().new_page()
    sign_in_with_password(newcomer, base, "newcomer")
    newcomer.wait_for_url("**/accounts/enrol/")
    newcomer.fill("#id_code", code)
    newcomer.press("#id_code", "Enter")
    newcomer.wait_for_url("**/accounts/2fa/")
    newcomer.goto(base + "/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in newcomer.url:  # adding a factor asks for the password again
        newcomer.fill("#id_password", PASSWORD)
        newcomer.press("#id_password", "Enter")
        newcomer.wait_for_url("**/totp/activate/")
    app_secret = newcomer.input_value("#authenticator_secret")
    newcomer.fill("#id_code", totp(app_secret, now()))
    newcomer.press("#id_code", "Enter")
    newcomer.wait_for_url("**/recovery-codes/**")
    newcomer.goto(base + "/admin/")
    assert newcomer.locator("#site-name").count() == 1, "with an app, the newsroom opens"
    newcomer.screenshot(path=str(screenshot_dir / "enrolment-journey-newsroom.png"))
    administrator.context.close()
    newcomer.context.close()


def test_a_person_without_staff_status_is_told_so_on_a_page_that_passes_the_checkers(
    browser, live_server, django_user_model, screenshot_dir
):
    """An account added with the admin's defaults has no staff status until an Administrator
    ticks it: signed in before that, the person reads why, instead of going round in circles."""
    django_user_model.objects.create_user("newcomer", password=PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    checks = Checks(screenshot_dir, "no-access")

    def refusal(response):  # the first /admin/login/ (before signing in) sends on to sign-in
        return "/admin/login/" in response.url and response.status != 302

    with page.expect_response(refusal) as told:
        sign_in_with_password(page, live_server.url, "newcomer")
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="This account has no access to the admin").is_visible()
    checks.check("signed-in-without-staff-status", page, told.value, status=403)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    context.close()
    checks.assert_clean()
