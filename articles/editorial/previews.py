"""Previews of releases that are not public yet: for staff in the admin, and through reviewers'
share links (created, revoked and served here).

A preview renders the public page exactly, with a banner, and is never cached or indexed.
"""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from articles.editorial.workflow import PUBLISH_PERMISSION, WorkflowError, audit
from articles.models import PreviewLink
from articles.public.fragments import release_page
from articles.states import State

# A week covers a review under embargo; a forwarded link should not outlive it by much.
MAX_SHARE_HOURS = 24 * 7
# A share link shows a release that is not public yet, or is; never one taken down.
_ENDED = {State.WITHDRAWN, State.EXPIRED, State.DELETED}


def render_preview(request, release):
    response = TemplateResponse(
        request,
        "articles/release_detail.html",
        {"release": release, "preview": True, **release_page(release, cached=False)},
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def share_link_view(request, token):
    """A reviewer's share link: 404 once expired or revoked, or once its release is withdrawn
    or expired, like a link that never existed."""
    link = get_object_or_404(
        PreviewLink.objects.usable()
        .with_secret(token)
        .select_related("release__office", "release__lead_image")
    )
    if link.release.state in _ENDED:
        raise Http404("This share link has ended.")
    return render_preview(request, link.release)


def create_preview_link(release, user, *, note="", hours=48):
    if not user.has_perm(PUBLISH_PERMISSION):
        raise WorkflowError("You do not have permission to share previews.")
    if not 1 <= hours <= MAX_SHARE_HOURS:
        raise WorkflowError(f"A share link lasts between 1 and {MAX_SHARE_HOURS} hours.")
    if release.state in _ENDED:
        raise WorkflowError("A withdrawn, expired or deleted release cannot be shared.")
    link = PreviewLink.objects.issue(
        release=release,
        note=note,
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )
    audit(release, user, "Share link created", release.state, release.state, note)
    return link


def revoke_preview_link(link, user):
    if not user.has_perm(PUBLISH_PERMISSION):
        raise WorkflowError("You do not have permission to revoke share links.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        state = link.release.state
        audit(link.release, user, "Share link revoked", state, state, link.note)
    return link
