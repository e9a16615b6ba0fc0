"""Settings for everything `make bench` starts (bench/run.py's gunicorn servers, prepare.py,
newsroom.py, alerts.py's workers) and for candidates.py: the production settings with DEBUG off,
on plain HTTP for loopback (no HTTPS redirect, no HSTS), logging warnings only.

Two ceilings stand beside the site: bench/urls.py serves constant bytes through the full
middleware stack, and a static file that prepare.py writes into var/ceiling-static/ (beside this
file) is served by WhiteNoise like any other; collected static files and media go under var/
too. The database, the cache folder, the page cache and Redis come from the environment
bench/run.py sets (DATABASE_URL, CACHE_DIR, PAGE_CACHE, REDIS_URL, CONN_MAX_AGE; bench/alerts.py
sets its own, with the mail server); a random SECRET_KEY is made when none is given.
"""

import os
import secrets
from pathlib import Path

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from pressoffice.settings import *  # noqa: E402,F403

BENCH_DIR = Path(__file__).resolve().parent
VAR = BENCH_DIR / "var"

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = VAR / "static"
STATICFILES_DIRS = [*STATICFILES_DIRS, VAR / "ceiling-static"]  # noqa: F405
MEDIA_ROOT = VAR / "media"
# Plain HTTP on loopback: no HTTPS redirect or HSTS in the way of the load generator.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
