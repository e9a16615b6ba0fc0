"""How a release reads outside the database: its dateline, its body as published, its
address, its share links and structured data.

Shared by templates, feeds and structured data so every surface says the same thing.
"""

import json
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override

from articles.addresses import site_url
from articles.photos.markup import responsive_body_images
from articles.text import dateline_text


def body_html(release):
    """The sanitised body, with the dateline leading into its first paragraph.

    The one place where stored rich text is marked safe: Release.save() cleaned it with nh3.
    """
    body = responsive_body_images(release.body)
    lead = dateline_text(release)
    if not lead:
        return mark_safe(body)
    lead_html = format_html('<span class="dateline">{}</span> ', lead)
    if body.startswith("<p>"):
        return mark_safe(f"<p>{lead_html}{body[3:]}")
    return mark_safe(f'<p class="dateline-only">{lead_html}</p>{body}')


def corrections_html(release):
    """The dated public corrections under a release, as its page and every feed show them, in
    the release's language wherever they are shown (as its dateline is)."""
    corrections = list(release.corrections.all())
    if not corrections:
        return ""
    with override(release.language):
        html = render_to_string("articles/includes/corrections.html", {"corrections": corrections})
    return mark_safe(html.strip())


def published_html(release):
    """Everything a feed reader should get: the dateline-led body, then any corrections."""
    return body_html(release) + corrections_html(release)


def share_image(release):
    """The photo link previews and feeds show: the lead photo's largest rendition, or None."""
    image = release.lead_image
    if image is None:
        return None
    return image.url(width=image.rendition_widths()[-1])


def release_image_url(request, release):
    """The picture link previews show: the lead photo, else the site's default image."""
    return site_url(share_image(release) or static("img/og-default.png"), request)


def share_links(request, release):
    """Plain share URLs: no third-party script runs on our pages."""
    address = site_url(release.get_absolute_url(), request)
    mail = {"subject": release.title, "body": address}
    return [
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": address})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": address, "text": release.title})),
        # mailto: wants %20 for spaces, not "+" (RFC 6068).
        (_("E-mail"), "mailto:?" + urlencode(mail, quote_via=quote)),
    ]  # fmt: skip


# What json.dumps leaves that could end a <script> element early or start a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    """A JSON-LD block; no string inside it can close the <script> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def release_json_ld(request, release, image_url):
    return json_ld(news_article(request, release, image_url))


def share_image_alt(release):
    """The words for the share image: the lead photo's alt text, or what the default shows."""
    image = release.lead_image
    if image is None:
        return _("%(site)s: news release") % {"site": settings.SITE_NAME}
    return image.alt or release.title


def news_article(request, release, image_url):
    """schema.org NewsArticle for search engines, with what Google's Article documentation
    recommends: the author's page, and the photo in the three shapes it crops to."""
    url = site_url(release.get_absolute_url(), request)
    office = release.office
    # The office's newsroom is its public page; the byline's author is reached through it.
    office_url = site_url("/", request)
    publisher = {"@type": "GovernmentOrganization", "name": office.name, "url": office_url}
    if office.parent_organisation:
        publisher["parentOrganization"] = {
            "@type": "GovernmentOrganization",
            "name": office.parent_organisation,
        }
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": release.title,
        "inLanguage": release.language,
        "description": release.summary,
        "datePublished": release.publish_at.isoformat(),
        "dateModified": release.last_modified.isoformat(),
        "author": (
            {"@type": "Person", "name": release.byline, "url": office_url}
            if release.byline
            else publisher
        ),
        "publisher": publisher,
        "image": (
            [site_url(crop, request) for crop in release.lead_image.share_urls()]
            if release.lead_image_id
            else [image_url]
        ),
        **({"thumbnailUrl": image_url} if release.lead_image_id else {}),
        "articleSection": release.get_kind_display(),
        "keywords": [tag.name for tag in release.tag_list],
        "isAccessibleForFree": True,
    }
