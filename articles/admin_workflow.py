"""Admin views around a release's life: workflow steps, preview, share links, corrections,
and revisions (compare with the current text, restore).

Each view is thin: it checks the request, calls articles.workflow, and reports the outcome.
"""

import difflib

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from reversion.models import Version

from articles.forms import CorrectionForm, ShareLinkForm, WorkflowStepForm
from articles.models import REVISION_FIELDS, Office, PreviewLink, Release
from articles.previews import render_preview
from articles.text import html_to_text
from articles.workflow import (
    PUBLISH_PERMISSION,
    STEPS,
    WorkflowError,
    add_correction,
    available_steps,
    create_preview_link,
    revoke_preview_link,
    take_step,
)


class ReleaseWorkflowAdminMixin:
    change_form_template = "admin/articles/release/change_form.html"
    actions = ["submit_selected", "publish_selected", "withdraw_selected", "draft_selected"]

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path("<int:pk>/workflow/", view(self.workflow_view), name="articles_release_workflow"),
            path("<int:pk>/preview/", view(self.preview_view), name="articles_release_preview"),
            path("<int:pk>/correct/", view(self.correction_view), name="articles_release_correct"),
            path("<int:pk>/share/", view(self.share_view), name="articles_release_share"),
            path(
                "<int:pk>/share/<int:link_id>/revoke/",
                view(self.revoke_view),
                name="articles_release_revoke",
            ),
            *super().get_urls(),
        ]

    # The release page ---------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, object_id)
        if release is not None:
            publisher = request.user.has_perm(PUBLISH_PERMISSION)
            extra_context = {
                **(extra_context or {}),
                "workflow_steps": available_steps(release, request.user),
                "step_form": WorkflowStepForm(),
                "audit_entries": release.audit_entries.select_related("user")[:50],
                "corrections": release.corrections.all(),
                "correction_form": CorrectionForm()
                if publisher and release.status == "published"
                else None,
                "preview_links": release.preview_links.all() if publisher else (),
                "share_form": ShareLinkForm() if publisher else None,
                "time_zone": settings.TIME_ZONE,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _release_or_404(self, request, pk):
        release = get_object_or_404(Release, pk=pk)
        # Seeing the release is enough here; each step checks its own permission.
        if not self.has_view_or_change_permission(request, release):
            raise PermissionDenied
        return release

    def _back(self, release):
        return redirect(reverse("admin:articles_release_change", args=[release.pk]))

    def _post_only(self, request):
        if request.method != "POST":
            raise Http404("Use the buttons on the release page.")

    def _attempt(self, request, permission, action, *args, **kwargs):
        """Run a workflow action: (True, its result), or (False, None) if it was refused.
        Refused for want of `permission`: 403. Refused by the rules (the wrong state, a bad
        time): the reason, as a message on the release page."""
        try:
            return True, action(*args, **kwargs)
        except WorkflowError as error:
            if not request.user.has_perm(permission):
                raise PermissionDenied(str(error)) from None
            self.message_user(request, str(error), messages.ERROR)
            return False, None

    # Workflow -----------------------------------------------------------------------------------

    def workflow_view(self, request, pk):
        self._post_only(request)
        release = self._release_or_404(request, pk)
        form = WorkflowStepForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                self.message_user(request, " ".join(errors), messages.ERROR)
            return self._back(release)
        data = form.cleaned_data
        step = STEPS.get(data["step"])
        if step is None:
            self.message_user(request, f"Unknown step “{data['step']}”.", messages.ERROR)
            return self._back(release)
        done, _ = self._attempt(
            request, step.permission, take_step, release, data["step"], request.user,
            note=data["note"], when=data["when"],
        )  # fmt: skip
        if not done:
            return self._back(release)
        release.refresh_from_db()
        self.message_user(request, f"{step.label}: the release is now {release.state_label}.")
        return self._back(release)

    def _bulk(self, request, queryset, step_name):
        done, refused = 0, []
        for release in queryset:
            try:
                take_step(release, step_name, request.user)
                done += 1
            except WorkflowError as error:
                refused.append(f"“{release.title}”: {error}")
        label = STEPS[step_name].label
        if done:
            self.message_user(request, f"{label}: {done} release(s).", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"{label} refused for {reason}", messages.WARNING)

    @admin.action(description="Submit selected for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description="Publish selected now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description="Withdraw selected", permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        self._bulk(request, queryset, "withdraw")

    @admin.action(description="Return selected to draft", permissions=["change"])
    def draft_selected(self, request, queryset):
        self._bulk(request, queryset, "return_to_draft")

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    # Preview, share links, corrections ---------------------------------------------------------

    def preview_view(self, request, pk):
        return render_preview(request, self._release_or_404(request, pk))

    def share_view(self, request, pk):
        self._post_only(request)
        release = self._release_or_404(request, pk)
        form = ShareLinkForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request, "Give the link a valid lifetime (1–720 hours).", messages.ERROR
            )
            return self._back(release)
        done, link = self._attempt(
            request, PUBLISH_PERMISSION, create_preview_link, release, request.user,
            **form.cleaned_data,
        )  # fmt: skip
        if done:
            url = request.build_absolute_uri(link.get_absolute_url())
            self.message_user(request, f"Share link created: {url}", messages.SUCCESS)
        return self._back(release)

    def revoke_view(self, request, pk, link_id):
        self._post_only(request)
        release = self._release_or_404(request, pk)
        link = get_object_or_404(PreviewLink, pk=link_id, release=release)
        done, _ = self._attempt(
            request, PUBLISH_PERMISSION, revoke_preview_link, link, request.user
        )
        if done:
            self.message_user(request, "Share link revoked; it now answers 404.", messages.SUCCESS)
        return self._back(release)

    def correction_view(self, request, pk):
        self._post_only(request)
        release = self._release_or_404(request, pk)
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Write the correction first.", messages.ERROR)
            return self._back(release)
        text = form.cleaned_data["text"]
        done, _ = self._attempt(
            request, PUBLISH_PERMISSION, add_correction, release, request.user, text
        )
        if done:
            self.message_user(request, "Correction published.", messages.SUCCESS)
        return self._back(release)

    # Revisions: VersionAdmin lists them in the history; one opens here as a comparison -------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        release = self._release_or_404(request, object_id)
        version = get_object_or_404(
            Version.objects.get_for_object(release).select_related("revision__user"), pk=version_id
        )
        if request.method == "POST":
            if not self.has_change_permission(request, release):
                raise PermissionDenied
            self._restore(request, release, version)
            return self._back(release)
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
            for name in REVISION_FIELDS:
                attname = Release._meta.get_field(name).attname
                if attname in old:
                    setattr(release, attname, old[attname])
            release.updated_by = request.user
            release.save()
            when = f"{version.revision.date_created:%d %b %Y %H:%M}"
            reversion.set_user(request.user)
            reversion.set_comment(f"Restored the revision of {when}")
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
