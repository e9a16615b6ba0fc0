"""Template helpers for releases: the dateline-led body, share links."""

from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.text import dateline_place

register = template.Library()

register.filter("dateline_place", dateline_place)


@register.filter
def dateline(release):
    """“WASHINGTON, May 26, 2011 —”: the city in capitals, the date in office time."""
    parts = [dateline_place(release.dateline)] if release.dateline else []
    if release.local_date:
        parts.append(date_format(release.local_date, "F j, Y"))
    return f"{', '.join(parts)} —" if parts else ""


@register.simple_tag
def release_body(release):
    """The sanitised body, with the dateline leading into its first paragraph.

    The one place where stored rich text is marked safe: Release.save() cleaned it with nh3.
    """
    body = release.body
    lead = dateline(release)
    if not lead:
        return mark_safe(body)
    lead_html = format_html('<span class="dateline">{}</span> ', lead)
    if body.startswith("<p>"):
        return mark_safe(f"<p>{lead_html}{body[3:]}")
    return mark_safe(f'<p class="dateline-only">{lead_html}</p>{body}')


def absolute_url(request, path):
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


@register.inclusion_tag("articles/includes/share_links.html", takes_context=True)
def share_links(context, release):
    """Plain share URLs: no third-party script runs on our pages."""
    url = absolute_url(context["request"], release.get_absolute_url())
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
