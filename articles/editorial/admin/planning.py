"""Planned items in the admin: the list and form, the button that opens one as its draft
release (editorial/calendar/planning.py), and the plan shown on that release's page."""

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from articles.editorial.accessibility import native_split_date_time
from articles.editorial.admin.base import ReleaseViewsBase
from articles.editorial.calendar.planning import open_draft
from articles.editorial.forms import WorkflowStepForm
from articles.errors import WorkflowError
from articles.models import Office, PlannedItem
from articles.states import State

# A plan's time fills in the Schedule step only while nothing has been published: afterwards
# the release's own publish time is what counts.
_UNSCHEDULED = {State.DRAFT, State.IN_REVIEW}


@admin.register(PlannedItem)
class PlannedItemAdmin(admin.ModelAdmin):
    list_display = ["title", "planned_time", "owner", "office", "progress"]
    list_select_related = ["owner", "office", "release"]
    list_filter = ["office"]
    search_fields = ["title"]
    date_hierarchy = "at"
    fields = ["title", "at", "owner", "office", "note", "draft", "created", "created_by"]
    readonly_fields = ["draft", "created", "created_by"]
    change_form_template = "admin/articles/planneditem/change_form.html"
    formfield_overrides = {models.DateTimeField: {"widget": native_split_date_time("Planned")}}

    def get_urls(self):
        route = path(
            "<int:pk>/open/", self.admin_site.admin_view(self.open_view),
            name="articles_planneditem_open",
        )  # fmt: skip
        return [route, *super().get_urls()]

    def open_view(self, request, pk):
        """POST: the plan's draft (made once), then its page; refused, the reason here."""
        if request.method != "POST":
            raise Http404("Use the Open button.")
        item = get_object_or_404(PlannedItem, pk=pk)
        try:
            release, made = open_draft(item, request.user)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:articles_planneditem_change", item.pk)
        if made:
            self.message_user(request, "Draft opened from the plan: write it, then submit it.")
        return redirect("admin:articles_release_change", release.pk)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "at" and field is not None:
            field.help_text = f"{db_field.help_text} Office time ({settings.TIME_ZONE})."
        return field

    def get_changeform_initial_data(self, request):
        initial = {"owner": request.user.pk, **super().get_changeform_initial_data(request)}
        office = Office.default()
        if office and "office" not in initial:
            initial["office"] = office.pk
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["may_open"] = request.user.has_perm("articles.add_release")
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.display(description=f"planned time ({settings.TIME_ZONE})", ordering="at")
    def planned_time(self, obj):
        return date_format(timezone.localtime(obj.at), "D j M Y, H:i T")

    @admin.display(description="release")
    def progress(self, obj):
        return obj.release.state_label if obj.release else "Not opened yet"

    @admin.display(description="draft")
    def draft(self, obj):
        if obj is None or obj.release is None:
            return "Not opened yet: the Open button makes its draft."
        url = reverse("admin:articles_release_change", args=[obj.release.pk])
        return format_html('<a href="{}">{}</a> ({})', url, obj.release, obj.release.state_label)


class PlannedReleaseMixin(ReleaseViewsBase):
    """On the page of a release opened from a plan: the planned time, which also fills in the
    Schedule step's time until the release is published."""

    def release_page_context(self, request, release):
        context = super().release_page_context(request, release)
        plan = PlannedItem.objects.filter(release=release).select_related("owner").first()
        if plan is None:
            return context
        context["planned_item"] = plan
        if release.state in _UNSCHEDULED and plan.at > timezone.now() and "step_form" in context:
            context["step_form"] = WorkflowStepForm(
                initial={"version": release.lock_version, "when": timezone.localtime(plan.at)}
            )
        return context
