"""The release page, shown before (or without) the page cache: to staff in the admin, to
reviewers through share links, and to press contacts through their embargoed copies.

The one door into the readers' room for the staff and press rooms: a preview renders the public
page exactly, with a banner, and is never cached or indexed.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation

from articles.models import PreviewLink
from articles.public.fragments import release_page
from articles.states import TAKEN_DOWN


def render_preview(request, release):
    """The release page as readers will see it, in the release's language whatever the
    address it is shown at."""
    with translation.override(release.language):
        response = TemplateResponse(
            request,
            "articles/release_detail.html",
            {"release": release, "preview": True, **release_page(release, cached=False)},
        ).render()
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def share_link_view(request, token):
    """A reviewer's share link: 404 once expired or revoked, or once its release is withdrawn,
    expired or deleted, like a link that never existed."""
    link = get_object_or_404(
        PreviewLink.objects.usable()
        .with_secret(token)
        .select_related("release__office", "release__lead_image")
    )
    if link.release.state in TAKEN_DOWN:
        raise Http404("This share link has ended.")
    return render_preview(request, link.release)
