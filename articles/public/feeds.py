"""RSS 2.0, Atom and JSON Feed 1.1 of live releases, for everything and per tag."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.addresses import site_url
from articles.models import Release
from articles.pagecache.freshness import depends_on
from articles.pagecache.keys import LIVE, release_key
from articles.photos.renditions import rendition_name
from articles.public.presentation import published_html, share_image
from articles.text import xml_safe

FEED_LENGTH = 20  # full texts: enough for any reader polling hourly, small enough to fetch often


class AtomWithContent(Atom1Feed):
    """Atom with the full release in <content>; <summary> keeps the short lead."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


def feed_items(tag=None):
    """The newest live releases in the address's language (/es/noticias/feed/ is Spanish)."""
    releases = (
        Release.objects.live()
        .in_language(get_language())
        .select_related("office", "lead_image")
        .prefetch_related("tags", "corrections")
    )
    if tag is not None:
        releases = releases.tagged(pk=tag.pk)
    items = list(releases.newest_first()[:FEED_LENGTH])
    depends_on(LIVE, *(release_key(release.pk) for release in items))
    return items


def feed_title():
    return _("%(site)s: news releases") % {"site": settings.SITE_NAME}


def _xml_safe_values(values):
    def clean(value):
        if isinstance(value, str):
            return xml_safe(value)
        if isinstance(value, (list, tuple)):
            return type(value)(clean(v) for v in value)
        return value

    return {key: clean(value) for key, value in values.items()}


class ReleasesFeed(Feed):
    feed_type = Rss201rev2Feed
    item_guid_is_permalink = False
    page_cache_params = ()

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_feed(self, obj, request):
        """The feed, with every string made XML-safe: text is cleaned on save, but a row
        written around save() must not take the whole feed down."""
        feed = super().get_feed(obj, request)
        feed.feed = _xml_safe_values(feed.feed)
        feed.items = [_xml_safe_values(item) for item in feed.items]
        return feed

    def get_object(self, request, slug=None):
        if slug is None:
            return None
        tag = get_object_or_404(Tag, slug=slug)
        if not Release.objects.live().in_language(get_language()).tagged(pk=tag.pk).exists():
            raise Http404("No live release has this tag.")
        return tag

    def title(self, tag):
        if tag:
            return _("%(site)s: news releases about %(topic)s") % {
                "site": settings.SITE_NAME,
                "topic": tag.name,
            }
        return feed_title()

    def description(self, tag):
        return self.title(tag)

    subtitle = description

    def link(self, tag):
        path = reverse("articles:tag", args=[tag.slug]) if tag else reverse("articles:list")
        return site_url(path, self.request)

    def feed_url(self, tag):
        return site_url(self.request.path, self.request)

    def item_link(self, release):
        return site_url(release.get_absolute_url(), self.request)

    def items(self, tag):
        return feed_items(tag)

    def item_title(self, release):
        return release.title

    def item_description(self, release):
        return published_html(release)

    def item_guid(self, release):
        return release.guid.urn

    def item_pubdate(self, release):
        return release.publish_at

    def item_updateddate(self, release):
        return release.last_modified

    def item_author_name(self, release):
        return release.byline or release.office.name

    def item_categories(self, release):
        return [tag.name for tag in release.tags.all()]

    def item_enclosures(self, release):
        image = release.lead_image
        if image is None:
            return []
        width = image.standard_width
        name = rendition_name(image.key, width, image.extension)
        mime = "image/png" if image.extension == "png" else "image/jpeg"
        url = site_url(image.url(width=width), self.request)
        return [Enclosure(url, str(default_storage.size(name)), mime)]


class AtomReleasesFeed(ReleasesFeed):
    feed_type = AtomWithContent

    def item_description(self, release):
        return escape(release.summary)  # plain text inside an HTML-typed <summary>

    def item_extra_kwargs(self, release):
        return {"content": published_html(release)}


def json_feed(request):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the latest live releases."""
    items = [
        {
            "id": release.guid.urn,
            "url": site_url(release.get_absolute_url(), request),
            "title": release.title,
            "summary": release.summary,
            "content_html": str(published_html(release)),
            "date_published": release.publish_at.isoformat(),
            "date_modified": release.last_modified.isoformat(),
            "authors": [{"name": release.byline or release.office.name}],
            "tags": [tag.name for tag in release.tags.all()],
            **({"image": site_url(share_image(release), request)} if release.lead_image else {}),
        }
        for release in feed_items()
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed_title(),
        "home_page_url": site_url(reverse("articles:list"), request),
        "feed_url": site_url(reverse("articles:feed_json"), request),
        "language": get_language(),
        "items": items,
    }
    return JsonResponse(
        feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False}
    )
