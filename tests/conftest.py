"""Shared fixtures: an office, a release maker, an editor, a pinned clock."""

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission

from articles.models import Office, Release

OFFICE_TZ = ZoneInfo("America/New_York")
# A fixed "now" for tests that pin the clock: Wed 25 Nov 2026, 12:00 in the office.
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=OFFICE_TZ)


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"


def pytest_sessionstart(session):
    """The PostgreSQL pass fails at once, with one clear line, when the server is unreachable."""
    if os.environ.get("PRESSOFFICE_TEST_DB") != "postgres":
        return
    import psycopg

    db = settings.DATABASES["default"]
    assert db["ENGINE"].endswith("postgresql"), "PRESSOFFICE_TEST_DB=postgres needs PostgreSQL"
    try:
        psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
            dbname="postgres", connect_timeout=5,
        ).close()  # fmt: skip
    except psycopg.OperationalError as exc:
        pytest.exit(f"PostgreSQL is required but unreachable: {exc}".strip(), returncode=1)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def office(db):
    return Office.objects.create(
        name="Office of Public Affairs",
        parent_organisation="Department of Examples",
        contact_name="Media Desk",
        contact_email="press@example.gov",
        is_default=True,
    )


@pytest.fixture
def make_release(office):
    """make_release(title=..., **fields): a release, live by default (published an hour ago)."""
    from django.utils import timezone

    counter = iter(range(1, 100_000))

    def make(title=None, tags=(), **fields):
        n = next(counter)
        fields.setdefault("status", Release.Status.PUBLISHED)
        fields.setdefault("publish_at", timezone.now() - datetime.timedelta(hours=1, minutes=n))
        fields.setdefault("office", office)
        fields.setdefault("dateline", "WASHINGTON")
        fields.setdefault("body", f"<p>Body of release {n}. It has two sentences.</p>")
        release = Release.objects.create(title=title or f"Release number {n}", **fields)
        if tags:
            release.tags.set(list(tags))
        return release

    return make


@pytest.fixture
def editor(db, django_user_model):
    """A staff member with the newsroom's model permissions (roles come with the workflow)."""
    user = django_user_model.objects.create_user("editor", password="pw-editor", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
