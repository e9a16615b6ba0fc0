"""Second-factor codes cannot be guessed: a pending sign-in ends after a few wrong codes (the
person starts again with the password), codes are limited per account and per address across
sign-ins, and every wrong code is in the security log."""

import datetime

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from staff.models import SecurityEvent
from tests.staff.conftest import PASSWORD, START
from tests.staff.test_factors import totp
from tests.support import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("factors_required")]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
Kind = SecurityEvent.Kind


@pytest.fixture
def staff(staff):
    """Everyone also with an authenticator app (as create_demo_admin sets them up)."""
    for user in staff.values():
        TOTP.activate(user, SECRET)
    return staff


def wrong(n):
    return f"{(int(totp(SECRET, START)) + 1 + n) % 1_000_000:06d}"


def pending(username, address="127.0.0.20"):
    client = Client(REMOTE_ADDR=address)
    response = sign_in(client, username, PASSWORD)
    assert response["Location"].startswith("/accounts/2fa/authenticate/"), response
    return client


def enter(client, code):
    return client.post("/accounts/2fa/authenticate/", {"code": code})


def signed_in(client):
    return client.get("/admin/").status_code == 200


def test_six_wrong_codes_then_the_right_one_is_refused_and_the_sign_in_starts_again(staff):
    with time_machine.travel(START, tick=False):
        client = pending("publisher")
        answers = [enter(client, wrong(n)) for n in range(6)]
        assert [a.status_code for a in answers[:3]] == [200, 200, 200]
        assert "sign in again with your password" in answers[2].text
        assert all(a["Location"] == "/accounts/login/" for a in answers[3:]), "the sign-in ended"
        right = enter(client, totp(SECRET, START))
        assert right.status_code == 302 and right["Location"] == "/accounts/login/"
        assert not signed_in(client)


def test_codes_are_limited_per_account_over_sign_ins_and_addresses(staff):
    with time_machine.travel(START, tick=False):
        for n, address in enumerate(["127.0.0.21", "127.0.0.22", "127.0.0.23"]):
            client = pending("writer", address)
            for attempt in range(2):  # fewer than end a sign-in, from each address
                enter(client, wrong(2 * n + attempt))
        late = pending("writer", "127.0.0.24")
        refused = enter(late, totp(SECRET, START))
        assert refused.status_code == 200 and "Too many failed" in refused.text
        assert not signed_in(late)
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        owner = pending("writer", "127.0.0.25")
        assert enter(owner, totp(SECRET, START + datetime.timedelta(minutes=16))).status_code == 302
        assert signed_in(owner), "after the window the owner signs in with the right code"


def test_codes_are_limited_per_address_over_accounts(staff):
    office = "127.0.0.30"
    with time_machine.travel(START, tick=False):
        for username in ["writer", "publisher", "administrator"]:
            for attempt in range(4):  # fewer than the per-account limit each
                if attempt % 2 == 0:  # and fewer than end a sign-in
                    client = pending(username, office)
                enter(client, wrong(attempt))
        at_office = pending("publisher", office)
        assert "Too many failed" in enter(at_office, totp(SECRET, START)).text
        elsewhere = pending("writer", "127.0.0.31")
        assert enter(elsewhere, totp(SECRET, START)).status_code == 302


def test_every_wrong_code_and_every_pending_sign_in_is_logged(staff):
    SecurityEvent.objects.all()._raw_delete(SecurityEvent.objects.db)
    with time_machine.travel(START, tick=False):
        client = pending("publisher", "127.0.0.40")
        enter(client, wrong(0))
        enter(client, wrong(1))
        assert enter(client, totp(SECRET, START)).status_code == 302
    events = list(
        SecurityEvent.objects.order_by("id").values_list("kind", "username", "address", "detail")
    )
    assert events[0] == (Kind.FACTOR_PENDING, "publisher", "127.0.0.40", "")
    assert events[1:3] == [(Kind.FACTOR_CODE_FAILED, "publisher", "127.0.0.40", "wrong code")] * 2
    assert events[3][:3] == (Kind.SIGNED_IN, "publisher", "127.0.0.40")


def test_wrong_codes_when_asked_again_for_the_factor_end_the_session(staff):
    with time_machine.travel(START, tick=False):
        client = pending("administrator")
        enter(client, totp(SECRET, START))
        assert signed_in(client)
        for n in range(3):
            answer = client.post("/accounts/2fa/reauthenticate/", {"code": wrong(n)})
        assert answer.status_code in (200, 302)
        assert not signed_in(client)
    assert SecurityEvent.objects.filter(kind=Kind.FACTOR_CODE_FAILED).count() == 3
