"""Site-level endpoints that belong to no app: health check, robots.txt, photo renditions."""

import re

from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from articles.rendering import absolute_url


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


_RENDITION = re.compile(r"[0-9a-f]{32}/\d{1,5}\.(webp|jpg|png)")
_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


def rendition(request, path):
    """A photo rendition from local media storage. Names are random and content never changes,
    so browsers and proxies may keep them for a year. Originals are never served."""
    match = _RENDITION.fullmatch(path)
    name = f"renditions/{path}"
    if not match or not default_storage.exists(name):
        raise Http404("No such photo.")
    response = FileResponse(default_storage.open(name), content_type=_TYPES[match[1]])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /news/search/",
        "",
        f"Sitemap: {absolute_url(request, reverse('sitemap'))}",
        f"Sitemap: {absolute_url(request, reverse('sitemap_news'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
