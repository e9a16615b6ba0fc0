"""Site-wide middleware: security headers on every response, and a database that cannot
answer right now treated as an outage, not a bug in the page."""

import logging

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.template.loader import render_to_string

logger = logging.getLogger("pressoffice.outage")

RETRY_AFTER_SECONDS = 60


# Every powerful browser feature, off: the site needs none of them. Passkeys are left at the
# browser's default (this site only), for staff sign-in.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer", "autoplay", "bluetooth", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid",
        "interest-cohort", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "screen-wake-lock", "serial",
        "sync-xhr", "usb", "xr-spatial-tracking",
    ]
)  # fmt: skip


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with a second policy for staff pages (the admin and sign-in),
    which run our scripts and the editor's; public pages keep the strict one from settings."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(settings.STAFF_CSP_PREFIXES):
            parts.config = settings.STAFF_CONTENT_SECURITY_POLICY
        return parts


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy, which Django does not set.

    Resources are same-origin unless a view says otherwise (photo renditions may be shown by
    feed readers on other sites)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    """Django's ETag/304 answers, keeping the page's cross-origin headers (whatever a view set:
    the read API's door, articles/api/door.py): Django's 304 keeps only the caching headers, and
    a browser reading the API from another site drops a 304 without Access-Control-Allow-Origin
    as a failed request."""

    CROSS_ORIGIN = ("Access-Control-", "Cross-Origin-")

    def process_response(self, request, response):
        answer = super().process_response(request, response)
        if answer is not response:
            for name, value in response.items():
                if name.startswith(self.CROSS_ORIGIN):
                    answer[name] = value
        return answer


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After, not 500, when the database is down, locked or timing out.

    Readers get a page that says to come back shortly; search engines and feed readers keep
    what they have instead of treating the page as broken. Pages already in the page cache
    are still served, since that middleware answers before any view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable for %s", request.path, exc_info=exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
