"""The security log: what it records, who can read it, and that nobody can
change it."""

import logging

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from articles.editorial.workflow import add_correction
from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from pressoffice import observability
from staff.models import SecurityEvent
from tests import support
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind


@pytest.fixture
def staff(staff):
    SecurityEvent.objects.all()._raw_delete(SecurityEvent.objects.db)  # a clean log per test
    return staff


def sign_in(username, password=PASSWORD, address="127.0.0.9"):
    client = Client(REMOTE_ADDR=address)
    support.sign_in(client, username, password)
    return client


def events(*kinds):
    return list(
        SecurityEvent.objects.filter(kind__in=kinds)
        .order_by("id")
        .values_list("kind", "username", "actor", "address", "detail")
    )


def test_sign_ins_failures_lockouts_and_sign_outs_are_logged(staff):
    client = sign_in("writer")
    sign_in("writer", "a wrong password 1")
    sign_in("nobody-by-this-name", "a wrong password 1")
    client.post("/accounts/logout/")
    for _ in range(6):
        sign_in("publisher", "a wrong password 1", address="127.0.0.10")
    assert events(Kind.SIGNED_IN, Kind.SIGNED_OUT)[:2] == [
        (Kind.SIGNED_IN, "writer", "", "127.0.0.9", ""),
        (Kind.SIGNED_OUT, "writer", "", "127.0.0.9", ""),
    ]
    failed = events(Kind.SIGN_IN_FAILED)
    assert failed[:2] == [
        (Kind.SIGN_IN_FAILED, "writer", "", "127.0.0.9", ""),
        (Kind.SIGN_IN_FAILED, "nobody-by-this-name", "", "127.0.0.9", ""),
    ]
    # The fifth failure locks the account at that address; the sixth try is refused.
    assert events(Kind.LOCKED_OUT) == [(Kind.LOCKED_OUT, "publisher", "", "127.0.0.10", "")] * 2


def test_password_roles_permissions_and_account_changes_are_logged_with_who_made_them(staff):
    admin = sign_in("administrator")
    writer = staff[WRITER]
    response = admin.post(
        f"/admin/auth/user/{writer.pk}/password/",
        {"password1": "another long pass phrase 9", "password2": "another long pass phrase 9"},
    )
    assert response.status_code == 302
    publisher_group = Group.objects.get(name=PUBLISHER)
    admin.post(
        f"/admin/auth/user/{writer.pk}/change/",
        {
            "username": "writer", "is_active": "on", "is_staff": "on",
            "groups": [publisher_group.pk], "last_login_0": "", "last_login_1": "",
            "date_joined_0": "2026-11-25", "date_joined_1": "09:00:00",
        },
    )  # fmt: skip
    kinds = {kind: (user, actor, detail) for kind, user, actor, _, detail in events(
        Kind.PASSWORD_CHANGED, Kind.ROLES_CHANGED)}  # fmt: skip
    assert kinds[Kind.PASSWORD_CHANGED][:2] == ("writer", "administrator")
    roles = events(Kind.ROLES_CHANGED)
    assert ("writer", "administrator", f"added: {PUBLISHER}") in [r[1:3] + (r[4],) for r in roles]
    assert ("writer", "administrator", f"removed: {WRITER}") in [r[1:3] + (r[4],) for r in roles]

    writer.is_active = False
    writer.save()
    assert events(Kind.ACCOUNT_CHANGED)[-1][4] == "is_active off"


def test_administrators_read_the_log_and_nobody_can_change_it(staff):
    sign_in("writer")
    event = SecurityEvent.objects.latest("id")
    admin = sign_in("administrator")
    listing = admin.get("/admin/staff/securityevent/?kind=signed-in")
    assert listing.status_code == 200 and "writer" in listing.text
    assert admin.get("/admin/staff/securityevent/add/").status_code == 403
    assert (
        admin.post(f"/admin/staff/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    page = admin.get(f"/admin/staff/securityevent/{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.text
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    for role in (WRITER, PUBLISHER):
        assert sign_in(role.lower()).get("/admin/staff/securityevent/").status_code == 403
    assert staff[ADMINISTRATOR].has_perm("staff.view_securityevent")


def test_the_admin_says_why_a_person_with_a_record_cannot_be_deleted(
    client, make_release, people, admin_user
):
    """First security review, finding 3: deleting a release lost its public record; nor may
    deleting its people take their audit trail or security log with them."""
    add_correction(make_release("On the record"), people[PUBLISHER], "Fixed.")
    client.force_login(admin_user)
    url = f"/admin/auth/user/{people[PUBLISHER].pk}/delete/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Cannot delete user" in response.text  # the page names what is protected
    assert "audit entr" in response.text or "security event" in response.text
    client.post(url, {"post": "yes"})
    assert type(people[PUBLISHER]).objects.filter(pk=people[PUBLISHER].pk).exists()


def test_a_refused_or_missing_page_is_logged_with_its_request_id(staff):
    """Django logs 4xx answers (logger django.request) after the middleware has returned."""
    ids = []
    handler = logging.Handler()
    handler.addFilter(observability.RequestIdFilter())
    handler.emit = lambda record: ids.append(record.request_id)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        writer = sign_in("writer")
        responses = [
            writer.get("/admin/staff/securityevent/"),  # 403: only Administrators
            Client().get("/news/2026/01/01/no-such-release/"),  # 404
        ]
    finally:
        logger.removeHandler(handler)
    assert [r.status_code for r in responses] == [403, 404]
    assert ids == [r["X-Request-ID"] for r in responses]
