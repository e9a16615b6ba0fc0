"""Subscribers in each state, a release's workflow buttons pressed in the admin, and the worker
in a process of its own (the SMTP server and the in-process worker are in tests/conftest.py, for
the browser tests too)."""

import os
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from articles.states import State
from subscriptions.models import Subscriber
from tests.subscriptions.pages import form_defaults
from tests.support import ROOT, second_reader


@pytest.fixture(autouse=True)
def fresh_limits():
    """The rate limits count in the cache; each test starts with none."""
    caches["default"].clear()


@pytest.fixture
def subscriber(db):
    """subscriber(email, topics=(), all_releases=False, confirmed=True)"""

    def make(email, topics=(), all_releases=False, confirmed=True, **fields):
        now = timezone.now()
        person = Subscriber.objects.create(
            email=email, all_releases=all_releases, consented_at=now,
            confirmed_at=now if confirmed else None, **fields,
        )  # fmt: skip
        person.topics.set(list(topics))
        return person

    return make


@pytest.fixture
def step_in_admin(client, django_capture_on_commit_callbacks):
    """step_in_admin(user, release, step, **fields): the button on the release's admin page,
    pressed with the page's defaults (and a time typed in, for Schedule)."""

    def press(user, release, step, **fields):
        if step in {"publish", "schedule"} and release.state == State.DRAFT:
            press(user, release, "submit")
        if step in {"publish", "schedule"}:
            # A second reader clears it first, with the Clearance form's own defaults.
            client.force_login(second_reader())
            page = client.get(f"/admin/articles/release/{release.pk}/change/")
            action, data = form_defaults(page, containing="clearance-form")
            assert client.post(action, {**data, "answer": "clear"}).status_code == 302
        client.force_login(user)
        page = client.get(f"/admin/articles/release/{release.pk}/change/")
        action, data = form_defaults(page, containing="workflow-form")
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(action, {**data, "step": step, **fields})
        assert done.status_code == 302
        client.logout()
        release.refresh_from_db()
        return release

    return press


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_process(settings, smtp, tmp_path):
    """worker_process(**env): `manage.py deliver` in a process of its own, on the test's
    database and SMTP server; stopped (SIGKILL if need be) after the test."""
    started = []

    def start(**extra):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pressoffice.settings",
            "PRESSOFFICE_ENV_FILE": "/nonexistent",
            "DATABASE_URL": database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": settings.SITE_URL,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "LOG_LEVEL": "WARNING",
            "CACHE_DIR": str(tmp_path / "cache"),
            **{key: str(value) for key, value in extra.items()},
        }
        log = open(tmp_path / f"worker-{len(started)}.log", "ab")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "deliver", "--interval", "0.05"],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)
