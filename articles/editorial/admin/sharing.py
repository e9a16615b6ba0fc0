"""Around a release in the admin: staff preview, reviewers' share links, public corrections."""

from django.contrib import messages
from django.shortcuts import get_object_or_404

from articles.editorial.admin.base import ReleaseViewsBase
from articles.editorial.forms import CorrectionForm, ShareLinkForm
from articles.editorial.previews import MAX_SHARE_HOURS, create_preview_link, revoke_preview_link
from articles.editorial.workflow import add_correction
from articles.models import PreviewLink
from articles.public.previews import render_preview
from articles.roles import PUBLISH_PERMISSION
from articles.states import Status


class SharingMixin(ReleaseViewsBase):
    def release_urls(self):
        return [
            *super().release_urls(),
            self.release_route("<int:pk>/preview/", self.preview_view, "preview"),
            self.release_route("<int:pk>/correct/", self.correction_view, "correct"),
            self.release_route("<int:pk>/share/", self.share_view, "share"),
            self.release_route("<int:pk>/share/<int:link_id>/revoke/", self.revoke_view, "revoke"),
        ]

    def release_page_context(self, request, release):
        publisher = request.user.has_perm(PUBLISH_PERMISSION)
        may_correct = publisher and release.status == Status.PUBLISHED
        return {
            **super().release_page_context(request, release),
            "corrections": release.corrections.all(),
            "correction_form": (
                CorrectionForm(initial={"version": release.lock_version}) if may_correct else None
            ),
            "preview_links": release.preview_links.all() if publisher else (),
            "share_form": ShareLinkForm() if publisher else None,
        }

    def preview_view(self, request, pk):
        return render_preview(request, self.release_or_404(request, pk))

    def share_view(self, request, pk):
        self.require_post(request)
        release = self.release_or_404(request, pk)
        form = ShareLinkForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request,
                f"Give the link a valid lifetime (1–{MAX_SHARE_HOURS} hours).",
                messages.ERROR,
            )
            return self.back_to(release)
        done, link = self.attempt(
            request, PUBLISH_PERMISSION, create_preview_link, release, request.user,
            **form.cleaned_data,
        )  # fmt: skip
        if done:
            url = request.build_absolute_uri(link.url)
            self.message_user(request, f"Share link created: {url}", messages.SUCCESS)
        return self.back_to(release)

    def revoke_view(self, request, pk, link_id):
        self.require_post(request)
        release = self.release_or_404(request, pk)
        link = get_object_or_404(PreviewLink, pk=link_id, release=release)
        done, _ = self.attempt(request, PUBLISH_PERMISSION, revoke_preview_link, link, request.user)
        if done:
            self.message_user(request, "Share link revoked; it now answers 404.", messages.SUCCESS)
        return self.back_to(release)

    def correction_view(self, request, pk):
        self.require_post(request)
        release = self.release_or_404(request, pk)
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Write the correction first.", messages.ERROR)
            return self.back_to(release)
        done, _ = self.attempt(
            request, PUBLISH_PERMISSION, add_correction, release, request.user,
            form.cleaned_data["text"], seen_version=form.cleaned_data["version"],
        )  # fmt: skip
        if done:
            self.message_user(request, "Correction published.", messages.SUCCESS)
        return self.back_to(release)
