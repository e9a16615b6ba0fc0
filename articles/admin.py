"""The editors' main tool: releases, offices, social links and tags in the Django admin.

Workflow steps, previews, share links, corrections and revisions have their own admin views in
articles/admin_workflow.py; this module registers the models and shapes the lists and forms.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from reversion.admin import VersionAdmin
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles.admin_workflow import ReleaseWorkflowAdminMixin
from articles.forms import ImageAdminForm, ReleaseAdminForm, TagMergeForm
from articles.images import THUMB_SIZES, photo_html, store_image
from articles.models import Image, Office, Release, SocialLink
from articles.tags import merge_tags
from articles.workflow import PUBLISH_PERMISSION


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


# Changed only through workflow steps; a form that posts them is forged.
WORKFLOW_FIELDS = {"status", "publish_at", "release_number"}
# Publication settings only publishers may change in the form.
PUBLISHER_FIELDS = {"expire_at", "featured"}


def _posted_fields(post):
    """Field names in a POST, with the _0/_1 halves of split date-time inputs folded."""
    return {name.removesuffix("_0").removesuffix("_1") for name in post}


@admin.register(Release)
class ReleaseAdmin(ReleaseWorkflowAdminMixin, VersionAdmin):
    form = ReleaseAdminForm
    list_display = ["title", "state_display", "publish_time", "kind", "office", "tag_names"]
    list_display_links = ["title"]
    list_filter = [StateFilter, "kind", "office", TagFilter, "featured"]
    list_select_related = ["office"]
    search_fields = ["title", "summary", "body", "release_number"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    list_per_page = 50
    save_on_top = True
    history_latest_first = True
    autocomplete_fields = ["lead_image"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "title",
                    "slug",
                    "summary",
                    "dateline",
                    "lead_image",
                    "body",
                    "byline",
                    "loaded_version",
                ]
            },
        ),  # fmt: skip
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
                ],
                "description": "Publish, schedule and withdraw with the buttons at the top of "
                "the page; each step is recorded.",
            },
        ),  # fmt: skip
        ("Topics", {"fields": ["tags"]}),
        (
            "History",
            {"fields": ["created", "created_by", "updated", "updated_by"], "classes": ["collapse"]},
        ),
    ]

    def _locked_fields(self, request):
        """Fields this user may see but never post."""
        if request.user.has_perm(PUBLISH_PERMISSION):
            return WORKFLOW_FIELDS
        return WORKFLOW_FIELDS | PUBLISHER_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return sorted(
            {"created", "created_by", "updated", "updated_by", *self._locked_fields(request)}
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and self._locked_fields(request) & _posted_fields(request.POST):
            raise PermissionDenied("Publication fields change only through workflow steps.")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def has_change_permission(self, request, obj=None):
        # Once a release is cleared (scheduled, live, withdrawn), only publishers change its text:
        # a writer's edit would reach the public without review.
        cleared = obj is not None and obj.status in {
            Release.Status.PUBLISHED,
            Release.Status.WITHDRAWN,
        }
        if cleared and not request.user.has_perm(PUBLISH_PERMISSION):
            return False
        return super().has_change_permission(request, obj)

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
        if db_field.name in {"publish_at", "expire_at"} and field is not None:
            field.help_text = f"{db_field.help_text} Office time ({settings.TIME_ZONE})."
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


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The photo library: upload once, use in many releases."""

    form = ImageAdminForm
    list_display = ["thumbnail", "caption_text", "credit", "alt_text", "used_in", "created"]
    list_display_links = ["thumbnail", "caption_text"]
    search_fields = ["caption", "credit", "alt_text"]
    list_filter = ["decorative"]
    list_per_page = 40

    def get_queryset(self, request):
        images = super().get_queryset(request).annotate(lead_count=Count("lead_for"))
        return images.order_by("-created", "-id")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "alt_text", "decorative", "caption", "credit"]
        return ["preview", "embed_address", "alt_text", "decorative", "caption", "credit",
                "size", "original_filename", "where_used"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["preview", "embed_address", "size", "original_filename", "where_used"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            store_image(obj, form.clean_image, form.cleaned_data["upload"].name)
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description="photo")
    def thumbnail(self, image):
        return photo_html(image, THUMB_SIZES, lazy=True)

    @admin.display(description="preview")
    def preview(self, image):
        return photo_html(image, "(min-width: 60rem) 40rem, 100vw", lazy=False)

    @admin.display(description="caption", ordering="caption")
    def caption_text(self, image):
        return image.caption[:80] or "—"

    @admin.display(description="address to embed in a release body")
    def embed_address(self, image):
        return image.url()

    @admin.display(description="size")
    def size(self, image):
        return f"{image.width} × {image.height} pixels"

    @admin.display(description="lead photo of", ordering="lead_count")
    def used_in(self, image):
        return f"{image.lead_count} release{'s' if image.lead_count != 1 else ''}"

    @admin.display(description="used in")
    def where_used(self, image):
        releases = Release.objects.filter(Q(lead_image=image) | Q(body__contains=image.key))
        links = [
            (reverse("admin:articles_release_change", args=[r.pk]), r.title, r.state_label)
            for r in releases.order_by("-updated")[:50]
        ]
        if not links:
            return "Not used yet."
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a> ({})', links)


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    """Rename a tag by editing it (its address stays); merge duplicates with the action."""

    list_display = ["name", "slug", "release_count"]
    actions = ["merge_into"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(release_count=Count("taggit_taggeditem_items"))
        )

    @admin.display(description="releases", ordering="release_count")
    def release_count(self, tag):
        return tag.release_count

    @admin.action(description="Merge selected tags into one…", permissions=["change"])
    def merge_into(self, request, queryset):
        form = TagMergeForm(request.POST if "target" in request.POST else None, tags=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = merge_tags(list(queryset), target)
            self.message_user(
                request, f"Merged {merged} tag(s) into “{target.name}”.", messages.SUCCESS
            )
            return redirect(request.get_full_path())
        return render(
            request,
            "admin/taggit/tag/merge.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Merge tags",
                "form": form,
                "tags": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
