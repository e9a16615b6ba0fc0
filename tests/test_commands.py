"""seed_demo and create_demo_admin, the commands behind `make run`."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from articles.models import Office, Release, SocialLink

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_the_whole_life_cycle_and_is_safe_to_rerun(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    releases = list(Release.objects.all())
    assert len(releases) == 12
    states = {release.state for release in releases}
    assert {"Live", "Scheduled", "Draft", "Withdrawn"} <= states
    assert {release.kind for release in releases} == set(Release.Kind.values)
    assert Office.objects.get().is_default
    assert SocialLink.objects.filter(active=True).count() == 3
    home = client.get("/").text
    assert "Follow us on" in home
    assert Release.objects.live().count() == 9
    for release in Release.objects.exclude(pk__in=Release.objects.live()):
        assert client.get(release.get_absolute_url()).status_code == 404


def test_demo_admin_gets_a_random_password_once():
    out = StringIO()
    call_command("create_demo_admin", stdout=out)
    password = out.getvalue().split("password “")[1].split("”")[0]
    assert len(password) >= 16
    assert authenticate(username="admin", password=password) is not None

    again = StringIO()
    call_command("create_demo_admin", stdout=again)
    assert "existing superuser" in again.getvalue()
    assert get_user_model().objects.count() == 1
