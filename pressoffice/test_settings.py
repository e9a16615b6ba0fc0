"""Fast, self-contained settings for the test suite.

The database is SQLite in memory unless PRESSOFFICE_TEST_DB=postgres, which uses DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/pressoffice); `make test` runs both passes in CI.
"""

import os
import secrets
import tempfile
from pathlib import Path

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

import dj_database_url  # noqa: E402

from pressoffice.settings import *  # noqa: E402,F403
from pressoffice.settings import BASE_DIR, SQLITE_OPTIONS  # noqa: E402

TEST_DB = os.environ.get("PRESSOFFICE_TEST_DB", "sqlite")
if TEST_DB == "postgres":
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pressoffice")
        )
    }
else:
    # A file, not :memory:, so the browser tests' live server threads get connections of their
    # own (pytest-django's live server shares an in-memory database's single connection across
    # threads, which SQLite does not survive). NAME is a file too: the live server may look
    # before the test database exists.
    _TEST_DB = str(Path(tempfile.gettempdir()) / f"pressoffice-test-{os.getpid()}.db")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _TEST_DB,
            "TEST": {"NAME": _TEST_DB},
            "OPTIONS": SQLITE_OPTIONS,
        }
    }

TIME_ZONE = "America/New_York"
SITE_URL = ""
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Tests sign staff in with force_login, which skips the second factor; the tests of factors
# (tests/staff/test_factors.py, the browser tests) turn the requirement on.
STAFF_SECOND_FACTOR_REQUIRED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the browser tests' live server is plain http
# Off by default so tests see every query and render; tests of the cache turn it on.
PAGE_CACHE_ENABLED = False
# Tests read the change log on every request, as if each were a different server.
PAGE_CACHE_RECHECK_SECONDS = 0
FRAGMENT_CACHE_ENABLED = False
# No limit on the read API, so no test is refused for what others asked before it in the same
# minute; the limit's own tests (tests/api/) turn it on.
API_REQUESTS_PER_MINUTE = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files from the finders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Backups are signed with their own key (pressoffice/backups.py); a fresh one for each run.
BACKUP_KEY = secrets.token_urlsafe(32)
# A key of the tests' own for webhook secrets, as production has one (DEBUG is off here).
CHANNEL_SECRET_KEYS = ["dGVzdHMtb25seS13ZWJob29rLXNlY3JldHMta2V5LTA="]
