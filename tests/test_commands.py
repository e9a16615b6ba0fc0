"""seed_demo and create_demo_admin, the commands behind `make run`."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import Client, RequestFactory
from taggit.models import Tag

from articles.models import Office, Release, SocialLink
from articles.states import State

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_the_whole_life_cycle_and_is_safe_to_rerun(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    releases = list(Release.objects.all())
    assert len(releases) == 12 + 36
    states = {release.state for release in releases}
    assert {State.LIVE, State.SCHEDULED, State.DRAFT, State.WITHDRAWN} <= states
    assert {release.kind for release in releases} == set(Release.Kind.values)
    assert Office.objects.get().is_default
    assert SocialLink.objects.filter(active=True).count() == 3
    home = client.get("/").text
    assert "Follow us on" in home
    assert Release.objects.live().count() == 9 + 36
    for release in Release.objects.exclude(pk__in=Release.objects.live()):
        assert client.get(release.get_absolute_url()).status_code == 404


def test_the_demo_shows_pagination_archive_months_and_well_used_topics(client):
    """A new user sees every kind of public page with the demo data alone."""
    call_command("seed_demo", stdout=StringIO())
    assert client.get("/news/?page=2").status_code == 200
    assert client.get("/news/?page=3").status_code == 200
    months = Release.objects.live().month_counts()
    assert len(months) >= 6, months
    busiest = (
        Tag.objects.filter(release__in=Release.objects.live())
        .annotate(uses=Count("release"))
        .filter(uses__gte=8)
    )
    assert busiest.count() >= 4
    for tag in busiest:
        assert client.get(f"/news/tags/{tag.slug}/").status_code == 200


def test_demo_accounts_get_random_passwords_once():
    out = StringIO()
    call_command("create_demo_admin", stdout=out)
    passwords = dict(re.findall(r"(\w+)\s+password “([^”]+)”", out.getvalue()))
    assert set(passwords) == {"admin", "publisher", "writer"}
    assert len(set(passwords.values())) == 3 and all(len(p) >= 16 for p in passwords.values())
    for username, password in passwords.items():
        # axes checks every sign-in against its lockouts, so it needs the request.
        request = RequestFactory().post("/admin/login/")
        assert authenticate(request, username=username, password=password) is not None
    secrets_ = dict(re.findall(r"(\w+)\s+password “[^”]+”\s+authenticator secret ([A-Z2-7]+)",
                               out.getvalue()))  # fmt: skip
    assert set(secrets_) == {"admin", "publisher", "writer"}
    code = re.search(r"writer\s+password “([^”]+)”.*recovery code (\w+)", out.getvalue())
    client = Client()
    client.post("/accounts/login/", {"login": "writer", "password": code[1]})
    assert client.post("/accounts/2fa/authenticate/", {"code": code[2]}).status_code == 302
    assert client.get("/admin/").status_code == 200, "the demo writer signs in with two factors"
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    assert users["publisher"].has_perm("articles.publish_release")
    assert not users["writer"].has_perm("articles.publish_release")

    again = StringIO()
    call_command("create_demo_admin", stdout=again)
    assert "password “" not in again.getvalue() and "exists" in again.getvalue()
    assert get_user_model().objects.count() == 3
