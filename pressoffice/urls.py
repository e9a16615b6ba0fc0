"""Root URLconf: the public newsroom under /news/ (and /), the admin, a health check."""

from django.contrib import admin
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache

from articles.views import ReleaseListView


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


admin.site.site_header = "Press Office"
admin.site.site_title = "Press Office admin"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("", ReleaseListView.as_view(), name="home"),
    path("news/", include("articles.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
]
