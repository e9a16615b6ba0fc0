"""gunicorn for Press Office behind nginx (docs/deploy.md):

    gunicorn -c deploy/gunicorn.conf.py pressoffice.wsgi

Listens on a Unix socket only nginx can reach, so the X-Forwarded-Proto that Django trusts
(SECURE_PROXY_SSL_HEADER=1) can only come from nginx. `kill -HUP` (systemctl reload) starts new
workers on the new code and lets the old ones finish their requests.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger, SafeAtoms

# gunicorn puts the project folder (its working directory) on the path before reading this.
from pressoffice.scrubbing import ScrubTokens, scrub

bind = os.environ.get("GUNICORN_BIND", "unix:/run/pressoffice/gunicorn.sock")
# Sync workers: pages are short work (bench/results/ has their times) and the slow part of a slow
# client is nginx's to absorb.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request still running after this is killed (and logged): far longer than any page takes
# (bench/results/).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On reload and stop, workers finish what they are doing for up to this long.
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, at staggered moments, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# Request lines and headers no browser sends this large: refuse them early.
limit_request_line = 8190
limit_request_fields = 100
# Access lines go to the journal with the request id nginx set, for matching with app logs.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}i)s'


class ScrubbedAtoms(SafeAtoms):
    """The values an access line prints, each as it is looked up (only those the format names),
    with the token of a subscriber's, the press's or a reviewer's link hidden."""

    def __getitem__(self, name):
        return scrub(super().__getitem__(name))


class ScrubbedLogger(Logger):
    """gunicorn's logger with tokens hidden in access lines (the request line, and any header
    or path a format may add) and in the error log ("Error handling request GET …")."""

    atoms_wrapper_class = ScrubbedAtoms

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(each, ScrubTokens) for each in self.error_log.filters):  # reload
            self.error_log.addFilter(ScrubTokens())


logger_class = ScrubbedLogger
errorlog = "-"
# Code is loaded in each worker, so a reload (HUP) picks up a new release.
preload_app = False
