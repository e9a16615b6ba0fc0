"""Enrolling a second factor needs more than the password: a one-time enrolment code that an
Administrator hands over, shown once when the account is made or its factors are reset; the
owner is told by mail (from the worker) when a factor is added."""

import datetime
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from articles.roles import ADMINISTRATOR, PUBLISHER
from staff.models import EnrolmentCode, SecurityEvent
from tests.staff.conftest import PASSWORD, START
from tests.staff.test_factors import totp
from tests.support import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("factors_required")]

Kind = SecurityEvent.Kind


@pytest.fixture(autouse=True)
def clock():
    """A known moment (the clock moves on from it: signing out everywhere ends the sessions
    begun before it)."""
    with time_machine.travel(START):
        yield


@pytest.fixture
def staff(staff):
    """Everyone also with an address, for the mail that tells them of a new factor."""
    for user in staff.values():
        user.email = f"{user.username}@example.gov"
        user.save()
    return staff


@pytest.fixture
def administrator(staff):
    client = Client(REMOTE_ADDR="127.0.0.50")
    client.force_login(staff[ADMINISTRATOR])
    Authenticator.objects.create(user=staff[ADMINISTRATOR], type="totp", data={"secret": "x"})
    return client


def now():
    return datetime.datetime.now(datetime.UTC)


def shown_code(page):
    return re.search(r'class="enrolment-code">([A-Z0-9-]+)<', page.text)[1]


def reset(administrator, user):
    page = administrator.post(
        "/admin/auth/user/", {"action": "reset_second_factors", "_selected_action": [user.pk]}
    )
    assert page.status_code == 200 and "hand it over" in page.text
    return shown_code(page)


def try_to_add_an_app(client):
    """Open the authenticator-app page and confirm it with a code: the factor is added only if
    the page lets the person get that far."""
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code != 200:
        client.post("/accounts/2fa/totp/activate/", {"code": "123456"})
        return page
    secret = re.search(r"secret=([A-Z2-7]+)", page.context["totp_url"])[1]
    client.post("/accounts/2fa/totp/activate/", {"code": totp(secret, now())})
    return page


def test_after_a_reset_the_password_alone_cannot_enrol_a_factor(staff, administrator):
    publisher = staff[PUBLISHER]
    code = reset(administrator, publisher)
    thief = Client(REMOTE_ADDR="127.0.0.66")
    sign_in(thief, "publisher", PASSWORD)
    assert thief.get("/admin/")["Location"] == "/accounts/enrol/"
    refused = try_to_add_an_app(thief)
    assert refused["Location"].startswith("/accounts/enrol/")
    wrong = thief.post("/accounts/enrol/", {"code": "ABCD-EFGH-JKLM"})
    assert wrong.status_code == 200 and "wrong, used or expired" in wrong.text
    try_to_add_an_app(thief)
    assert not Authenticator.objects.filter(user=publisher).exists()
    assert thief.get("/admin/").status_code == 302

    owner = Client(REMOTE_ADDR="127.0.0.67")
    sign_in(owner, "publisher", PASSWORD)
    accepted = owner.post("/accounts/enrol/", {"code": code.lower().replace("-", " ")})
    assert accepted.status_code == 302
    try_to_add_an_app(owner)
    assert owner.get("/admin/").status_code == 200
    assert Authenticator.objects.filter(user=publisher, type="totp").exists()
    kinds = list(SecurityEvent.objects.filter(user=publisher).values_list("kind", flat=True))
    assert Kind.ENROLMENT_CODE_REFUSED in kinds and Kind.ENROLMENT_CODE_USED in kinds


def test_a_new_account_gets_a_code_shown_once_and_kept_only_as_a_hash(staff, administrator):
    page = administrator.post(
        "/admin/auth/user/add/",
        {"username": "newcomer", "usable_password": "true",
         "password1": PASSWORD, "password2": PASSWORD},
    )  # fmt: skip
    assert page.status_code == 200, page
    code = shown_code(page)
    stored = EnrolmentCode.objects.get(user__username="newcomer")
    assert code not in str(vars(stored)) and code.replace("-", "") not in str(vars(stored))
    newcomer = Client()
    sign_in(newcomer, "newcomer", PASSWORD)
    assert newcomer.post("/accounts/enrol/", {"code": code}).status_code == 302
    again = Client()
    sign_in(again, "newcomer", PASSWORD)
    assert "wrong, used or expired" in again.post("/accounts/enrol/", {"code": code}).text


def test_an_enrolment_code_expires_and_wrong_guesses_void_it(staff, administrator, settings):
    assert settings.STAFF_ENROLMENT_CODE_HOURS == 24
    code = reset(administrator, staff[PUBLISHER])
    late = START + datetime.timedelta(hours=25)
    with time_machine.travel(late):
        client = Client()
        sign_in(client, "publisher", PASSWORD)
        assert "wrong, used or expired" in client.post("/accounts/enrol/", {"code": code}).text

    code = reset(administrator, staff[PUBLISHER])
    client = Client()
    sign_in(client, "publisher", PASSWORD)
    for _ in range(5):
        client.post("/accounts/enrol/", {"code": "ABCD-EFGH-JKLM"})
    assert "wrong, used or expired" in client.post("/accounts/enrol/", {"code": code}).text


def test_the_owner_is_told_by_mail_from_the_worker_when_a_factor_is_added(
    staff, administrator, deliver
):
    code = reset(administrator, staff[PUBLISHER])
    owner = Client(REMOTE_ADDR="127.0.0.68")
    sign_in(owner, "publisher", PASSWORD)
    owner.post("/accounts/enrol/", {"code": code})
    try_to_add_an_app(owner)
    assert mail.outbox == [], "nothing is sent from the request"
    deliver()
    told = [m for m in mail.outbox if m.to == ["publisher@example.gov"]]
    assert len(told) == 1 and "second factor was added" in told[0].subject
    assert "TOTP Authenticator" in told[0].body and "127.0.0.68" in told[0].body


def test_factors_added_and_removed_are_logged_with_the_address(staff, administrator):
    code = reset(administrator, staff[PUBLISHER])
    owner = Client(REMOTE_ADDR="127.0.0.69")
    sign_in(owner, "publisher", PASSWORD)
    owner.post("/accounts/enrol/", {"code": code})
    try_to_add_an_app(owner)
    reset(administrator, staff[PUBLISHER])
    events = SecurityEvent.objects.filter(
        kind__in=[Kind.FACTOR_ADDED, Kind.FACTOR_REMOVED], username="publisher"
    )
    assert set(events.values_list("kind", "address")) == {
        (Kind.FACTOR_ADDED, "127.0.0.69"),
        (Kind.FACTOR_REMOVED, "127.0.0.50"),
    }
