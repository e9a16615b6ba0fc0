"""seed_demo and create_demo_admin, the commands behind `make run`. What the demo must hold is
counted from the commands' own data (seed_demo's rows, create_demo_admin's accounts), so the
tests follow the demo when it changes."""

import dataclasses
import datetime
import math
import re
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client, RequestFactory
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from articles.editorial import workflow
from articles.management.commands import seed_demo
from articles.management.commands.create_demo_admin import DEMO_ACCOUNTS
from articles.models import AuditEntry, Office, Release, SocialLink
from articles.public.views import ReleaseListView
from articles.roles import ADMINISTRATOR, PUBLISHER
from articles.states import State
from tests.support import NOW

pytestmark = pytest.mark.django_db
# Seeding the whole demo takes seconds: `make test-fast` leaves these to `make test`.
SEEDS_THE_DEMO = pytest.mark.slow


def demo_rows(state=None, kind=None):
    """seed_demo's rows, those in `state` (and of `kind`) when given."""
    rows = seed_demo.RELEASES + seed_demo.routine_releases()
    return [r for r in rows if state in {None, r.state} and kind in {None, r.kind}]


def featured(row):
    return row.days == -1  # the one seed_demo features (and gives the demo photo)


@pytest.fixture
def demo():
    """The demo, seeded at NOW; the clock stays there (moving on) for the test, so the rows'
    days from now are the releases' dates."""
    with time_machine.travel(NOW):
        call_command("seed_demo", stdout=StringIO())
        yield


def live_months():
    """{first of month in office time: live releases}, as the rows' dates from NOW give it."""
    months = Counter()
    for row in demo_rows(State.LIVE):
        day = timezone.localtime(NOW + datetime.timedelta(days=row.days)).date()
        months[day.replace(day=1)] += 1
    return months


@SEEDS_THE_DEMO
def test_seed_demo_shows_the_whole_life_cycle_and_is_safe_to_rerun(client, demo):
    steps_taken = AuditEntry.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert AuditEntry.objects.count() == steps_taken, "a second run takes no step"
    releases = list(Release.objects.filter(original=None))  # the editions: their own test
    rows = demo_rows()
    assert len(releases) == len(rows)
    assert {release.title: release.state for release in releases} == {
        row.title: row.state for row in rows
    }
    assert set(State) - {State.DELETED} <= {row.state for row in rows}, "every state but deleted"
    assert {release.kind for release in releases} == set(Release.Kind.values)
    assert Office.objects.get().is_default
    assert SocialLink.objects.filter(active=True).count() == len(seed_demo.SOCIAL_LINKS)
    home = client.get("/").text
    assert "Follow us on" in home
    assert Release.objects.live().in_language("en").count() == len(demo_rows(State.LIVE))
    for release in Release.objects.exclude(pk__in=Release.objects.live()):
        assert client.get(release.get_absolute_url()).status_code == 404


@SEEDS_THE_DEMO
def test_the_demo_is_written_by_the_writer_and_published_by_the_publisher(demo):
    """Each demo release took the workflow's own steps, as the demo's people: the record (audit
    trail, revisions, numbers) is a newsroom's, and a change to the workflow shows in the demo."""
    live_press = Release.objects.live().filter(kind=Release.Kind.PRESS_RELEASE, original=None)
    assert live_press.count() == len(demo_rows(State.LIVE, Release.Kind.PRESS_RELEASE))
    for release in live_press:
        year = f"{timezone.localtime(release.publish_at).year % 100:02d}"
        assert re.fullmatch(rf"No\. \d+-{year}", release.release_number), release.release_number
        trail = list(release.audit_entries.order_by("at", "id").select_related("user"))
        assert [(e.action, e.user.username) for e in trail[:3]] == [
            (workflow.STEPS["submit"].label, "writer"),
            ("Cleared: Legal", "reviewer"),
            (workflow.STEPS["publish"].label, "publisher"),
        ]
        assert (trail[2].from_state, trail[2].to_state) == (State.IN_REVIEW, State.LIVE)
        # A revision for the first draft, one for each step and correction, and one for the
        # featured release's publication settings; a sign-off changes no text, so none.
        versions = Version.objects.get_for_object(release).order_by("pk")
        # (adding an edition changes nothing of the original's: no revision either)
        steps = [
            entry
            for entry in trail
            if not entry.action.startswith("Cleared") and not entry.action.endswith("edition added")
        ]
        assert versions.count() == 1 + len(steps) + release.featured
        assert versions.first().revision.user.username == "writer"
    # Numbered in the order they were published, each year from 1.
    by_year = {}
    for release in live_press.order_by("publish_at"):
        number, year = release.release_number.removeprefix("No. ").split("-")
        by_year.setdefault(year, []).append(int(number))
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_year.values())
    # Months of routine releases, not all published at the minute the demo was loaded.
    months = Release.objects.live().in_language("en").month_counts()
    assert {month.date(): count for month, count in months} == live_months()
    for state, step in [(State.WITHDRAWN, "withdraw"), (State.SCHEDULED, "schedule")]:
        releases = Release.objects.in_state(state).in_language("en")
        assert releases.count() == len(demo_rows(state)), state
        for release in releases:
            assert release.audit_entries.filter(action=workflow.STEPS[step].label).exists()
    corrected = Release.objects.live().filter(corrections__isnull=False).distinct()
    assert {release.title for release in corrected} == set(seed_demo.CORRECTIONS)
    for release in corrected:
        assert release.audit_entries.filter(action="Correction added").exists()


@SEEDS_THE_DEMO
def test_the_editor_shows_a_demo_release_number(client, demo):
    client.force_login(get_user_model().objects.get(username="publisher"))
    release = Release.objects.live().filter(kind=Release.Kind.PRESS_RELEASE).first()
    page = client.get(f"/admin/articles/release/{release.pk}/change/").text
    shown = re.search(r"Release number:</label>\s*<div class=\"readonly\">([^<]*)<", page)
    assert shown and shown[1] == release.release_number and release.release_number


def test_a_step_the_workflow_refuses_stops_the_seed_with_a_clear_message(monkeypatch):
    """Were publishing to need another step first, the demo would say so instead of going
    around it."""
    publish = workflow.STEPS["publish"]
    stricter = dataclasses.replace(publish, from_states=frozenset({State.DRAFT}))
    monkeypatch.setitem(workflow.STEPS, "publish", stricter)
    with pytest.raises(CommandError, match="cannot be: Publish now"):
        call_command("seed_demo", stdout=StringIO())
    assert not Release.objects.exists(), "nothing is half-seeded"


@SEEDS_THE_DEMO
def test_the_demo_shows_pagination_archive_months_and_well_used_topics(client, demo):
    """A new user sees every kind of public page with the demo data alone."""
    listed = [row for row in demo_rows(State.LIVE) if not featured(row)]  # featured are pinned
    pages = math.ceil(len(listed) / ReleaseListView.paginate_by)
    assert pages > 1, "the demo shows pagination"
    assert client.get(f"/news/?page={pages}").status_code == 200
    assert client.get(f"/news/?page={pages + 1}").status_code == 404
    for month in live_months():
        assert client.get(f"/news/{month:%Y/%m}/").status_code == 200, month
    uses = Counter(tag for row in demo_rows(State.LIVE) for tag in row.tags)
    english = Release.objects.live().in_language("en")
    topics = Tag.objects.filter(release__in=english).annotate(uses=Count("release"))
    assert {tag.slug: tag.uses for tag in topics} == uses
    for slug in uses:
        assert client.get(f"/news/tags/{slug}/").status_code == 200


@SEEDS_THE_DEMO
def test_the_demo_has_a_spanish_edition_made_the_way_the_newsroom_makes_one(client, demo):
    editions = Release.objects.live().in_language("es")
    assert editions.count() == len(seed_demo.SPANISH)
    for edition in editions.select_related("original"):
        original = edition.original
        assert seed_demo.SPANISH[original.title][0] == edition.title
        assert edition.release_number == original.release_number != ""
        trail = [(e.action, e.user.username) for e in edition.audit_entries.order_by("at", "id")]
        assert ("Cleared: Legal", "reviewer") in trail
        assert trail[-1] == (workflow.STEPS["publish"].label, "publisher")
        page = client.get(edition.get_absolute_url()).text
        assert '<html lang="es">' in page and "de 2026 —" in page
        assert f'href="{edition.get_absolute_url()}" hreflang="es"' in (
            client.get(original.get_absolute_url()).text
        )


def test_demo_accounts_get_random_passwords_once():
    out = StringIO()
    call_command("create_demo_admin", stdout=out)
    names = {name for name, _ in DEMO_ACCOUNTS}
    passwords = dict(re.findall(r"(\w+)\s+password “([^”]+)”", out.getvalue()))
    assert set(passwords) == names
    assert len(set(passwords.values())) == len(names)
    assert all(len(p) >= 16 for p in passwords.values())
    for username, password in passwords.items():
        # axes checks every sign-in against its lockouts, so it needs the request.
        request = RequestFactory().post("/admin/login/")
        assert authenticate(request, username=username, password=password) is not None
    secrets_ = dict(re.findall(r"(\w+)\s+password “[^”]+”\s+authenticator secret ([A-Z2-7]+)",
                               out.getvalue()))  # fmt: skip
    assert set(secrets_) == names
    code = re.search(r"writer\s+password “([^”]+)”.*recovery code (\w+)", out.getvalue())
    client = Client()
    client.post("/accounts/login/", {"login": "writer", "password": code[1]})
    assert client.post("/accounts/2fa/authenticate/", {"code": code[2]}).status_code == 302
    assert client.get("/admin/").status_code == 200, "the demo writer signs in with two factors"
    users = {u.username: u for u in get_user_model().objects.all()}
    for name, role in DEMO_ACCOUNTS:
        assert users[name].is_superuser is (role is None), name
        may_publish = role in {None, ADMINISTRATOR, PUBLISHER}
        assert users[name].has_perm("articles.publish_release") is may_publish, name

    again = StringIO()
    call_command("create_demo_admin", stdout=again)
    assert "password “" not in again.getvalue() and "exists" in again.getvalue()
    assert get_user_model().objects.count() == len(DEMO_ACCOUNTS)
