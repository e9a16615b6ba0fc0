"""What operators see: JSON log lines with the request's id, a readiness check that names only
what fails, and errors in Sentry when (and only when) SENTRY_DSN is set."""

import concurrent.futures
import contextlib
import gzip
import http.server
import json
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest
from django.test import Client, override_settings

from pressoffice import observability
from tests.servers import free_port, wait_for_port
from tests.support import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_readiness():
    """Each test asks for itself, and leaves no failing answer for the next."""
    observability.forget_readiness()
    yield
    observability.forget_readiness()


def test_every_response_carries_a_request_id_and_a_proxys_good_one_is_kept(client):
    first, second = client.get("/robots.txt"), client.get("/robots.txt")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    kept = client.get("/robots.txt", HTTP_X_REQUEST_ID="nginx-7f3a9c01")
    assert kept["X-Request-ID"] == "nginx-7f3a9c01"
    for junk in ["short", "has spaces in it", "x" * 65, 'quote"and\nnewline']:
        replaced = client.get("/robots.txt", HTTP_X_REQUEST_ID=junk)["X-Request-ID"]
        assert replaced != junk and len(replaced) == 32


def test_log_lines_are_json_with_the_request_id(client, monkeypatch):
    lines = []
    handler = logging.Handler()
    handler.addFilter(observability.RequestIdFilter())
    handler.setFormatter(observability.JsonFormatter())
    handler.emit = lambda record: lines.append(handler.format(record))
    logger = logging.getLogger("pressoffice.csp")
    logger.addHandler(handler)
    try:
        response = client.post(
            "/csp-report/", json.dumps({"csp-report": {"blocked-uri": "inline"}}),
            content_type="application/csp-report", HTTP_X_REQUEST_ID="proxy-id-123456",
        )  # fmt: skip
        try:
            raise ValueError("broken")
        except ValueError:
            logger.error("outside any request", exc_info=True, extra={"release": 7})
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "proxy-id-123456"
    during, outside = (json.loads(line) for line in lines[-2:])
    assert during["request_id"] == "proxy-id-123456" and during["logger"] == "pressoffice.csp"
    assert {"time", "level", "message"} <= set(during)
    assert outside["request_id"] is None and outside["level"] == "ERROR"
    assert outside["release"] == 7 and "ValueError: broken" in outside["exception"]


def test_a_burst_of_readyz_calls_costs_one_check_and_a_failure_shows_after_the_window(
    client, monkeypatch
):
    checks = []
    real = observability._database
    monkeypatch.setattr(observability, "_database", lambda: checks.append(1) or real())
    monkeypatch.setattr(observability, "READY_CACHE_SECONDS", 30)
    answers = [client.get("/readyz/") for _ in range(20)]
    assert [answer.status_code for answer in answers] == [200] * 20
    assert len(checks) == 1, "one database connection for the whole burst"

    def refuse():
        raise OSError("database unreachable")

    monkeypatch.setattr(observability, "_database", refuse)
    monkeypatch.setattr(observability, "READY_CACHE_SECONDS", 0.2)
    time.sleep(0.25)
    answer = client.get("/readyz/")
    assert answer.status_code == 503 and answer.json()["failing"] == ["database"]


def test_readyz_calls_that_arrive_during_a_check_wait_for_its_answer(monkeypatch):
    checks = []
    real = observability._database

    def slow():
        checks.append(1)
        time.sleep(0.3)
        real()

    monkeypatch.setattr(observability, "_database", slow)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: Client().get("/readyz/"), range(8)))
    assert [answer.status_code for answer in answers] == [200] * 8 and len(checks) == 1


def test_readyz_names_only_what_fails(client, monkeypatch, tmp_path):
    assert client.get("/readyz/").json() == {"status": "ready"}

    def refuse(name):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(observability.default_storage, "exists", refuse)
    observability.forget_readiness()  # as after READY_CACHE_SECONDS
    answer = client.get("/readyz/")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "failing": ["storage"]}


@override_settings(
    CACHES={
        "default": {"BACKEND": "tests.pagecache.test_caching.BrokenCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
)
def test_readyz_stays_200_with_a_cache_down_and_names_it(client):
    answer = client.get("/readyz/")
    assert answer.status_code == 200
    assert answer.json() == {"status": "degraded", "failing": ["cache default"]}


def test_readyz_gives_a_hung_check_two_seconds(client, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(observability, "READY_CHECK_SECONDS", 0.2)
    monkeypatch.setattr(observability.default_storage, "exists", lambda name: release.wait(5))
    try:
        answer = client.get("/readyz/")
    finally:
        release.set()
    assert answer.status_code == 503 and answer.json()["failing"] == ["storage"]


class _Ingest(http.server.BaseHTTPRequestHandler):
    """A Sentry ingest endpoint on loopback: keeps what it is sent."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _run_with_sentry(dsn):
    code = (
        "import logging; logging.getLogger('pressoffice.check').error('readable failure'); "
        "import sentry_sdk; sentry_sdk.flush(5); "
        "print('active' if sentry_sdk.get_client().is_active() else 'inactive')"
    )
    env = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "pressoffice.settings", "SECRET_KEY": "x" * 50, "DEBUG": "0",
        "ALLOWED_HOSTS": "localhost", "DATABASE_URL": "sqlite:///:memory:",
    }  # fmt: skip
    if dsn:
        env["SENTRY_DSN"] = dsn
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.servers
def test_errors_go_to_sentry_when_a_dsn_is_set_and_nowhere_otherwise():
    port = free_port()
    server = http.server.HTTPServer(("127.0.0.1", port), _Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert _run_with_sentry(None) == "inactive"
        assert _Ingest.received == []
        assert _run_with_sentry(f"http://publickey@127.0.0.1:{port}/1") == "active"
    finally:
        server.shutdown()
    assert any(b"readable failure" in body for body in _Ingest.received)


# Tokens in addresses -----------------------------------------------------------------------

SECRET = "SeCrEtToKeN0123456789"


def _tokenised_routes(patterns=None, prefix=""):
    from django.urls import get_resolver

    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if hasattr(entry, "url_patterns"):
            yield from _tokenised_routes(entry.url_patterns, route)
        elif "token" in getattr(entry.pattern, "converters", {}):
            yield "/" + route.replace("<str:token>", SECRET).replace("<token>", SECRET)


def test_every_address_with_a_token_is_one_the_scrubber_knows():
    from pressoffice.scrubbing import scrub

    routes = list(_tokenised_routes())
    assert {"/unsubscribe/", "/preview/", "/embargoed/", "/fact-check/"} <= {
        r[: r.index(SECRET)] for r in routes
    }
    for route in routes:
        for written in (route, f"GET {route} HTTP/1.1", f"https://news.example.gov{route}?x=1",
                        f"<WSGIRequest: GET '{route}'>", f"next={route}"):  # fmt: skip
            assert SECRET not in scrub(written), written
            assert "[token]" in scrub(written)
    assert scrub("/admin/subscriptions/alert/") == "/admin/subscriptions/alert/"


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"SENTRY_DSN", "REDIS_URL"}}
    return env | {
        "DJANGO_SETTINGS_MODULE": "pressoffice.settings", "SECRET_KEY": "x" * 50, "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1", "DATABASE_URL": "sqlite:///:memory:",
        "PRESSOFFICE_ENV_FILE": "/nonexistent", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
        "SECURE_SSL_REDIRECT": "0", **extra,
    }  # fmt: skip


_VISITS = (
    "from django.core.management import call_command\n"
    "call_command('migrate', verbosity=0)\n"
    "from django.test.utils import override_settings\n"
    "override_settings(STORAGES={\n"
    "    'default': {'BACKEND': 'django.core.files.storage.InMemoryStorage'},\n"
    "    'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'},\n"
    "}).enable()\n"
    "from django.test import Client\n"
    "c = Client(raise_request_exception=False)\n"
    f"c.get('/unsubscribe/{SECRET}/', HTTP_REFERER='https://x.example/subscriptions/{SECRET}/')\n"
    f"c.get('/subscribe/confirm/{SECRET}/')\n"
    f"c.get('/embargoed/{SECRET}/')\n"
    f"c.get('/preview/{SECRET}/')\n"
    f"Client(enforce_csrf_checks=True).post('/subscriptions/{SECRET}/', {{'scope': 'all'}})\n"
)


@pytest.mark.slow
def test_tokens_in_addresses_stay_out_of_the_log_lines():
    """django.request's 404s, django.security.csrf's refusals and every JSON line, as the
    production settings log them."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _VISITS],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    loggers = {line["logger"] for line in lines}
    assert {"django.request", "django.security.csrf"} <= loggers
    assert SECRET not in result.stderr
    assert "/unsubscribe/[token]/" in result.stderr and "/subscriptions/[token]/" in result.stderr


@pytest.mark.servers
def test_gunicorns_access_log_shows_the_path_without_its_token(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = _production_env(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1",
                          CACHE_DIR=str(tmp_path / "cache"))  # fmt: skip
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [gunicorn, "-c", "deploy/gunicorn.conf.py", "pressoffice.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=output,
        )  # fmt: skip
        try:
            wait_for_port(port, timeout=30)
            for path in (f"/unsubscribe/{SECRET}/", f"/subscriptions/{SECRET}/?a=1",
                         f"/preview/{SECRET}/"):  # fmt: skip
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{path}",
                    headers={"Host": "127.0.0.1", "X-Request-ID": "scrub-test-0001",
                             "Referer": f"http://127.0.0.1/embargoed/{SECRET}/"},
                )  # fmt: skip
                with contextlib.suppress(urllib.error.HTTPError):  # a 404 is logged too
                    urllib.request.urlopen(request, timeout=10).read()
            deadline = time.monotonic() + 10
            while log.read_text().count("scrub-test-0001") < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(15)
    text = log.read_text()
    assert text.count("scrub-test-0001") >= 3, text
    assert SECRET not in text
    assert '"GET /unsubscribe/[token]/ HTTP/1.1"' in text


@pytest.mark.servers
def test_sentry_events_carry_no_token_in_the_url_breadcrumbs_or_message():
    port = free_port()
    server = http.server.HTTPServer(("127.0.0.1", port), _Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    code = _VISITS + (
        "import logging, sentry_sdk\n"
        f"sentry_sdk.add_breadcrumb(category='httplib', message='GET /preview/{SECRET}/',\n"
        f"                          data={{'url': 'https://x.example/embargoed/{SECRET}/'}})\n"
        "with sentry_sdk.new_scope() as scope:\n"
        "    scope.add_event_processor(lambda event, hint: {**event, 'request': {\n"
        f"        'url': 'https://x.example/subscriptions/{SECRET}/', 'method': 'GET'}}}})\n"
        f"    logging.getLogger('pressoffice.check').error('broke at /unsubscribe/{SECRET}/')\n"
        "sentry_sdk.flush(5)\n"
    )
    _Ingest.received.clear()
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
            env=_production_env(SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1"),
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    sent = b"".join(_Ingest.received)
    assert b"broke at /unsubscribe/[token]/" in sent
    assert b"/subscriptions/[token]/" in sent and b"/embargoed/[token]/" in sent
    assert SECRET.encode() not in sent
