"""Which pages a signed-in person without a second factor may reach: an allow-list on the path
Django routes by (path_info), and the Writer's grace period only for someone whose rights are
a Writer's."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from articles.roles import PUBLISHER, WRITER
from tests.staff.conftest import PASSWORD
from tests.support import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("factors_required")]


def test_a_script_name_sent_to_the_app_does_not_open_the_admin_to_a_password_alone(staff):
    client = Client()
    assert sign_in(client, "publisher", PASSWORD).status_code == 302
    for url in ["/admin/", "/admin/articles/release/", "/admin/auth/user/"]:
        response = client.get(url, SCRIPT_NAME="/press")
        assert response.status_code == 302, url
        assert "/accounts/" in response["Location"], url


def test_everything_but_enrolment_the_factor_pages_and_sign_out_needs_the_factor(staff):
    client = Client()
    sign_in(client, "publisher", PASSWORD)
    for url in ["/admin/", "/admin/sign-out-everywhere/", "/preview/nothing-here/"]:
        assert client.get(url).status_code == 302, url
    for url in ["/accounts/2fa/", "/accounts/logout/"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("codename", ["publish_release", "change_user"])
def test_a_writer_given_more_rights_directly_gets_no_grace_period(staff, settings, codename):
    settings.WRITER_FACTOR_GRACE_DAYS = 14
    writer = staff[WRITER]
    client = Client()
    sign_in(client, "writer", PASSWORD)
    assert client.get("/admin/").status_code == 200, "a plain Writer may defer"
    writer.user_permissions.add(Permission.objects.get(codename=codename))
    assert client.get("/admin/").status_code == 302, f"a Writer who may {codename} may not"


def test_a_writer_who_is_also_a_publisher_gets_no_grace_period(staff, settings):
    settings.WRITER_FACTOR_GRACE_DAYS = 14
    staff[WRITER].groups.add(staff[PUBLISHER].groups.get())
    client = Client()
    sign_in(client, "writer", PASSWORD)
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_person_without_staff_status_is_told_so_instead_of_going_round(
    client, django_user_model
):
    """An account added with the admin's defaults has no staff status until an Administrator
    ticks it; signed in before that, the admin sent it to sign-in, which sent it back."""
    django_user_model.objects.create_user("newcomer", password=PASSWORD)
    client.force_login(django_user_model.objects.get(username="newcomer"))
    response = client.get("/admin/", follow=True)
    assert len(response.redirect_chain) <= 2
    assert response.status_code == 403
    assert b"no access to the admin" in response.content
    assert b'action="/accounts/logout/"' in response.content
