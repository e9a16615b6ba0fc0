"""Public URLs of the newsroom. Their shapes are public (links, feed readers, search engines).
Each language's words in them ("search/", "tags/") are translated in its catalogue (context
"address"): /es/noticias/buscar/, /es/noticias/temas/…/."""

from django.urls import path, register_converter
from django.utils.translation import pgettext_lazy

from articles.pagecache.caching import page_cache_params
from articles.public import feeds, views


class FourDigits:
    """Dates in URLs are zero-padded, so each page has exactly one address."""

    regex = "[0-9]{4}"
    width = 4

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):0{self.width}d}"


class TwoDigits(FourDigits):
    regex = "[0-9]{2}"
    width = 2


register_converter(FourDigits, "yyyy")
register_converter(TwoDigits, "mm")

app_name = "articles"

urlpatterns = [
    path("", views.ReleaseListView.as_view(), name="list"),
    path(pgettext_lazy("address", "search/"), views.SearchView.as_view(), name="search"),
    path(pgettext_lazy("address", "tags/<slug:slug>/"), views.TagView.as_view(), name="tag"),
    path("feed/", feeds.ReleasesFeed(), name="feed"),
    path("feed/atom/", feeds.AtomReleasesFeed(), name="feed_atom"),
    path("feed.json", page_cache_params(feeds.json_feed), name="feed_json"),
    path(pgettext_lazy("address", "tags/<slug:slug>/feed/"), feeds.ReleasesFeed(), name="tag_feed"),
    path(
        pgettext_lazy("address", "tags/<slug:slug>/feed/atom/"),
        feeds.AtomReleasesFeed(),
        name="tag_feed_atom",
    ),
    path("<yyyy:year>/", views.ArchiveView.as_view(), name="archive_year"),
    path("<yyyy:year>/<mm:month>/", views.ArchiveView.as_view(), name="archive_month"),
    path(
        "<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/",
        views.ReleaseDetailView.as_view(),
        name="detail",
    ),
]
