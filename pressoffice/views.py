"""Site-level endpoints that belong to no room: the health check, robots.txt and the
Content-Security-Policy report endpoint."""

import json
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.addresses import site_url
from staff.addresses import client_address

logger = logging.getLogger("pressoffice.csp")


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not. A cache that
    is down only makes pages slower: the answer stays 200, "degraded", and names the cache."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "unavailable"}, status=503)
    degraded = [f"cache {alias}" for alias in settings.CACHES if not cache_answers(alias)]
    if degraded:
        return JsonResponse({"status": "degraded", "degraded": degraded})
    return JsonResponse({"status": "ok"})


def cache_answers(alias):
    """Whether a cache answers (/healthz/ and /readyz/ ask): a Redis one, by its breaker."""
    backend = caches[alias]
    breaker = getattr(backend, "breaker", None)
    if breaker is None:
        return True  # memory and file caches live in the process or on this host's disk
    backend.get("pressoffice:health")  # at most one short timeout, none while the breaker is open
    return not breaker.failing


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /news/search/",
        "",
        f"Sitemap: {site_url(reverse('sitemap'), request)}",
        f"Sitemap: {site_url(reverse('sitemap_news'), request)}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def csp_report(request):
    """Content-Security-Policy violation reports, logged and never stored. Bounded in size, and
    rate-limited per client address, so the endpoint cannot flood the logs."""
    if len(request.body) > settings.CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    minute = int(time.time() // 60)
    key = f"pressoffice:csp-reports:{client_address(request)}:{minute}"
    cache = caches["default"]
    try:
        cache.add(key, 0, timeout=120)
        count = cache.incr(key)
    except Exception:  # a cache outage must not open the floodgates: count as over the limit
        count = settings.CSP_REPORTS_PER_MINUTE + 1
    if count > settings.CSP_REPORTS_PER_MINUTE:
        return HttpResponse(status=429)
    try:
        report = json.loads(request.body).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    logger.warning(
        "CSP violation: %s blocked %s on %s",
        str(report.get("violated-directive", report.get("effective-directive", "?")))[:100],
        str(report.get("blocked-uri", "?"))[:200],
        str(report.get("document-uri", "?"))[:200],
    )
    return HttpResponse(status=204)
