"""Template helpers for releases: the dateline-led body, share links, search excerpts."""

from urllib.parse import quote, urlencode

from django import template
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from articles import rendering
from articles.addresses import tag_url
from articles.images import LEAD_SIZES, photo_html
from articles.search import snippet
from articles.text import dateline_place

register = template.Library()

register.filter("dateline_place", dateline_place)
register.filter("tag_url", tag_url)
register.filter("dateline", rendering.dateline_text)
register.simple_tag(rendering.body_html, name="release_body")


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return rendering.absolute_url(context["request"], path)


@register.simple_tag(takes_context=True)
def release_image_url(context, release):
    """The picture link previews show: the lead photo, else the site's default image."""
    path = release.share_image() or static("img/og-default.png")
    return rendering.absolute_url(context["request"], path)


@register.simple_tag
def photo(image, sizes=LEAD_SIZES, lazy=True):
    """A library photo as a responsive <picture>; its size is reserved so the page never jumps."""
    return photo_html(image, sizes, lazy=lazy)


@register.simple_tag(takes_context=True)
def release_json_ld(context, release, image_url):
    return rendering.json_ld(rendering.news_article(context["request"], release, image_url))


@register.inclusion_tag("articles/includes/share_links.html", takes_context=True)
def share_links(context, release):
    """Plain share URLs: no third-party script runs on our pages."""
    url = rendering.absolute_url(context["request"], release.get_absolute_url())
    return {
        "links": [
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
            ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": release.title})),
            (
                "E-mail",
                # mailto: wants %20 for spaces, not "+" (RFC 6068).
                "mailto:?" + urlencode({"subject": release.title, "body": url}, quote_via=quote),
            ),
        ]
    }


@register.simple_tag
def search_snippet(release, query):
    """The search excerpt: escaped text in which only our own <mark> tags are HTML."""
    return mark_safe(snippet(release, query))
