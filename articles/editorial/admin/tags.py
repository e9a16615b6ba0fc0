"""Tags in the admin: rename one (its address stays) or merge several into one."""

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect, render
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles.editorial.forms import TagMergeForm
from articles.editorial.tags import merge_tags

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
