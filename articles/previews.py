"""Previews of releases that are not public yet: for staff in the admin, and through share links.

A preview renders the public page exactly, with a banner, and is never cached or indexed.
"""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from articles.fragments import neighbours
from articles.models import PreviewLink


def render_preview(request, release):
    response = TemplateResponse(
        request,
        "articles/release_detail.html",
        {"release": release, "preview": True, **neighbours(release, cached=False)},
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def share_link_view(request, token):
    """A reviewer's share link: 404 once expired or revoked, like a link that never existed."""
    link = get_object_or_404(
        PreviewLink.objects.select_related("release__office", "release__lead_image"),
        token=token,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return render_preview(request, link.release)
