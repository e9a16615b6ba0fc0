"""The one way into the read API: every route's view is wrapped by `api_view`, which the page
cache (articles/pagecache/caching.py) calls only when it has no current answer.

- Read only: GET and HEAD; an OPTIONS preflight is answered for GET; anything else is a 405.
  No session, cookie or CSRF token is read or set, so every answer may be cached and shared.
- CORS: any site may read the API from a browser (`Access-Control-Allow-Origin: *`).
- A limit per client address (API_REQUESTS_PER_MINUTE, 60) on what the page cache could not
  answer: a fixed window counted in the shared cache ("default": Redis on several servers),
  then 429 with Retry-After. Cached answers cost no query and are never counted. When that
  cache fails the limit is not enforced: the pages beside the API carry the same releases
  without a limit, and an outage of a cache must make the site slower, never shut partners out
  (design rule 9).
"""

import functools
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, JsonResponse

from staff.addresses import counted_address

READ_METHODS = {"GET", "HEAD"}
WINDOW_SECONDS = 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Retry-After",
    # Any site may read the answers (the default is same-origin: SecurityHeadersMiddleware).
    "Cross-Origin-Resource-Policy": "cross-origin",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET",
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def api_view(view):
    """`view` behind the door: methods, CORS and the limit."""

    @functools.wraps(view)
    def door(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204, headers=PREFLIGHT_HEADERS)
            del response["Content-Type"]
        elif request.method not in READ_METHODS:
            response = problem(405, "The API is read-only: use GET.")
            response["Allow"] = "GET, HEAD, OPTIONS"
        elif (wait := seconds_to_wait(request)) is not None:
            response = problem(
                429,
                f"More than {settings.API_REQUESTS_PER_MINUTE} requests a minute from one "
                f"address: try again in {wait} seconds.",
            )
            response["Retry-After"] = str(wait)
        else:
            response = _as_get(view, request, *args, **kwargs)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    door.csrf_exempt = True  # nothing here changes anything; see the module docstring
    return door


def _as_get(view, request, *args, **kwargs):
    """HEAD is answered as GET (the server sends the headers alone)."""
    method = request.method
    request.method = "GET"
    try:
        return view(request, *args, **kwargs)
    finally:
        request.method = method


def problem(status, detail):
    return JsonResponse({"detail": detail}, status=status)


def seconds_to_wait(request):
    """None while this client is within the limit (counting this request), else the seconds
    until its window ends."""
    limit = settings.API_REQUESTS_PER_MINUTE
    if not limit:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    client = hashlib.sha256(str(counted_address(request)).encode()).hexdigest()[:32]
    key = f"api:requests:{client}:{window}"
    cache = caches["default"]
    try:
        count = 1 if cache.add(key, 1, WINDOW_SECONDS * 2) else cache.incr(key)
    except Exception:  # noqa: BLE001 - any cache failure: see the module docstring
        return None
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
