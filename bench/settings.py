"""Settings for benchmark servers: production settings, plus two ceiling endpoints.

The database, page cache and cache folder come from the environment the runner sets.
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
