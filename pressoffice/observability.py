"""What operators see: one JSON line per log record, each with the id of the request it belongs
to (also sent back as X-Request-ID, so a reader's report can be matched to the logs) and no
token from a tokenised address, and a readiness check that names only what is failing.
settings.LOGGING uses the formatter and filter below; settings also starts Sentry when
SENTRY_DSN is set, and nothing otherwise.
"""

import concurrent.futures
import datetime
import json
import logging
import re
import threading
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import connection
from django.dispatch import receiver
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from pressoffice.scrubbing import scrub
from pressoffice.views import cache_answers

_request_id = ContextVar("pressoffice_request_id", default=None)
# An id from the proxy (nginx's $request_id, a load balancer's) is kept when it looks like one;
# anything else is replaced, so a client cannot write what it likes into the logs.
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """First in the stack: every log line of the request, and the response, carry its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex
        # Not reset on the way out: Django logs a 4xx or 5xx answer (django.request) after the
        # middleware has returned. The id is forgotten when the response is closed.
        _request_id.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished, dispatch_uid="pressoffice-forget-request-id")
def _forget_request_id(sender, **kwargs):
    _request_id.set(None)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or None outside a request) on every record."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and the
    traceback when there is one; anything passed in `extra=` that JSON can carry."""

    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
        "message", "asctime", "request_id",
    }  # fmt: skip

    def format(self, record):
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name, value in vars(record).items():
            if name not in self._STANDARD and not name.startswith("_"):
                line[name] = value if isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # Extras such as the request Django passes (its repr holds the path) are scrubbed too.
        return scrub(json.dumps(line, ensure_ascii=False))


# Readiness -------------------------------------------------------------------------------------

READY_CHECK_SECONDS = 2.0
# Each check opens a database connection and asks the bucket: a burst of calls (a deploy
# script's loop, several load balancers) shares one answer for this long, per process.
READY_CACHE_SECONDS = 1.0
_checks = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")
_recent = {"at": None, "failing": None}
_recent_lock = threading.Lock()


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # the check thread's own connection


def _cache(alias):
    def check():
        caches[alias].set("pressoffice:readyz", 1, timeout=10)  # raises where the backend does
        if not cache_answers(alias):  # a resilient Redis swallows errors: its breaker tells
            raise ConnectionError(f"cache {alias} unreachable")

    return check


def _storage():
    default_storage.exists("readyz-probe")


def readiness():
    """{name: failing?} for the database, each cache and the storage, each given at most
    READY_CHECK_SECONDS, run side by side."""
    checks = {"database": _database, "storage": _storage}
    checks |= {f"cache {alias}": _cache(alias) for alias in settings.CACHES}
    futures = {name: _checks.submit(check) for name, check in checks.items()}
    done, _ = concurrent.futures.wait(futures.values(), timeout=READY_CHECK_SECONDS)
    failing = {}
    for name, future in futures.items():
        failing[name] = future not in done or future.exception() is not None
        if failing[name]:
            logging.getLogger("pressoffice.readyz").warning("readiness: %s failing", name)
    return failing


def recent_readiness():
    """readiness(), asked at most once per READY_CACHE_SECONDS in this process; callers that
    arrive while a check runs wait for its answer instead of starting their own."""
    with _recent_lock:
        at = _recent["at"]
        if at is None or time.monotonic() - at >= READY_CACHE_SECONDS:
            _recent["failing"] = readiness()
            _recent["at"] = time.monotonic()
        return _recent["failing"]


def forget_readiness():
    """The next call checks again (tests)."""
    with _recent_lock:
        _recent["at"] = None


@never_cache
def readyz(request):
    """For load balancers and deploys: 503 naming the database or storage when either fails;
    a failing cache only makes pages slower, so it is named but the answer stays 200."""
    failing = [name for name, failed in recent_readiness().items() if failed]
    vital = [name for name in failing if not name.startswith("cache ")]
    if vital:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    if failing:
        return JsonResponse({"status": "degraded", "failing": failing})
    return JsonResponse({"status": "ready"})
