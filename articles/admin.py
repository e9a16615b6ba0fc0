"""The editors' main tool: releases, offices and social links in the Django admin."""

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from taggit.models import Tag

from articles.models import Office, Release, SocialLink


class StateFilter(admin.SimpleListFilter):
    """The states an editor thinks in; each maps to one ReleaseQuerySet rule."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Live"),
            ("expired", "Expired"),
            ("withdrawn", "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.live()
            case "scheduled":
                return queryset.scheduled()
            case "expired":
                return queryset.expired()
            case "draft" | "review" | "withdrawn" as status:
                return queryset.filter(status=status)
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


def _office_time_note():
    return f"Office time ({settings.TIME_ZONE})."


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "state_display", "publish_time", "kind", "office", "tag_names"]
    list_display_links = ["title"]
    list_filter = [StateFilter, "kind", "office", TagFilter, "featured"]
    list_select_related = ["office"]
    search_fields = ["title", "summary", "body", "release_number"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    list_per_page = 50
    save_on_top = True
    readonly_fields = ["created", "created_by", "updated", "updated_by"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "summary", "dateline", "body", "byline"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "expire_at",
                    "featured",
                    "office",
                    "release_number",
                ]
            },
        ),
        ("Topics", {"fields": ["tags"]}),
        (
            "History",
            {"fields": ["created", "created_by", "updated", "updated_by"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def view_on_site(self, obj):
        # Only a live release has a public page; anything else would be a 404.
        return obj.get_absolute_url() if obj.is_live else None

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        office = Office.default()
        if office and "office" not in initial:
            initial["office"] = office.pk
        return initial

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"publish_at", "expire_at"}:
            field.help_text = f"{db_field.help_text} {_office_time_note()}"
        return field

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="state", ordering="status")
    def state_display(self, obj):
        return obj.state_label

    @admin.display(description=f"publish time ({settings.TIME_ZONE})", ordering="publish_at")
    def publish_time(self, obj):
        if obj.publish_at is None:
            return "—"
        return date_format(timezone.localtime(obj.publish_at), "D j M Y, H:i T")

    @admin.display(description="tags")
    def tag_names(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent_organisation", "contact_name", "contact_email", "is_default"]
    search_fields = ["name", "parent_organisation", "contact_name"]
    fieldsets = [
        (None, {"fields": ["name", "parent_organisation", "is_default"]}),
        ("Media contact", {"fields": ["contact_name", "contact_email", "contact_phone"]}),
    ]


@admin.register(SocialLink)
class SocialLinkAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["platform", "label", "url", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["platform", "active"]
