"""The release page's workflow buttons and the change list's bulk actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from articles.editorial.admin.base import ReleaseViewsBase
from articles.editorial.forms import WorkflowStepForm
from articles.editorial.workflow import (
    PUBLISH_PERMISSION,
    STEPS,
    WorkflowError,
    available_steps,
    take_step,
)


class WorkflowStepsMixin(ReleaseViewsBase):
    actions = ["submit_selected", "publish_selected", "withdraw_selected", "draft_selected"]

    def release_urls(self):
        return [
            *super().release_urls(),
            self.release_route("<int:pk>/workflow/", self.workflow_view, "workflow"),
        ]

    def release_page_context(self, request, release):
        return {
            **super().release_page_context(request, release),
            "workflow_steps": available_steps(release, request.user),
            "step_form": WorkflowStepForm(initial={"version": release.lock_version}),
            "audit_entries": release.audit_entries.select_related("user")[:50],
        }

    def workflow_view(self, request, pk):
        self.require_post(request)
        release = self.release_or_404(request, pk)
        asked = STEPS.get(request.POST.get("step", ""))
        if asked is not None and not request.user.has_perm(asked.permission):
            raise PermissionDenied(f"You do not have permission to {asked.label.lower()}.")
        form = WorkflowStepForm(request.POST)
        if not form.is_valid():
            for name, errors in form.errors.items():
                if name == "version":  # only a page from before this field existed lacks it
                    errors = ["Reload the release and try again."]
                self.message_user(request, " ".join(errors), messages.ERROR)
            return self.back_to(release)
        data = form.cleaned_data
        step = STEPS.get(data["step"])
        if step is None:
            self.message_user(request, f"Unknown step “{data['step']}”.", messages.ERROR)
            return self.back_to(release)
        done, _ = self.attempt(
            request, step.permission, take_step, release, data["step"], request.user,
            note=data["note"], when=data["when"], seen_version=data["version"],
            emergency_reason=data["emergency_reason"],
        )  # fmt: skip
        if not done:
            return self.back_to(release)
        release.refresh_from_db()
        self.message_user(request, f"{step.label}: the release is now {release.state_label}.")
        return self.back_to(release)

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
