"""Site-wide template context: the site's name, issuing office and follow links."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import Office, SocialLink


def site(request):
    # Lazy, so pages that do not show them (the admin) run no query for them.
    return {
        "site_name": settings.SITE_NAME,
        "site_office": SimpleLazyObject(Office.default),
        "social_links": SimpleLazyObject(lambda: list(SocialLink.objects.filter(active=True))),
    }
