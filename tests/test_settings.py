"""Production settings come from the environment and fail loudly when something is missing."""

import os
import subprocess
import sys

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow  # each test starts manage.py in a process of its own

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "pressoffice.settings",
    "DEBUG": "0",
    "SECRET_KEY": "x7Gq0p-" + "a9Zk3LmN8vB2cX5" * 4,
    "ALLOWED_HOSTS": "news.example.gov",
    "DATABASE_URL": "sqlite:///:memory:",
    # Partners' webhook secrets are encrypted with it (docs/deploy.md): production has one.
    "CHANNEL_SECRET_KEYS": "dGVzdHMtb25seS13ZWJob29rLXNlY3JldHMta2V5LTA=",
    # A developer's .env must not make these pass or fail.
    "PRESSOFFICE_ENV_FILE": "/nonexistent/.env",
}


def manage(*args, **env):
    # Only what production would have: nothing the test run itself set (e.g. the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    inherited = {"PATH", "HOME", "LANG", "VIRTUAL_ENV", "PYTHONPATH"}
    environment = {k: v for k, v in os.environ.items() if k in inherited}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} is" in result.stderr


def test_empty_values_in_the_environment_mean_the_default():
    env = {**PRODUCTION, "MEDIA_ROOT": "", "CACHE_DIR": "", "TIME_ZONE": ""}
    result = manage(
        "shell", "-c",
        "from django.conf import settings; "
        "print('SETTINGS', settings.MEDIA_ROOT, settings.CACHE_DIR, settings.TIME_ZONE)",
        **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS "))
    media, cache, zone = line.split()[1:]
    assert media == str(ROOT / "media") and cache == str(ROOT / "var" / "cache")
    assert zone == "America/New_York"
