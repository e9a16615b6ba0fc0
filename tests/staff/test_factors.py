"""Second factors: every staff page needs one; TOTP enrolment and sign-in
with codes computed here; recovery codes work once; Writers may defer within a grace period,
Publishers never; Administrators reset a colleague's factors, and it is logged."""

import base64
import datetime
import hashlib
import hmac
import re
import struct

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client

from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from staff import enrolment
from staff.models import SecurityEvent
from tests.staff.conftest import PASSWORD, START
from tests.support import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("factors_required")]

STEP = datetime.timedelta(seconds=30)


def totp(secret, moment):
    """RFC 6238 with SHA-1, 30-second steps and 6 digits, written out here."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(moment.timestamp()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def enrol_totp(client, user):
    """Enrol an authenticator app as its owner does: the enrolment code an Administrator gave
    them (the admin's side is in test_enrolment.py), the password again, then a code."""
    code = enrolment.issue(user)
    assert client.post("/accounts/enrol/", {"code": code}).status_code == 302
    # Adding a factor asks for the password again, even just after signing in.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = re.search(r"secret=([A-Z2-7]+)", page.context["totp_url"])[1]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret, START)})
    assert response.status_code == 302, response.context["form"].errors
    return secret


def test_staff_without_a_factor_are_sent_to_enrol_before_any_staff_page(staff):
    client = Client()
    assert sign_in(client, "publisher", PASSWORD).status_code == 302
    for url in ["/admin/", "/admin/articles/release/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/enrol/", url
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/enrol/").status_code == 200


def test_totp_enrolment_then_sign_in_with_a_code_and_never_with_the_password_alone(staff):
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, "publisher", PASSWORD)
        secret = enrol_totp(client, staff[PUBLISHER])
        assert client.get("/admin/").status_code == 200
        client.post("/accounts/logout/")

    with time_machine.travel(START + 2 * STEP, tick=False):
        fresh = Client()
        response = sign_in(fresh, "publisher", PASSWORD)
        assert response["Location"].startswith("/accounts/2fa/authenticate/")
        assert fresh.get("/admin/").status_code == 302, "a password alone reaches no staff page"
        assert fresh.get("/admin/articles/release/").status_code == 302
        wrong = fresh.post("/accounts/2fa/authenticate/", {"code": "000000"})
        assert wrong.status_code == 200 and fresh.get("/admin/").status_code == 302
        right = fresh.post("/accounts/2fa/authenticate/", {"code": totp(secret, START + 2 * STEP)})
        assert right.status_code == 302
        assert fresh.get("/admin/").status_code == 200
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert SecurityEvent.Kind.FACTOR_ADDED in kinds


def test_a_recovery_code_signs_in_once(staff):
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, "writer", PASSWORD)
        enrol_totp(client, staff[WRITER])
    codes = (
        Authenticator.objects.get(user=staff[WRITER], type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    code = codes[0]

    first = Client()
    sign_in(first, "writer", PASSWORD)
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert first.get("/admin/").status_code == 200

    second = Client()
    sign_in(second, "writer", PASSWORD)
    refused = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert refused.status_code == 200
    assert second.get("/admin/").status_code == 302


def test_writers_may_defer_enrolment_within_the_grace_period_publishers_never(staff, settings):
    settings.WRITER_FACTOR_GRACE_DAYS = 14
    writer, publisher = Client(), Client()
    sign_in(writer, "writer", PASSWORD)
    sign_in(publisher, "publisher", PASSWORD)
    assert writer.get("/admin/").status_code == 200
    assert publisher.get("/admin/").status_code == 302
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=15)):
        assert writer.get("/admin/").status_code == 302, "the grace period ends"


def test_an_administrator_resets_a_colleagues_factors_and_it_is_logged(staff):
    colleague = Client()
    with time_machine.travel(START, tick=False):
        sign_in(colleague, "publisher", PASSWORD)
        enrol_totp(colleague, staff[PUBLISHER])
    assert Authenticator.objects.filter(user=staff[PUBLISHER]).count() == 2  # app + codes

    admin = Client()
    admin.force_login(staff[ADMINISTRATOR])
    Authenticator.objects.create(user=staff[ADMINISTRATOR], type="totp", data={"secret": "x"})
    response = admin.post(
        "/admin/auth/user/",
        {"action": "reset_second_factors", "_selected_action": [staff[PUBLISHER].pk]},
    )
    assert response.status_code == 200 and "enrolment-code" in response.text
    assert not Authenticator.objects.filter(user=staff[PUBLISHER]).exists()
    removed = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.FACTOR_REMOVED)
    assert removed.count() == 2 and set(removed.values_list("actor", flat=True)) == {
        "administrator"
    }
    assert colleague.get("/admin/").status_code == 302, "their sessions end too"


def test_nobody_signs_up_and_nobody_resets_a_password_by_e_mail(client, django_user_model):
    client.post(
        "/accounts/signup/",
        {"username": "intruder", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not django_user_model.objects.filter(username="intruder").exists()
    assert client.get("/accounts/password/reset/").status_code == 404
