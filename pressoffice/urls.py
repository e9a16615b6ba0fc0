"""Root URLconf: the public newsroom under /news/ (and /; /es/noticias/ in Spanish), sitemaps,
the admin, a health check."""

from functools import partial

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import pgettext_lazy

from articles.editorial.calendar.feed import feed_view as calendar_feed_view
from articles.editorial.factcheck import fact_check_view
from articles.pagecache.caching import page_cache_params
from articles.photos.views import rendition
from articles.public.moved import not_found
from articles.public.previews import share_link_view
from articles.public.sitemaps import SITEMAPS, news_sitemap
from articles.public.views import ReleaseListView
from pressoffice import observability, views
from staff import views as staff_views
from staff.views import sign_out_everywhere_view

# A missing page offers a search for the words of its address.
handler404 = not_found

# Public pages served from the page cache, keyed by these query parameters alone.
sitemap_index = page_cache_params(partial(sitemap_views.index), "p")
sitemap_section = page_cache_params(partial(sitemap_views.sitemap), "p")

# Readers' pages in each language: the site's own at /news/, another under its code with the
# folder's name in that language (/es/noticias/); articles/public/languages.py reads the prefix.
urlpatterns = i18n_patterns(
    path("", ReleaseListView.as_view(), name="home"),
    path(pgettext_lazy("address", "news/"), include("articles.public.urls")),
    prefix_default_language=False,
)

urlpatterns += [
    # An index of one sitemap per section: a sitemap file holds at most 50,000 addresses.
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-news.xml", page_cache_params(news_sitemap), name="sitemap_news"),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", include("subscriptions.urls")),
    # The read API for partner systems: live releases as JSON (articles/api/).
    path("api/", include("articles.api.urls")),
    path("robots.txt", views.robots_txt, name="robots"),
    path("preview/<str:token>/", share_link_view, name="preview_link"),
    path("fact-check/<str:token>/", fact_check_view, name="fact_check"),
    # A person's private calendar feed, for calendar apps (no session): the address is the key.
    path("calendar/<str:token>.ics", calendar_feed_view, name="calendar_feed"),
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", observability.readyz, name="readyz"),
    path(settings.CSP_REPORT_PATH.strip("/") + "/", views.csp_report, name="csp_report"),
    path(f"{settings.MEDIA_URL.strip('/')}/renditions/<path:path>", rendition, name="rendition"),
    path("admin/sign-out-everywhere/", sign_out_everywhere_view, name="sign_out_everywhere"),
    # Staff sign in through allauth, which asks for the second factor (staff/factors.py).
    path("admin/login/", staff_views.admin_login),
    path("accounts/password/reset/", staff_views.no_self_service),
    path("accounts/enrol/", staff_views.enrol, name="staff_enrol"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
