"""Staff passwords and sessions: long passwords, sessions that end with the working
day and with the browser, a new session key at sign-in, and "sign out everywhere"."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from tests import support
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password", ["Summer2026", "password1234", "123456789012", "harbormaster.jones"]
)
def test_short_common_numeric_or_name_like_passwords_are_refused(people, password):
    writer = people[WRITER]
    writer.email = "harbormaster.jones@example.gov"
    with pytest.raises(ValidationError):
        validate_password(password, user=writer)


def test_a_long_uncommon_password_is_accepted(people):
    validate_password(PASSWORD, user=people[WRITER])


def sign_in(client, user, password=PASSWORD):
    if not user.check_password(password):  # a new password would end their other sessions
        user.set_password(password)
        user.save()
    return support.sign_in(client, user.username, password)


def test_sign_in_rotates_the_session_key_and_the_cookie_dies_with_the_browser(client, people):
    client.get("/accounts/login/")
    client.cookies["sessionid"] = "a-key-set-before-sign-in"
    response = sign_in(client, people[WRITER])
    assert response.status_code == 302
    cookie = client.cookies["sessionid"]
    assert cookie.value != "a-key-set-before-sign-in"
    assert not cookie["expires"] and not cookie["max-age"], "a browser-session cookie"


def test_a_session_ends_after_a_working_day(client, people, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    start = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, people[WRITER])
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=7, minutes=59), tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=16), tick=False):
        assert client.get("/admin/").status_code == 302


def test_sign_out_everywhere_ends_every_session_of_that_person_only(people):
    laptop, phone, colleague = Client(), Client(), Client()
    sign_in(laptop, people[WRITER])
    sign_in(phone, people[WRITER])
    sign_in(colleague, people[PUBLISHER])
    assert all(c.get("/admin/").status_code == 200 for c in (laptop, phone, colleague))
    assert 'action="/admin/sign-out-everywhere/"' in phone.get("/admin/").text

    response = phone.post("/admin/sign-out-everywhere/", follow=True)
    assert response.redirect_chain[-1][0].startswith(("/admin/login/", "/accounts/login/"))
    assert laptop.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 302
    assert colleague.get("/admin/").status_code == 200

    assert sign_in(laptop, people[WRITER]).status_code == 302
    assert laptop.get("/admin/").status_code == 200, "signing in again works"


def test_an_administrator_signs_a_colleague_out_everywhere(people):
    writer, admin = Client(), Client()
    sign_in(writer, people[WRITER])
    sign_in(admin, people[ADMINISTRATOR])
    response = admin.post(
        "/admin/auth/user/",
        {"action": "sign_out_everywhere", "_selected_action": [people[WRITER].pk]},
    )
    assert response.status_code == 302
    assert writer.get("/admin/").status_code == 302
    assert admin.get("/admin/").status_code == 200


def test_only_administrators_sign_others_out(people):
    publisher = Client()
    sign_in(publisher, people[PUBLISHER])
    response = publisher.post(
        "/admin/auth/user/",
        {"action": "sign_out_everywhere", "_selected_action": [people[WRITER].pk]},
    )
    assert response.status_code == 403
