"""A partner's system for the webhook tests: a threaded HTTP server on loopback that verifies
every request's signature with the standardwebhooks library and answers as it is told."""

import http.server
import threading
import time

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    """`answers`: the statuses to give, in turn (then 200); a float is a sleep before a 200.
    `received`: (headers, payload) of each request whose signature verified; `unsigned`
    counts those that did not."""

    def __init__(self):
        self.secret = None
        self.answers = []
        self.received, self.unsigned, self.requests = [], 0, 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.requests += 1
                answer = receiver.answers.pop(0) if receiver.answers else 200
                if isinstance(answer, float):
                    time.sleep(answer)
                    answer = 200
                headers = dict(self.headers.items())
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError:
                    receiver.unsigned += 1
                else:
                    receiver.received.append(({k.lower(): v for k, v in headers.items()}, payload))
                self.send_response(answer)
                if 300 <= answer < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks?partner=wire"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def types(self):
        return [payload["type"] for _headers, payload in self.received]
