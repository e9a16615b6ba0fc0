"""The deployment in deploy/ and docs/deploy.md, proven on loopback: gunicorn with the shipped
config on a Unix socket, behind nginx with the shipped site (paths and ports rewritten for a
temporary directory) and a self-signed certificate."""

import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import free_port
from tests.support import ROOT

pytestmark = pytest.mark.servers

DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _require(tool):
    if not Path(tool).exists() and not shutil.which(tool):
        if os.environ.get("PRESSOFFICE_REQUIRE_BROWSER") == "1":  # CI installs everything
            pytest.fail(f"{tool} is required here (apt-get install nginx openssl)")
        pytest.skip(f"{tool} is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """nginx (HTTPS and HTTP ports) in front of gunicorn on a socket; yields addresses."""
    if os.environ.get("PRESSOFFICE_TEST_DB") == "postgres":
        pytest.skip("the deployment does not depend on the database: the SQLite pass runs it")
    _require(NGINX)
    _require("openssl")
    base = tmp_path_factory.mktemp("deploy")
    cert, key = base / "cert.pem", base / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )  # fmt: skip
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "CACHE_URL"))},
        "DJANGO_SETTINGS_MODULE": "pressoffice.settings", "DEBUG": "0",
        "SECRET_KEY": "deploy-test-" + "k" * 50, "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{base / 'site.sqlite3'}", "STATIC_ROOT": str(base / "static"),
        "MEDIA_ROOT": str(base / "media"), "CACHE_DIR": str(base / "cache"),
        "SECURE_PROXY_SSL_HEADER": "1", "TRUSTED_PROXIES": "1",
        "GUNICORN_BIND": f"unix:{base / 'gunicorn.sock'}", "GUNICORN_WORKERS": "2",
    }  # fmt: skip
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", DEPLOY / "gunicorn.conf.py",
         "pressoffice.wsgi"],
        cwd=ROOT, env=env, stdout=open(base / "gunicorn.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )  # fmt: skip

    https_port, http_port = free_port(), free_port()
    site_conf = (DEPLOY / "nginx" / "pressoffice.conf").read_text()
    site_conf = (
        site_conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("listen [::]:443 ssl http2;", "").replace("listen [::]:80;", "")
        .replace("news.example.gov", "localhost")
        .replace("/etc/letsencrypt/live/localhost/fullchain.pem", str(cert))
        .replace("/etc/letsencrypt/live/localhost/privkey.pem", str(key))
        .replace("/run/pressoffice/gunicorn.sock", str(base / "gunicorn.sock"))
        .replace("/srv/pressoffice/staticfiles/", f"{base / 'static'}/")
        .replace("/etc/nginx/pressoffice-proxy.conf", str(DEPLOY / "nginx/pressoffice-proxy.conf"))
        .replace("/var/log/nginx/pressoffice.access.log", str(base / "access.log"))
    )  # fmt: skip
    (base / "site.conf").write_text(site_conf)
    (base / "nginx.conf").write_text(f"""
        daemon off;
        worker_processes 1;
        {"user root;" if os.geteuid() == 0 else ""}
        pid {base}/nginx.pid;
        error_log {base}/nginx-error.log;
        events {{ worker_connections 64; }}
        http {{
            access_log off;
            client_body_temp_path {base}/body; proxy_temp_path {base}/proxy;
            fastcgi_temp_path {base}/fastcgi; uwsgi_temp_path {base}/uwsgi;
            scgi_temp_path {base}/scgi;
            include /etc/nginx/mime.types;
            include {base}/site.conf;
        }}
    """)
    nginx = subprocess.Popen([NGINX, "-p", str(base), "-c", str(base / "nginx.conf")],
                             stderr=open(base / "nginx.log", "wb"))  # noqa: SIM115  # fmt: skip
    tls = ssl.create_default_context(cafile=str(cert))
    site = {
        "https": https_port,
        "http": http_port,
        "tls": tls,
        "static": base / "static",
        "access_log": base / "access.log",
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(site, "/healthz/").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or gunicorn.poll() is not None or nginx.poll():
                logs = "".join(p.read_text() for p in base.glob("*.log"))
                raise RuntimeError(f"the site did not start:\n{logs}")
            time.sleep(0.2)
        yield site
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
            process.wait(20)


class _Response:
    def __init__(self, raw):
        self.status, self.headers, self.body = raw.status, raw.headers, raw.read()

    def cookies(self):
        return self.headers.get_all("Set-Cookie") or []


def _get(site, path, method="GET", body=None, headers=None, plain=False, source="127.0.0.1"):
    """A request from the client address `source` (any 127.x address is loopback here)."""
    where = {"timeout": 30, "source_address": (source, 0)}
    if plain:
        connection = http.client.HTTPConnection("localhost", site["http"], **where)
    else:
        connection = http.client.HTTPSConnection(
            "localhost", site["https"], context=site["tls"], **where
        )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return _Response(connection.getresponse())
    finally:
        connection.close()


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
