"""Clearance in the admin: the release page's Clearance panel and its answer form, the release
list's "Waiting for my clearance" filter, and the routes an Administrator defines."""

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import get_object_or_404

from articles.editorial import clearance
from articles.editorial.accessibility import AccessibleAdminMixin
from articles.editorial.admin.base import ReleaseViewsBase
from articles.editorial.factcheck import outside_sign_offs, request_fact_check, revoke_fact_check
from articles.editorial.forms import ClearanceAnswerForm, FactCheckRequestForm
from articles.editorial.workflow import clear, take_step
from articles.models import ClearanceRoute, RequiredSignOff, SignOff
from articles.roles import CLEAR_PERMISSION, PUBLISH_PERMISSION
from articles.states import TAKEN_DOWN


class ClearanceMixin(ReleaseViewsBase):
    def release_urls(self):
        return [
            *super().release_urls(),
            self.release_route("<int:pk>/clearance/", self.clearance_view, "clearance"),
            self.release_route("<int:pk>/fact-check/", self.fact_check_view, "fact_check"),
            self.release_route(
                "<int:pk>/fact-check/<int:check_id>/revoke/", self.revoke_check_view,
                "fact_check_revoke",
            ),
        ]  # fmt: skip

    def release_page_context(self, request, release):
        places = clearance.standing(release)
        answerable = clearance.answerable(release, request.user)
        missing = [place for place in places if not place.holds]
        latest = release.sign_offs.select_related("user").order_by("-at", "-id").first()
        return {
            **super().release_page_context(request, release),
            "clearance_places": places,
            "clearance_route": clearance.route_for(release),
            "clearance_missing": missing,
            "clearance_form": (
                ClearanceAnswerForm(places=answerable, initial={"version": release.lock_version})
                if answerable
                else None
            ),
            "clearance_voided": release.sign_offs.filter(voided_at__isnull=False)
            .select_related("user", "voided_by")
            .order_by("-voided_at")[:20],
            # What the writer must act on: the last answer, while it sent the release back.
            "changes_requested": latest
            if latest and latest.decision == SignOff.Decision.CHANGES and release.state == "draft"
            else None,
            "clearance_answers": release.sign_offs.select_related("user").order_by("-at")[:50],
            "fact_checks": release.fact_checks.select_related("created_by")[:20],
            "fact_check_form": (
                FactCheckRequestForm(sign_offs=outside_sign_offs(release))
                if request.user.has_perm(PUBLISH_PERMISSION) and release.state not in TAKEN_DOWN
                else None
            ),
            "may_publish_uncleared": bool(missing)
            and clearance.may_publish_uncleared(request.user, release),
        }

    def clearance_view(self, request, pk):
        self.require_post(request)
        release = self.release_or_404(request, pk)
        places = clearance.answerable(release, request.user)
        form = ClearanceAnswerForm(request.POST, places=places)
        if not form.is_valid():
            for errors in form.errors.values():
                self.message_user(request, " ".join(errors), messages.ERROR)
            if not places:
                self.message_user(
                    request, "No sign-off of this release is waiting for you.", messages.ERROR
                )
            return self.back_to(release)
        data = form.cleaned_data
        place = next(p for p in places if form.value_of(p) == data["sign_off"])
        if data["answer"] == "clear":
            done, _ = self.attempt(
                request, CLEAR_PERMISSION, clear, release, request.user, place.required,
                note=data["note"], seen_version=data["version"],
            )  # fmt: skip
            if done:
                self.message_user(request, f"{place.name}: cleared this version.")
        else:
            done, _ = self.attempt(
                request, CLEAR_PERMISSION, take_step, release, "request_changes", request.user,
                note=data["note"], seen_version=data["version"], sign_off=place.required,
            )  # fmt: skip
            if done:
                self.message_user(request, f"{place.name}: changes requested; back to its writer.")
        return self.back_to(release)

    def fact_check_view(self, request, pk):
        self.require_post(request)
        release = self.release_or_404(request, pk)
        form = FactCheckRequestForm(request.POST, sign_offs=outside_sign_offs(release))
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else "Fact check"
                self.message_user(request, f"{label}: {' '.join(errors)}", messages.ERROR)
            return self.back_to(release)
        data = form.cleaned_data
        done, check = self.attempt(
            request, PUBLISH_PERMISSION, request_fact_check, release, request.user,
            data["email"], question=data["question"], hours=data["hours"],
            required=form.sign_offs.get(data.get("sign_off") or ""),
        )  # fmt: skip
        if done:
            self.message_user(request, f"A fact-check link is on its way to {check.email}.")
        return self.back_to(release)

    def revoke_check_view(self, request, pk, check_id):
        self.require_post(request)
        release = self.release_or_404(request, pk)
        check = get_object_or_404(release.fact_checks, pk=check_id)
        done, _ = self.attempt(request, PUBLISH_PERMISSION, revoke_fact_check, check, request.user)
        if done:
            self.message_user(request, f"The fact-check link sent to {check.email} is revoked.")
        return self.back_to(release)


class WaitingForMyClearance(admin.SimpleListFilter):
    title = "clearance"
    parameter_name = "clearance"

    def lookups(self, request, model_admin):
        if not request.user.has_perm(CLEAR_PERMISSION):
            return []
        return [("mine", "Waiting for my clearance"), ("after", "Published before clearance")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(pk__in=clearance.waiting_for(request.user).values("pk"))
        if self.value() == "after":
            return queryset.filter(published_without_clearance=True)
        return queryset


class RequiredSignOffInline(admin.StackedInline):
    # Every field keeps its own label and the page needs no script (the tabular inline's fields
    # have no labels; the stacked one's group has no legend).
    model = RequiredSignOff
    template = "admin/edit_inline/labelled.html"
    extra = 2
    fields = ["stage", "name", "group", "people", "due_hours", "outside_answer_counts"]


@admin.register(ClearanceRoute)
class ClearanceRouteAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "office", "sign_off_count", "publishers_may_override", "active"]
    list_filter = ["kind", "active"]
    inlines = [RequiredSignOffInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(sign_off_total=Count("required"))

    @admin.display(description="sign-offs", ordering="sign_off_total")
    def sign_off_count(self, obj):
        return obj.sign_off_total


@admin.register(SignOff)
class SignOffAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    """The clearance trail, read-only: who answered which version, when, with what note."""

    list_display = ["release", "name", "decision", "user", "at", "version", "voided_at"]
    list_filter = ["decision", "name"]
    search_fields = ["release__title", "name", "note"]
    list_select_related = ["release", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
