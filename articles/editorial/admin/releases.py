"""The editors' main tool, the release admin: the release form here, and the release list
(columns, filters, saved views) from release_list.py beside this file.

Workflow steps, clearance, editions, previews, share links, corrections and revisions add their
own views to the release page: see steps.py, clearance.py, editions.py, sharing.py and
revisions.py beside this file.
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F
from js_asset.media import Media
from reversion.admin import VersionAdmin

from articles import release_inlines
from articles.editorial.accessibility import AccessibleAdminMixin
from articles.editorial.admin.clearance import ClearanceMixin
from articles.editorial.admin.editions import EditionsMixin, protected_editions
from articles.editorial.admin.planning import PlannedReleaseMixin
from articles.editorial.admin.release_list import ReleaseListMixin
from articles.editorial.admin.revisions import RevisionsMixin
from articles.editorial.admin.sharing import SharingMixin
from articles.editorial.admin.steps import WorkflowStepsMixin
from articles.editorial.forms import TOPIC_FIELDS, ReleaseAdminForm, fieldsets_for
from articles.editorial.workflow import (
    PUBLISH_PERMISSION,
    PUBLISHER_FIELDS,
    WORKFLOW_FIELDS,
    take_step,
)
from articles.models import Office, Release
from articles.states import Status


def _posted_fields(post):
    """Field names in a POST, with the _0/_1 halves of split date-time inputs folded."""
    return {name.removesuffix("_0").removesuffix("_1") for name in post}


STEPS_HELP = (
    "Publish, schedule and withdraw with the buttons at the top of the page; each step is recorded."
)
# On the Add page there are no buttons yet: they come with the first save.
FIRST_SAVE_HELP = (
    "A new release is saved as a draft that readers cannot see. Once it is saved, buttons at "
    "the top of the page send it for review, publish it now or schedule it for a later minute; "
    "each step is recorded."
)


@admin.register(Release)
class ReleaseAdmin(
    ReleaseListMixin,
    AccessibleAdminMixin,
    PlannedReleaseMixin,  # before the steps: a plan's time fills in the Schedule step's
    WorkflowStepsMixin,
    EditionsMixin,
    ClearanceMixin,
    SharingMixin,
    RevisionsMixin,
    VersionAdmin,
):
    form = ReleaseAdminForm
    prepopulated_fields = {"slug": ["title"]}
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
                    "send_alert",
                    "office",
                    "release_number",
                ],
                "description": STEPS_HELP,
            },
        ),  # fmt: skip
        ("Topics", {"fields": TOPIC_FIELDS}),
        (
            "History",
            {"fields": ["created", "created_by", "updated", "updated_by"], "classes": ["collapse"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return fieldsets_for(self.fieldsets, editable=self.has_change_permission(request, obj))
        return [
            (name, {**options, "description": FIRST_SAVE_HELP})
            if options.get("description") == STEPS_HELP
            else (name, options)
            for name, options in self.fieldsets
        ]

    def get_inlines(self, request, obj):
        # Other rooms' inlines (the social posts) belong to a saved release only.
        extra = release_inlines.inlines() if obj is not None else []
        return [*super().get_inlines(request, obj), *extra]

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

    def render_change_form(self, request, context, *args, **kwargs):
        # The editor's inline import map runs under the staff CSP only with this nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Once a release is cleared (scheduled, live, withdrawn), only publishers change its text:
        # a writer's edit would reach the public without review. A deleted one is recovered
        # first, as a draft.
        if obj is not None and obj.status == Status.DELETED:
            return False
        cleared = obj is not None and obj.status in {Status.PUBLISHED, Status.WITHDRAWN}
        if cleared and not request.user.has_perm(PUBLISH_PERMISSION):
            return False
        return super().has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.DELETED:
            return self.has_delete_permission(request)
        return super().has_view_permission(request, obj)

    # Deleting is the workflow's "delete" step: the release and its record stay, hidden.

    def delete_model(self, request, obj):
        if obj.status != Status.DELETED:  # deleting twice changes nothing
            take_step(obj, "delete", request.user)

    def delete_queryset(self, request, queryset):
        # Editions before their originals: an original goes only once its editions have.
        chosen = queryset.exclude(status=Status.DELETED)
        for release in chosen.order_by(F("original_id").asc(nulls_last=True), "pk"):
            take_step(release, "delete", request.user)

    def get_deleted_objects(self, objs, request):
        # Nothing but the releases themselves goes: say so on the confirmation page. An original
        # whose editions stay is refused there, naming them (Django's "protected" objects).
        objs = list(objs)
        protected = protected_editions(objs)
        return [str(obj) for obj in objs], {"releases": len(objs)}, set(), protected

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
