"""Shared fixtures: an office, a release maker, people in each role, a photo, caching; the
marks `make test-fast` selects by, and the Hypothesis profiles."""

import datetime
import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from articles.models import Image, Office, Release
from articles.pagecache import caching
from articles.photos.uploads import clean_upload, store_image
from articles.public import moved
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from subscriptions.sending.worker import Worker
from tests.servers import SMTPServer
from tests.support import photo_bytes

# Fixtures kept beside the tests that use them, for every test module.
pytest_plugins = ["tests.editorial.calendar_scene"]

# Property tests try this many examples each; `make test-fast` loads the "fast" profile
# (--hypothesis-profile=fast) for a quick loop, and `make test` runs the full count.
hypothesis_settings.register_profile("full", max_examples=60)
hypothesis_settings.register_profile("fast", max_examples=10)
hypothesis_settings.load_profile("full")


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"


# Fixtures that start a real server: every test that asks for one is marked `servers`.
SERVER_FIXTURES = {"smtp", "seaweedfs", "live_server", "worker_process"}


def pytest_collection_modifyitems(items):
    """Marks what `make test-fast` leaves out, from what a test uses rather than by hand."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        if SERVER_FIXTURES.intersection(item.fixturenames):
            item.add_marker(pytest.mark.servers)


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


@pytest.fixture(autouse=True, scope="session")
def media_root(tmp_path_factory):
    """Uploaded photos and renditions go to a temporary folder, removed after the run."""
    root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(root)):
        yield root


@pytest.fixture
def library_image(db):
    """library_image(**fields): a photo stored in the library the way the admin stores one."""

    def make(content=None, name="photo.jpg", **fields):
        fields.setdefault("alt_text", "Sailors on the deck of a ship")
        fields.setdefault("caption", "Sailors at work.")
        fields.setdefault("credit", "Navy photo by Jane Doe")
        clean = clean_upload(SimpleUploadedFile(name, content or photo_bytes()))
        return store_image(Image(**fields), clean, name)

    return make


@pytest.fixture(autouse=True)
def fresh_change_log_reader():
    """Each test's database starts the change log again: so does this process's reader, and
    the redirects' hit counter (the same ids are other redirects now)."""
    caching.forget()
    moved.hits.forget()


@pytest.fixture
def fragment_caching(settings):
    """Site-wide fragments cached as in production, in caches emptied before and after."""
    settings.FRAGMENT_CACHE_ENABLED = True
    for name in ("default", "pages"):
        caches[name].clear()
    yield settings
    for name in ("default", "pages"):
        caches[name].clear()


@pytest.fixture
def page_cache(fragment_caching):
    """Whole public pages cached too, as in production."""
    fragment_caching.PAGE_CACHE_ENABLED = True
    return fragment_caching


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


@pytest.fixture
def people(db, django_user_model):
    """One user in each newsroom role, keyed by role; each logs in with "pw-" + the role. (The
    roles are complete after every migrate: articles/roles.py.)"""
    users = {}
    for role in [WRITER, REVIEWER, PUBLISHER, ADMINISTRATOR]:
        user = django_user_model.objects.create_user(
            role.lower(), password=f"pw-{role}", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return users


@pytest.fixture
def writer(people):
    return people[WRITER]


@pytest.fixture
def publisher(people):
    return people[PUBLISHER]


@pytest.fixture
def factors_required(settings):
    """Staff pages need the second factor, as in production (the test settings turn it off)."""
    settings.STAFF_SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback (tests/servers.py), where the site's mail goes."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.SITE_URL = "http://testserver"
    yield server
    server.stop()


@pytest.fixture
def deliver():
    """Run the worker in this process until nothing is due (manage.py deliver --until-empty)."""

    def run():
        Worker(interval=0.01).work(until_empty=True)

    return run
