"""The base of the networks' stand-ins: a threaded HTTP server on loopback that answers a
network's documented endpoints from handlers its subclass registers, records every request,
and fails the way the real one does when a test tells it to (`fail_next`)."""

import http.server
import json
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict  # lower-cased names
    body: bytes

    def json(self):
        return json.loads(self.body or b"{}")

    def form(self):
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Answer:
    status: int = 200
    body: object = field(default_factory=dict)  # JSON-encoded unless bytes
    headers: dict = field(default_factory=dict)


class FakeAPI:
    """Subclasses call `self.route(method, pattern, handler)` in `setup()`; a handler takes
    (Request, match) and returns an Answer. `fail_next(pattern, answer, times)` makes the next
    requests whose path matches `pattern` get `answer` instead."""

    def __init__(self):
        self.routes, self.failures, self.requests = [], [], []
        self.lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                split = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                request = Request(
                    self.command, split.path,
                    {k: v[0] for k, v in parse_qs(split.query).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )  # fmt: skip
                answer = fake.answer(request)
                body = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body)
                body = body.encode() if isinstance(body, str) else body
                self.send_response(answer.status)
                headers = {"Content-Type": "application/json; charset=utf-8", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, str(value))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = do_PUT = _handle  # noqa: N815 (http.server's names)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll: stopping the server waits for the loop to look up.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.setup()

    def setup(self):
        raise NotImplementedError

    def route(self, method, pattern, handler):
        self.routes.append((method, re.compile(pattern), handler))

    def fail_next(self, pattern, answer, times=1):
        with self.lock:
            self.failures.extend([(re.compile(pattern), answer)] * times)

    def answer(self, request):
        with self.lock:
            self.requests.append(request)
            for n, (pattern, answer) in enumerate(self.failures):
                if pattern.search(request.path):
                    del self.failures[n]
                    return answer
        for method, pattern, handler in self.routes:
            match = pattern.fullmatch(request.path)
            if method == request.method and match:
                with self.lock:
                    return handler(request, match)
        return Answer(404, {"error": "Not found"})

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
