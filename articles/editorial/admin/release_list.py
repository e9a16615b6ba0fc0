"""The release list: its columns, its filters, and the saved views an editor opens every day.
Where the site publishes in several languages, a column and a filter say each release's.

A saved view is a list filter ("?view=mine"), so each is bookmarkable and combines with the
others; the same views are links above the list. Each is one queryset filter, never a loop over
rows: the list runs a fixed number of queries however many releases it holds.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from taggit.models import Tag

from articles.editorial.admin.clearance import WaitingForMyClearance
from articles.editorial.editions import staff_language_name
from articles.models import Correction
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


class LanguageFilter(admin.SimpleListFilter):
    """Originals and editions in one language (listed only where the site has several)."""

    title = "language"
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return [(code, staff_language_name(code)) for code, _ in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.in_language(self.value())
        return queryset


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


def week_ahead_ends(now):
    """Midnight, office time, at the end of the seventh day counted from today: "this week" is
    today and the six days after it, whatever the clocks do in between."""
    office = timezone.get_default_timezone()
    last_day = now.astimezone(office).date() + datetime.timedelta(days=7)
    return datetime.datetime.combine(last_day, datetime.time.min, tzinfo=office)


def _mine(rows, user, now):
    # Whoever created it or changed its text last: the people clearance calls its writers.
    return rows.filter(Q(created_by=user) | Q(text_changed_by=user))


def _waiting_for_clearance(rows, user, now):
    return rows.in_state(State.IN_REVIEW, now)


def _scheduled_this_week(rows, user, now):
    return rows.in_state(State.SCHEDULED, now).filter(publish_at__lt=week_ahead_ends(now))


def _live_with_corrections(rows, user, now):
    return rows.in_state(State.LIVE, now).filter(
        Exists(Correction.objects.filter(release=OuterRef("pk")))
    )


@dataclass(frozen=True)
class SavedView:
    label: str
    rows: Callable  # (releases, user, now) -> those of them in the view


# Their names are the addresses' (?view=mine): renaming one breaks editors' bookmarks.
SAVED_VIEWS = {
    "mine": SavedView("Mine", _mine),
    "clearance": SavedView("Waiting for clearance", _waiting_for_clearance),
    "week": SavedView("Scheduled this week", _scheduled_this_week),
    "corrected": SavedView("Live with corrections", _live_with_corrections),
}


class SavedViewFilter(admin.SimpleListFilter):
    title = "saved view"
    parameter_name = "view"

    def lookups(self, request, model_admin):
        return [(name, view.label) for name, view in SAVED_VIEWS.items()]

    def queryset(self, request, queryset):
        view = SAVED_VIEWS.get(self.value())
        return view.rows(queryset, request.user, timezone.now()) if view else queryset


def saved_view_links(request):
    """The links above the list: each view on its own, as a bookmark opens it."""
    chosen = request.GET.get(SavedViewFilter.parameter_name)
    return [
        {"label": view.label, "query": f"?{SavedViewFilter.parameter_name}={name}",
         "current": name == chosen}
        for name, view in SAVED_VIEWS.items()
    ]  # fmt: skip


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
        SavedViewFilter, StateFilter, WaitingForMyClearance, "kind", "office", TagFilter,
        "featured",
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if len(settings.LANGUAGES) > 1:
            shown.insert(shown.index("title") + 1, "language_display")
        return shown

    def get_list_filter(self, request):
        shown = list(super().get_list_filter(request))
        if len(settings.LANGUAGES) > 1:
            shown.insert(shown.index(StateFilter) + 1, LanguageFilter)
        return shown

    def changelist_view(self, request, extra_context=None):
        context = {
            "saved_views": saved_view_links(request),
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

    # Its code, to leave the headline and the tags their width on a laptop; a screen reader
    # reads the name.
    @admin.display(description="lang.", ordering="language")
    def language_display(self, obj):
        return format_html(
            '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
            obj.language.upper(), staff_language_name(obj.language),
        )  # fmt: skip

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
