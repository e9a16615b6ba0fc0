"""What every page's frame shows of the site, for both template engines (TEMPLATES in
pressoffice/settings.py): its name, issuing office and follow links."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject

from articles.public.fragments import follow_links, site_office

logger = logging.getLogger(__name__)


def site(request):
    """Context processor: the site's name, issuing office and follow links on every page.
    Lazy, so pages that do not show them (the admin) never fetch them."""
    return {
        "site_name": settings.SITE_NAME,
        "site_office": SimpleLazyObject(_or_else(site_office, None)),
        "social_links": SimpleLazyObject(_or_else(follow_links, [])),
    }


def _or_else(read, fallback):
    """The page frame without the database: an error page (a 404 during an outage) must still
    render, with the site's name instead of the office."""

    def read_or_fallback():
        try:
            return read()
        except DatabaseError:
            logger.warning("site frame rendered without the database", exc_info=True)
            return fallback

    return read_or_fallback
