"""Second factors in Chromium: a new staff member enters the enrolment code an administrator
gave them, enrols a passkey (the DevTools virtual
authenticator stands in for a phone or security key) and signs in with it; another enrols an
authenticator app and signs in with codes computed here, then with a recovery code, once."""

import datetime

import pytest

from articles.roles import PUBLISHER, WRITER
from staff import enrolment
from tests.staff.conftest import PASSWORD
from tests.staff.test_factors import STEP, totp

pytestmark = pytest.mark.django_db(transaction=True)


def with_virtual_authenticator(context, page):
    session = context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return session, added["authenticatorId"]


def enter_enrolment_code(page, code):
    page.wait_for_url("**/accounts/enrol/")  # sent to enrol before any staff page
    page.fill("#id_code", code)
    page.press("#id_code", "Enter")
    page.wait_for_url("**/accounts/2fa/")


def sign_in_with_password(page, base, username="publisher"):
    page.goto(base + "/admin/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")


def test_a_new_publisher_enrols_a_passkey_and_signs_in_with_it(
    browser, live_server, people, factors_required, screenshot_dir
):
    publisher = people[PUBLISHER]
    publisher.set_password(PASSWORD)
    publisher.save()
    code = enrolment.issue(publisher)  # what the administrator handed over
    base = live_server.url.replace("127.0.0.1", "localhost")  # WebAuthn needs a domain name
    context = browser.new_context()
    page = context.new_page()
    session, authenticator = with_virtual_authenticator(context, page)

    sign_in_with_password(page, base)
    enter_enrolment_code(page, code)
    page.goto(base + "/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:  # adding a factor asks for the password again
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url("**/webauthn/add/")
    page.fill("#id_name", "Work laptop")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    credentials = session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    page.goto(base + "/admin/")
    assert page.locator("#site-name").count() == 1, "with a passkey, the admin opens"
    page.screenshot(path=str(screenshot_dir / "passkey-enrolled.png"))

    page.goto(base + "/accounts/logout/")
    page.click("button[type=submit]")
    sign_in_with_password(page, base)
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.goto(base + "/admin/articles/release/")
    assert "/admin/articles/release/" not in page.url, "a password alone reaches no staff page"
    page.go_back()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url("**/admin/")
    assert page.locator("#site-name").count() == 1
    context.close()


def test_totp_enrolment_and_sign_in_then_a_recovery_code_that_works_once(
    browser, live_server, people, factors_required
):
    writer = people[WRITER]
    writer.set_password(PASSWORD)
    writer.save()
    code = enrolment.issue(writer)
    base = live_server.url
    page = browser.new_context().new_page()
    sign_in_with_password(page, base, "writer")
    enter_enrolment_code(page, code)
    page.goto(base + "/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url("**/totp/activate/")
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", totp(secret, datetime.datetime.now(datetime.UTC)))
    page.press("#id_code", "Enter")
    page.wait_for_url("**/recovery-codes/**")
    codes = page.input_value("#recovery_codes").split()
    assert len(codes) >= 2
    page.goto(base + "/accounts/logout/")
    page.click("button[type=submit]")

    # A code for the next 30-second step: the one used to enrol cannot be used again.
    sign_in_with_password(page, base, "writer")
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.fill("#id_code", totp(secret, datetime.datetime.now(datetime.UTC) + STEP))
    page.press("#id_code", "Enter")
    if "/authenticate/" in page.url:  # the server's clock had not reached the next step yet
        page.fill("#id_code", totp(secret, datetime.datetime.now(datetime.UTC)))
        page.press("#id_code", "Enter")
    page.wait_for_url("**/admin/")
    page.goto(base + "/accounts/logout/")
    page.click("button[type=submit]")

    for attempt in range(2):
        sign_in_with_password(page, base, "writer")
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        page.fill("#id_code", codes[0])
        page.press("#id_code", "Enter")
        if attempt == 0:
            page.wait_for_url("**/admin/")
            page.goto(base + "/accounts/logout/")
            page.click("button[type=submit]")
        else:
            page.wait_for_load_state()
            assert "/accounts/2fa/authenticate/" in page.url, "a recovery code works once"
