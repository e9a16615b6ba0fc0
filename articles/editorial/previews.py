"""Reviewers' share links: who may create and revoke them, for how long, and the trail they
leave. The pages they open are `articles/public/previews.py`'s."""

import datetime

from django.utils import timezone

from articles.errors import WorkflowError
from articles.models import AuditEntry, PreviewLink
from articles.roles import PUBLISH_PERMISSION
from articles.states import TAKEN_DOWN

# A week covers a review under embargo; a forwarded link should not outlive it by much.
MAX_SHARE_HOURS = 24 * 7


def create_preview_link(release, user, *, note="", hours=48):
    if not user.has_perm(PUBLISH_PERMISSION):
        raise WorkflowError("You do not have permission to share previews.")
    if not 1 <= hours <= MAX_SHARE_HOURS:
        raise WorkflowError(f"A share link lasts between 1 and {MAX_SHARE_HOURS} hours.")
    if release.state in TAKEN_DOWN:
        raise WorkflowError("A withdrawn, expired or deleted release cannot be shared.")
    link = PreviewLink.objects.issue(
        release=release,
        note=note,
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )
    AuditEntry.objects.record(release, user, "Share link created", note)
    return link


def revoke_preview_link(link, user):
    if not user.has_perm(PUBLISH_PERMISSION):
        raise WorkflowError("You do not have permission to revoke share links.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        AuditEntry.objects.record(link.release, user, "Share link revoked", link.note)
    return link
