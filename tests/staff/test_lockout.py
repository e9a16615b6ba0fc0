"""Brute-force lockout: per account and address, per address for many
accounts, lifted by time or by an Administrator, and no timing oracle for account names."""

import datetime

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from tests.staff.conftest import PASSWORD, START
from tests.support import sign_in

pytestmark = pytest.mark.django_db

STRANGER, COLLEAGUE, OFFICE = "127.0.0.5", "127.0.0.6", "127.0.0.7"


def attempt(username, password, address):
    return sign_in(Client(REMOTE_ADDR=address), username, password)


def test_the_sixth_try_is_refused_even_with_the_right_password_but_not_at_the_colleagues_desk(
    staff,
):
    with time_machine.travel(START, tick=False):
        codes = [attempt("writer", "wrong guess 12345", STRANGER).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 200, 429], "the fifth failure locks the pair"
        locked = attempt("writer", PASSWORD, STRANGER)
        assert locked.status_code == 429
        assert "paused until" in locked.text and "This attempt was logged" in locked.text
        assert "09:15 EST" in locked.text  # 15 minutes on, in office time
        assert attempt("writer", PASSWORD, COLLEAGUE).status_code == 302
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        assert attempt("writer", PASSWORD, STRANGER).status_code == 302


def test_guessing_many_accounts_from_one_address_locks_the_address(staff):
    with time_machine.travel(START, tick=False):
        for n in range(20):  # two guesses each for ten accounts: no pair reaches five
            attempt(f"guess-{n % 10}", "wrong guess 12345", OFFICE)
        assert attempt("publisher", PASSWORD, OFFICE).status_code == 429
        assert attempt("publisher", PASSWORD, COLLEAGUE).status_code == 302


def test_a_few_mistyped_passwords_across_an_office_lock_nobody(staff):
    with time_machine.travel(START, tick=False):
        for name in ["writer", "publisher", "administrator"]:
            for _ in range(3):
                attempt(name, "typo typo typo", OFFICE)
        assert attempt("writer", PASSWORD, OFFICE).status_code == 302


def test_an_administrator_lifts_a_lockout_in_the_admin(staff):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            attempt("writer", "wrong guess 12345", STRANGER)
        assert attempt("writer", PASSWORD, STRANGER).status_code == 429
        admin = Client(REMOTE_ADDR=COLLEAGUE)
        admin.force_login(staff[ADMINISTRATOR])
        listing = admin.get("/admin/axes/accessattempt/")
        assert listing.status_code == 200 and "writer" in listing.text
        from axes.models import AccessAttempt

        ids = list(AccessAttempt.objects.values_list("pk", flat=True))
        response = admin.post(
            "/admin/axes/accessattempt/",
            {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        )
        assert response.status_code == 302
        assert attempt("writer", PASSWORD, STRANGER).status_code == 302
        publisher = Client()
        publisher.force_login(staff[PUBLISHER])
        assert publisher.get("/admin/axes/accessattempt/").status_code == 403


def test_an_unknown_account_costs_the_same_password_hashing_as_a_known_one(staff, monkeypatch):
    calls = []
    original = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    attempt("writer", "wrong guess 12345", STRANGER)
    known = len(calls)
    attempt("nobody-by-this-name", "wrong guess 12345", STRANGER)
    assert known == 1 and len(calls) - known == known
    assert staff[WRITER]  # the known account exists


@pytest.mark.slow  # a hundred sign-ins
def test_guesses_from_many_addresses_of_one_ipv6_network_count_as_one_address(staff):
    """An IPv6 client is given a /64 (2^64 addresses): hopping between them changes nothing."""
    with time_machine.travel(START, tick=False):
        statuses = [
            attempt("writer", "wrong guess 12345", f"2001:db8:1:2::{n % 25 + 1:x}").status_code
            for n in range(100)
        ]
        assert statuses[:5] == [200, 200, 200, 200, 429], "the fifth failure pauses the /64"
        assert set(statuses[5:]) == {429}
        assert attempt("writer", PASSWORD, "2001:db8:1:3::1").status_code == 302


@pytest.mark.slow  # a hundred sign-ins
def test_guesses_for_one_account_from_many_addresses_are_slowed_but_never_lock_its_owner_out(
    staff, settings
):
    assert (settings.STAFF_ACCOUNT_FAILURES, settings.STAFF_ACCOUNT_DELAY_SECONDS) == (10, 60)
    spread = [f"127.0.1.{n % 25 + 1}" for n in range(100)]  # four guesses from each address
    with time_machine.travel(START, tick=False):
        statuses = [attempt("writer", "wrong guess 12345", a).status_code for a in spread]
        assert statuses[:10] == [200] * 10 and set(statuses[10:]) == {429}
        slowed = attempt("writer", PASSWORD, COLLEAGUE)
        assert slowed.status_code == 429 and "09:01:00 EST" in slowed.text
        assert attempt("publisher", PASSWORD, COLLEAGUE).status_code == 302, "other accounts"
    with time_machine.travel(START + datetime.timedelta(seconds=61), tick=False):
        assert attempt("writer", "wrong guess 12345", "127.0.2.1").status_code == 200
        assert attempt("writer", "wrong guess 12345", "127.0.2.2").status_code == 429
    with time_machine.travel(START + datetime.timedelta(seconds=122), tick=False):
        assert attempt("writer", PASSWORD, COLLEAGUE).status_code == 302, "the owner signs in"
