"""How the read API writes a release, an office and a topic: plain values (str, int, datetime,
lists and dicts of them) that the endpoints' schemas declare and render as JSON.

A release reads as it does on its public page: the same dateline, the same body HTML
(`body_html`, the one place stored rich text is marked safe), its absolute address from
`site_url`. Photo addresses inside `body_html` are relative to the site, as in the feeds:
resolve them against `url`.
"""

from articles.addresses import site_url
from articles.public.presentation import body_html
from articles.text import dateline_text


def release_data(release, request):
    """A release loaded by articles/api/releases.py (with its extras)."""
    return {
        "id": str(release.guid),
        "url": site_url(release.get_absolute_url(), request),
        "title": release.title,
        "summary": release.summary,
        "dateline": dateline_text(release),
        "byline": release.byline,
        "body_html": str(body_html(release)),
        "kind": release.kind,
        "language": release.language,
        "office": office_data(release.office),
        "topics": [{"name": name, "slug": slug} for name, slug in release.topic_list],
        "lead_image": image_data(release.lead_image, request),
        "published_at": release.publish_at,
        "last_modified": release.last_modified,
        "release_number": release.release_number or None,
        "corrections": [
            {"date": correction.created, "text": correction.text}
            for correction in release.correction_list
        ],
        "editions": [
            {
                "id": str(edition.guid),
                "language": edition.language,
                "url": site_url(edition.path, request),
            }
            for edition in release.edition_list
        ],  # fmt: skip
    }


def image_data(image, request):
    """The lead photo's standard rendition (at most 960 pixels wide), or None."""
    if image is None:
        return None
    width = image.standard_width
    return {
        "url": site_url(image.url(width=width), request),
        "alt": image.alt,
        "width": width,
        "height": max(1, round(image.height * width / image.width)),
    }


def office_data(office):
    return {
        "id": office.pk,
        "name": office.name,
        "parent_organisation": office.parent_organisation,
        "contact_name": office.contact_name,
        "contact_email": office.contact_email,
        "contact_phone": office.contact_phone,
    }


def topic_data(tag):
    return {"name": tag.name, "slug": tag.slug}
