"""The deployment in deploy/ and docs/deploy.md, proven on loopback: gunicorn with the shipped
config on a Unix socket, behind nginx with the shipped site (paths and ports rewritten for a
temporary directory) and a self-signed certificate; then nginx's micro-cache in front of it,
under load from a second process, keeping the application's freshness bound."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.servers import Nginx, require, stop
from tests.support import ROOT

pytestmark = pytest.mark.servers

DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SEED = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Office, Release
office = Office.objects.create(name="Office of Public Affairs", is_default=True)
get_user_model().objects.create_superuser("chief", "chief@example.gov", "pw-chief-publisher")
for n, (title, status) in enumerate([
    ("Withdrawn under load", "published"), ("Stays up", "published"), ("Out in seconds", "review"),
]):
    publish_at = timezone.now() - timedelta(hours=n + 1) if status == "published" else None
    Release.objects.create(title=title, status=status, office=office, dateline="WASHINGTON",
                           body=f"<p>Release {n}.</p>", publish_at=publish_at)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """nginx (HTTPS and HTTP ports) in front of gunicorn on a socket; yields addresses."""
    if os.environ.get("PRESSOFFICE_TEST_DB") == "postgres":
        pytest.skip("the deployment does not depend on the database: the SQLite pass runs it")
    require("nginx", NGINX)
    require("openssl")
    base = tmp_path_factory.mktemp("deploy")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "CACHE_URL"))},
        "DJANGO_SETTINGS_MODULE": "pressoffice.settings", "DEBUG": "0",
        "SECRET_KEY": "deploy-test-" + "k" * 50, "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{base / 'site.sqlite3'}", "STATIC_ROOT": str(base / "static"),
        "MEDIA_ROOT": str(base / "media"), "CACHE_DIR": str(base / "cache"),
        "SECURE_PROXY_SSL_HEADER": "1", "TRUSTED_PROXIES": "1",
        "GUNICORN_BIND": f"unix:{base / 'gunicorn.sock'}", "GUNICORN_WORKERS": "2",
        "STAFF_SECOND_FACTOR_REQUIRED": "0", "PRESSOFFICE_ENV_FILE": "/nonexistent",
    }  # fmt: skip
    setup = (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["shell", "-c", SEED])
    for command in setup:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", DEPLOY / "gunicorn.conf.py",
         "pressoffice.wsgi"],
        cwd=ROOT, env=env, stdout=open(base / "gunicorn.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )  # fmt: skip

    nginx = Nginx(base, f"unix:{base / 'gunicorn.sock'}", static_root=base / "static").start()
    site = {
        "env": env,
        "https": nginx.https,
        "http": nginx.http,
        "tls": nginx.tls,
        "static": base / "static",
        "access_log": nginx.access_log,
        "nginx": nginx,
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(site, "/healthz/").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or gunicorn.poll() is not None or nginx.process.poll():
                logs = "".join(p.read_text() for p in base.glob("*.log"))
                raise RuntimeError(f"the site did not start:\n{logs}")
            time.sleep(0.2)
        yield site
    finally:
        nginx.stop()
        stop(gunicorn, 20)


def _get(site, path, **request):
    return site["nginx"].request(path, **request)


def test_pages_come_over_https_with_hsts_csp_and_secure_cookies(site):
    home = _get(site, "/")
    assert home.status == 200 and b"<h1" in home.body
    assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'none'" in home.headers["Content-Security-Policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", home.headers["X-Request-ID"]), "nginx's request id"
    sign_in = _get(site, "/accounts/login/")
    assert sign_in.status == 200
    cookies = sign_in.cookies()
    assert any(cookie.startswith("csrftoken=") for cookie in cookies), cookies
    assert all("; Secure" in cookie for cookie in cookies), cookies


def test_plain_http_is_sent_to_https_whatever_the_client_claims(site):
    for headers in ({}, {"X-Forwarded-Proto": "https"}):
        moved = _get(site, "/news/?page=2", headers=headers, plain=True)
        assert moved.status == 301
        assert moved.headers["Location"] == "https://localhost/news/?page=2"


def test_x_forwarded_proto_is_the_proxys_never_the_clients(site):
    """Django trusts X-Forwarded-Proto only because nginx sets it: a client saying "http" over
    HTTPS would, if believed, be redirected to HTTPS forever; it is not."""
    spoofed = _get(site, "/news/", headers={"X-Forwarded-Proto": "http"})
    assert spoofed.status == 200
    gunicorn_conf = (DEPLOY / "gunicorn.conf.py").read_text()
    assert 'bind = os.environ.get("GUNICORN_BIND", "unix:' in gunicorn_conf, "no TCP port"


def test_static_files_with_a_hash_are_cached_for_a_year(site):
    manifest = json.loads((site["static"] / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/site.css"]
    response = _get(site, f"/static/{hashed}")
    assert response.status == 200 and b"{" in response.body
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = _get(site, "/static/css/site.css")
    assert plain.status == 200 and plain.headers["Cache-Control"] == "public, max-age=3600"


def test_an_upload_over_the_limit_is_refused_by_nginx_with_a_clear_413(site):
    body = b"\0" * (25 * 1024 * 1024)
    refused = _get(site, "/admin/articles/image/add/", method="POST", body=body,
                   headers={"Content-Type": "application/octet-stream"})  # fmt: skip
    assert refused.status == 413
    assert b"Photos may be at most 20 MB" in refused.body


def test_staff_sign_in_is_rate_limited_per_address(site):
    statuses = [
        _get(site, "/accounts/login/", method="POST", body=b"login=x&password=y",
             headers={"Content-Type": "application/x-www-form-urlencoded"}).status
        for _ in range(12)
    ]  # fmt: skip
    assert 429 in statuses and statuses[0] != 429
    assert _get(site, "/accounts/login/").status == 200, "reading the page is not limited"


def test_readiness_answers_only_the_load_balancer_and_this_machine(site):
    """127.0.0.2 is a loopback address too, but not one the site's allow list names: it stands
    for any reader."""
    assert _get(site, "/readyz/").status == 200
    refused = _get(site, "/readyz/", source="127.0.0.2")
    assert refused.status == 403 and b"ready" not in refused.body
    assert _get(site, "/healthz/", source="127.0.0.2").status == 200, "liveness stays open"
    assert _get(site, "/news/", source="127.0.0.2").status == 200


def test_readers_never_see_the_surrogate_keys(site):
    for path in ("/", "/news/", "/news/feed/", "/sitemap.xml"):
        for _ in range(2):  # the render, then the page cache's hit
            response = _get(site, path)
            assert response.status == 200
            assert "Surrogate-Key" not in response.headers, path
            assert not any("release:" in value for value in response.headers.values()), path


def test_second_factor_codes_share_the_sign_in_limit(site):
    for page in ["/accounts/2fa/authenticate/", "/accounts/2fa/reauthenticate/"]:
        statuses = [
            _get(site, page, method="POST", body=b"code=123456",
                 headers={"Content-Type": "application/x-www-form-urlencoded"}).status
            for _ in range(12)
        ]  # fmt: skip
        assert 429 in statuses, page


def test_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    bin_dir = str(Path(sys.executable).parent) + "/"
    units = []
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/srv/pressoffice/.venv/bin/", bin_dir)
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True)
    problems = [line for line in result.stderr.splitlines() if "pressoffice" in line]
    assert result.returncode == 0 and not problems, result.stderr


def test_the_access_log_writes_addresses_that_are_credentials_without_their_token(site):
    secret = "Zs9k2LqP0c7vW4nXyT1bR8mA"
    paths = [
        f"/unsubscribe/{secret}/",
        f"/subscriptions/{secret}/?topic=1",
        f"/subscribe/confirm/{secret}/",
        f"/preview/{secret}/",
        f"/embargoed/{secret}/",
        f"/fact-check/{secret}/",
        f"/calendar/{secret}.ics",
    ]
    for path in paths:
        _get(site, path, headers={"Referer": f"https://localhost/subscriptions/{secret}/"})
    _get(site, f"/unsubscribe/{secret}/", plain=True)  # the port-80 redirect logs too
    _get(site, "/news/?from=log-check")
    time.sleep(0.5)  # nginx writes its log line after the response
    log = site["access_log"].read_text()
    assert secret not in log
    assert "/subscriptions/[token]/?topic=1" in log and "/news/?from=log-check" in log
    assert log.count("https://localhost/subscriptions/[token]/") == len(paths)


def test_the_access_log_hides_the_tokens_the_app_hides():
    """The site's log map names the same tokenised prefixes as the app (articles/token_paths.py)."""
    from articles.token_paths import TOKEN_PREFIXES

    site = (DEPLOY / "nginx" / "pressoffice.conf").read_text()
    maps = re.findall(r"/\(\?:([a-z/|-]+)\)/", site)
    assert len(maps) == 2, "the request and the referer maps"
    for alternatives in maps:
        assert sorted(alternatives.split("|")) == sorted(TOKEN_PREFIXES)


# The micro-cache (deploy/nginx/pressoffice-cache.conf) ---------------------------------------

ADMIN = "/admin/articles/release"
# The freshness bound (PAGE_CACHE_RECHECK_SECONDS, 1 s here as by default), and a margin for a
# busy two-core machine to answer the request that sees the change.
BOUND = 1.0 + 0.5
LOAD = """
import http.client, json, ssl, sys, threading, time
port, cafile, seconds, paths = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4:]
tls = ssl.create_default_context(cafile=cafile)
counts, lock = {}, threading.Lock()
def readers():
    connection = http.client.HTTPSConnection("localhost", port, context=tls, timeout=10)
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        for path in paths:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            answer = f"{response.status} {response.getheader('X-Cache-Status')}"
            with lock:
                counts[answer] = counts.get(answer, 0) + 1
threads = [threading.Thread(target=readers) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(counts))
"""


class _Session:
    """A browser signed in to the admin through nginx: its cookies, its CSRF token, and its own
    client address (the sign-in limit test spends 127.0.0.1's)."""

    def __init__(self, site, source="127.0.0.3"):
        self.site, self.source, self.cookies = site, source, {}

    def request(self, path, fields=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            token = self.cookies.get("csrftoken", "")
            body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
            headers |= {"Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"https://localhost{path}", "X-CSRFToken": token}  # fmt: skip
        response = _get(self.site, path, method="GET" if body is None else "POST", body=body,
                        headers=headers, source=self.source)  # fmt: skip
        for cookie in response.cookies():
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response

    def sign_in(self, login="chief", password="pw-chief-publisher"):
        self.request("/accounts/login/")
        signed_in = self.request("/accounts/login/", {"login": login, "password": password})
        assert signed_in.status == 302 and "sessionid" in self.cookies, signed_in.body[:500]
        return self

    def step(self, title, step, **fields):
        listing = self.request(f"{ADMIN}/?q={urllib.parse.quote(title)}").body.decode()
        pk = re.search(rf'href="{ADMIN}/(\d+)/change/[^"]*">{re.escape(title)}', listing)[1]
        page = self.request(f"{ADMIN}/{pk}/change/").body.decode()
        version = re.search(r'name="version" value="(\d+)"', page)[1]
        done = self.request(f"{ADMIN}/{pk}/workflow/", {"step": step, "version": version, **fields})
        assert done.status == 302, done.body[:500]


def _path_of(site, title):
    listing = _get(site, "/news/").body.decode()
    return re.search(rf'<a href="(/news/[^"]+)">{re.escape(title)}</a>', listing)[1]


def _until(site, path, wanted, seconds, headers=None):
    """How long until an anonymous GET of `path` satisfies `wanted(response)`, or None."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if wanted(_get(site, path, headers=headers)):
            return time.monotonic() - started
        time.sleep(0.02)
    return None


def _cached(site, path):
    """Ask until nginx answers `path` from its micro-cache."""
    assert _until(site, path, lambda r: r.headers["X-Cache-Status"] == "HIT", 5) is not None


def _readers(site, seconds, *paths):
    """A second process reading `paths` through nginx, four connections, for `seconds`."""
    cafile = str(site["nginx"].directory / "cert.pem")
    return subprocess.Popen(
        [sys.executable, "-c", LOAD, str(site["https"]), cafile, str(seconds), *paths],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_readers_pages_come_from_the_micro_cache_for_as_long_as_the_app_allows(site):
    path = _path_of(site, "Stays up")
    _cached(site, path)
    hit = _get(site, path)
    assert hit.status == 200 and b"Stays up" in hit.body
    assert "X-Accel-Expires" not in hit.headers, "nginx's instruction is for nginx alone"
    assert "Set-Cookie" not in hit.headers and "Surrogate-Key" not in hit.headers
    assert site["nginx"].cached_bodies(), "the cache is on disk"


def test_a_withdrawal_under_load_is_followed_through_the_micro_cache_within_the_bound(site):
    path = _path_of(site, "Withdrawn under load")
    publisher = _Session(site).sign_in()
    readers = _readers(site, 6, path, "/news/")
    _cached(site, path)
    time.sleep(1)
    publisher.step("Withdrawn under load", "withdraw", note="Issued in error")
    took = _until(site, path, lambda r: r.status == 404, BOUND)
    assert took is not None, "still served after the bound"
    assert all(_get(site, path).status == 404 for _ in range(20)), "and never again"
    listed = _until(site, "/news/", lambda r: b"Withdrawn under load" not in r.body, BOUND)
    assert listed is not None
    counts = json.loads(readers.communicate(timeout=30)[0])
    rendered = sum(n for answer, n in counts.items() if answer in {"200 MISS", "200 EXPIRED"})
    assert counts.get("200 HIT", 0) > 10 * rendered, counts
    assert any(answer.startswith("404") for answer in counts), "the readers saw it go too"


def test_a_scheduled_release_appears_through_the_micro_cache_within_the_bound(site):
    """Scheduled a few seconds ahead by the workflow itself (the admin's form takes whole
    minutes; the many-servers test takes that path), so the test waits seconds, not a minute."""
    schedule = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.editorial.workflow import take_step
from articles.models import Release
release = Release.objects.get(title="Out in seconds")
when = timezone.now() + timedelta(seconds=6)
release = take_step(release, "schedule", get_user_model().objects.get(username="chief"),
                    when=when, emergency_reason="Cleared by the front office by telephone")
print(when.timestamp(), release.get_absolute_url())
"""
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", schedule], cwd=ROOT,
                          env=site["env"], check=True, capture_output=True, text=True)  # fmt: skip
    minute, path = done.stdout.split()[-2:]  # after anything the workflow logged
    readers = _readers(site, float(minute) - time.time() + 3, "/news/")
    _cached(site, "/news/")
    time.sleep(max(0, float(minute) - time.time() - 0.5))
    assert b"Out in seconds" not in _get(site, "/news/").body
    assert _get(site, path).status == 404
    time.sleep(max(0, float(minute) - time.time()))
    assert _until(site, "/news/", lambda r: b"Out in seconds" in r.body, BOUND) is not None
    assert _until(site, path, lambda r: r.status == 200, BOUND) is not None
    assert json.loads(readers.communicate(timeout=30)[0]).get("200 HIT", 0) > 0


def test_a_signed_in_editor_always_sees_the_application_and_nothing_of_theirs_is_kept(site):
    editor = _Session(site, source="127.0.0.4").sign_in()
    path = _path_of(site, "Stays up") + "?signed-in-first"
    for page in (path, "/news/", "/admin/", f"{ADMIN}/"):
        for _ in range(3):
            answer = editor.request(page)
            assert answer.status == 200 and answer.headers["X-Cache-Status"] == "BYPASS", page
    assert _get(site, path).headers["X-Cache-Status"] == "MISS", "the editor's copy was not kept"
    for body in site["nginx"].cached_bodies():
        assert b"chief" not in body and b"sessionid" not in body


def test_a_page_with_a_csrf_token_is_never_kept(site):
    first = _get(site, "/subscribe/")
    token = next(c for c in first.cookies() if c.startswith("csrftoken=")).split(";")[0]
    for headers in ({}, {}, {"Cookie": token}, {"Cookie": token}):
        answer = _get(site, "/subscribe/", headers=headers)
        assert answer.status == 200 and b"csrfmiddlewaretoken" in answer.body
        assert answer.headers["X-Cache-Status"] == "MISS"
    assert not any(b"csrfmiddlewaretoken" in body for body in site["nginx"].cached_bodies())


def test_head_and_conditional_requests_are_answered_from_the_micro_cache(site):
    _cached(site, "/news/")
    head = _get(site, "/news/", method="HEAD")
    assert head.status == 200 and head.body == b"" and head.headers["X-Cache-Status"] == "HIT"
    etag = _get(site, "/news/").headers["ETag"]
    unchanged = _get(site, "/news/", headers={"If-None-Match": etag})
    assert unchanged.status == 304 and unchanged.headers["X-Cache-Status"] == "HIT"


def test_the_micro_cache_keeps_a_copy_per_encoding_as_the_page_varies(site):
    """The page says `Vary: Accept-Encoding`: a reader who cannot take gzip never gets the
    gzipped copy another reader's request left in the cache."""
    path = _path_of(site, "Stays up") + "?encodings"
    gzipped = {"Accept-Encoding": "gzip"}
    hit = _until(site, path, lambda r: r.headers["X-Cache-Status"] == "HIT", 5, gzipped)
    assert hit is not None
    assert _get(site, path, headers=gzipped).headers["Content-Encoding"] == "gzip"
    plain = _get(site, path)
    assert plain.status == 200 and plain.headers["X-Cache-Status"] == "MISS"
    assert "Content-Encoding" not in plain.headers and b"Stays up" in plain.body
    _cached(site, path)
    assert "Content-Encoding" not in _get(site, path).headers


def test_the_bypass_names_djangos_session_cookie():
    from django.conf import settings

    rules = (DEPLOY / "nginx" / "pressoffice-cache.conf").read_text()
    assert set(re.findall(r"\$cookie_(\w+)", rules)) == {settings.SESSION_COOKIE_NAME}
