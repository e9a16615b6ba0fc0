"""Site-wide template context: the site's name, issuing office and follow links."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.fragments import follow_links, site_office


def site(request):
    # Lazy, so pages that do not show them (the admin) never fetch them.
    return {
        "site_name": settings.SITE_NAME,
        "site_office": SimpleLazyObject(site_office),
        "social_links": SimpleLazyObject(follow_links),
    }
