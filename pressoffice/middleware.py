"""A database that cannot answer right now is an outage, not a bug in the page."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("pressoffice.outage")

RETRY_AFTER_SECONDS = 60


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
