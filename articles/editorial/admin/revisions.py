"""Revisions in the admin. VersionAdmin lists a release's revisions in its history; one opens
here as a word-by-word comparison of its content fields with the current release (the body as
plain text, the office by name). Whoever may change the release restores it: its content is
copied onto the release as a new revision, with a "Revision restored" audit entry. Restoring never
touches the workflow's fields (status, publish time, number), and someone who may not publish
leaves the publication settings (PUBLISHER_FIELDS) as they are.

Reversion's own recovery is closed: its "recover" pages lead an Administrator to the change
list's deleted releases (anyone else gets a 403), where the workflow's "recover" step brings one
back as a draft."""

import difflib

import reversion
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from reversion.models import Version

from articles.editorial.admin.base import ReleaseViewsBase
from articles.editorial.workflow import PUBLISHER_FIELDS
from articles.models import AuditEntry, Office, Release
from articles.roles import PUBLISH_PERMISSION
from articles.states import State
from articles.text import html_to_text

# Content only: restoring a revision never changes where a release is in its workflow.
REVISION_FIELDS = [
    "kind", "title", "slug", "summary", "body", "dateline", "byline", "office", "featured",
    "send_alert", "expire_at", "lead_image",
]  # fmt: skip


class RevisionsMixin(ReleaseViewsBase):
    """Old revisions restore text onto an existing release. Reversion's own recovery of deleted
    objects is not offered: it wrote back state, publish time and number. A deleted release is
    recovered by the workflow's "recover" step, from the list of deleted releases."""

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return redirect(f"{reverse('admin:articles_release_changelist')}?state={State.DELETED}")

    def recover_view(self, request, version_id, extra_context=None):
        return self.recoverlist_view(request)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        release = self.release_or_404(request, object_id)
        version = get_object_or_404(
            Version.objects.get_for_object(release).select_related("revision__user"), pk=version_id
        )
        if request.method == "POST":
            if not self.has_change_permission(request, release):
                raise PermissionDenied
            self._restore(request, release, version)
            return self.back_to(release)
        return TemplateResponse(
            request,
            "admin/articles/release/revision_compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": release,
                "version": version,
                "title": f"Compare revision of {version.revision.date_created:%d %b %Y %H:%M}",
                "changes": compare_with_current(release, version),
            },
        )

    def _restore(self, request, release, version):
        """Restoring copies the old content onto the release as a new revision; history stays."""
        old = version.field_dict
        with transaction.atomic(), reversion.create_revision():
            release = Release.objects.select_for_update().get(pk=release.pk)
            fields = REVISION_FIELDS
            if not request.user.has_perm(PUBLISH_PERMISSION):
                fields = [name for name in fields if name not in PUBLISHER_FIELDS]
            for name in fields:
                attname = Release._meta.get_field(name).attname
                if attname in old:
                    setattr(release, attname, old[attname])
            release.updated_by = request.user
            release.save()
            when = f"{version.revision.date_created:%d %b %Y %H:%M}"
            reversion.set_user(request.user)
            reversion.set_comment(f"Restored the revision of {when}")
            AuditEntry.objects.record(release, request.user, "Revision restored", f"Text of {when}")
        self.message_user(
            request, f"Restored the text of {when} as a new revision.", messages.SUCCESS
        )


def compare_with_current(release, version):
    """(label, old, new, diff_html) for each content field that differs."""
    old = version.field_dict
    changes = []
    for name in REVISION_FIELDS:
        field = Release._meta.get_field(name)
        before, after = old.get(field.attname), getattr(release, field.attname)
        if name == "office":
            before, after = _office_name(before), _office_name(after)
        if before == after:
            continue
        if name == "body":
            before, after = html_to_text(before or ""), html_to_text(after or "")
        changes.append((field.verbose_name, _word_diff(str(before or ""), str(after or ""))))
    return changes


def _office_name(pk):
    return Office.objects.filter(pk=pk).values_list("name", flat=True).first() or "—"


def _word_diff(before, after):
    """The words removed and added between two texts, as escaped HTML with <del> and <ins>."""
    a, b = before.split(), after.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("span", " ".join(a[i1:i2])))
        if op in {"delete", "replace"}:
            parts.append(("del", " ".join(a[i1:i2])))
        if op in {"insert", "replace"}:
            parts.append(("ins", " ".join(b[j1:j2])))
    return format_html_join(" ", "<{0}>{1}</{0}>", parts)
