"""A new staff member enrols a passkey in Chromium (its DevTools virtual authenticator stands in
for a phone or security key), signs out, and signs in with password and passkey; every staff
page needs the factor."""

import pytest

from articles.editorial.roles import PUBLISHER

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple 7"


@pytest.fixture
def factors_required(settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True


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


def sign_in_with_password(page, base):
    page.goto(base + "/admin/")
    page.fill("#id_login", "publisher")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")


def test_a_new_publisher_enrols_a_passkey_and_signs_in_with_it(
    browser, live_server, people, factors_required, screenshot_dir
):
    publisher = people[PUBLISHER]
    publisher.set_password(PASSWORD)
    publisher.save()
    base = live_server.url.replace("127.0.0.1", "localhost")  # WebAuthn needs a domain name
    context = browser.new_context()
    page = context.new_page()
    session, authenticator = with_virtual_authenticator(context, page)

    sign_in_with_password(page, base)
    page.wait_for_url("**/accounts/2fa/")  # sent to enrol before any staff page
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
