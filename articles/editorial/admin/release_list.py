"""The release list: its columns and its filters."""

from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from taggit.models import Tag

from articles.editorial.admin.clearance import WaitingForMyClearance
from articles.states import State, Status


class StateFilter(admin.SimpleListFilter):
    """The states an editor thinks in, each the visibility rule's filter for it."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset.exclude(status=Status.DELETED)  # deleted ones only when asked for


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = (
            Tag.objects.filter(release__isnull=False).annotate(n=Count("release")).order_by("name")
        )
        return [(tag.slug, f"{tag.name} ({tag.n})") for tag in tags]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


class ReleaseListMixin:
    """The columns an editor needs on a laptop's width, and the filters beside them."""

    change_list_template = "admin/articles/release/change_list.html"
    list_display = ["title", "state_display", "publish_time", "kind", "office", "tag_names"]
    list_display_links = ["title"]
    list_select_related = ["office"]
    search_fields = ["title", "summary", "body", "release_number"]
    date_hierarchy = "publish_at"
    list_per_page = 50

    list_filter = [
        StateFilter, WaitingForMyClearance, "kind", "office", TagFilter,
        "featured",
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def changelist_view(self, request, extra_context=None):
        context = {
            "time_zone": settings.TIME_ZONE,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    @admin.display(description="state", ordering="status")
    def state_display(self, obj):
        """The state in words on a chip (its colour only repeats them); a scheduled release
        says when it goes out."""
        state = obj.state
        if state == State.SCHEDULED and obj.publish_at:
            when = date_format(timezone.localtime(obj.publish_at), "D j M, H:i")
            return format_html(
                '<span class="state-chip state-{}"><span class="nowrap">{} —</span> '
                '<span class="nowrap">{}</span></span>',
                state.value, state.label, when,
            )  # fmt: skip
        return format_html('<span class="state-chip state-{}">{}</span>', state.value, state.label)

    @admin.display(description="publish time", ordering="publish_at")
    def publish_time(self, obj):
        if obj.publish_at is None:
            return "—"
        # Two lines at most, the date on the first: never a year or a zone on a line of its own.
        local = timezone.localtime(obj.publish_at)
        return format_html(
            '<span class="nowrap">{},</span> <span class="nowrap">{}</span>',
            date_format(local, "D j M Y"), date_format(local, "H:i T"),
        )  # fmt: skip

    @admin.display(description="tags")
    def tag_names(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())
