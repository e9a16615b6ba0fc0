"""Topics (taggit's tags) in the admin: rename one (its address stays) and describe it; find
those used once or by nothing live, to merge or retire; and the release form's suggestions."""

from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles.editorial.forms import TagMergeForm, TopicForm
from articles.editorial.tags import (
    NEW_TOPIC,
    describe,
    merge_tags,
    name_problem,
    new_topic_names,
    retire_tags,
    slug_variants,
    with_use_counts,
)
from articles.models import Release
from articles.text import xml_safe

admin.site.unregister(Tag)


class UseFilter(admin.SimpleListFilter):
    """Topics worth a look: one release only (a misspelling? merge it), or nothing live."""

    title = "use"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("one", "Used by one release"), ("none-live", "None live")]

    def queryset(self, request, queryset):
        if self.value() == "one":
            return queryset.filter(release_count=1)  # TagAdmin.get_queryset counts them
        if self.value() == "none-live":
            return queryset.exclude(pk__in=Release.objects.live().tags().values("pk"))
        return queryset


class TopicSuggestions(AutocompleteJsonView):
    """The release form's suggestions (Django's autocomplete view, for TopicsWidget): topics
    matching what was typed or nearly duplicating it, most used first, each with its use count,
    then an offer to create what was typed when no topic has its slug."""

    def get_queryset(self):
        return super().get_queryset().order_by("-release_count", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        name = xml_safe(self.term).strip()
        first_page = context["page_obj"].number == 1
        if first_page and name and not name_problem(name) and new_topic_names([name]):
            context["object_list"] = [*context["object_list"], Tag(name=name)]
        return context

    def serialize_result(self, obj, to_field_name):
        # `text` is what the list shows, `name` what the chosen topic shows (topics.js).
        if obj.pk is None:
            text, name = f"Create new topic “{obj.name}”", f"{obj.name} (new)"
            return {"id": NEW_TOPIC + obj.name, "text": text, "name": name}
        return {"id": str(obj.pk), "text": f"{obj.name} ({obj.release_count})", "name": obj.name}


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    """Rename a topic by editing it (its address stays); merge duplicates, or retire topics
    that nothing live carries, with the actions."""

    form = TopicForm
    list_display = ["name", "slug", "release_count", "live_count"]
    list_filter = [UseFilter]
    actions = ["merge_into", "retire"]

    def get_queryset(self, request):
        return with_use_counts(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        # Also the spellings a new topic would nearly duplicate: "hurricanes" finds "Hurricane".
        words = xml_safe(search_term).strip()  # PostgreSQL refuses a NUL in text
        if not words:
            return queryset, False
        return queryset.filter(Q(name__icontains=words) | Q(slug__in=slug_variants(words))), False

    def get_urls(self):
        suggest = self.admin_site.admin_view(self.suggestions_view)
        return [path("suggest/", suggest, name="taggit_tag_suggest"), *super().get_urls()]

    def suggestions_view(self, request):
        return TopicSuggestions.as_view(admin_site=self.admin_site)(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        describe(obj, form.cleaned_data.get("description", ""))

    @admin.display(description="releases", ordering="release_count")
    def release_count(self, tag):
        return tag.release_count

    @admin.display(description="live releases", ordering="live_count")
    def live_count(self, tag):
        return tag.live_count

    @admin.action(description="Merge selected topics into one…", permissions=["change"])
    def merge_into(self, request, queryset):
        form = TagMergeForm(request.POST if "target" in request.POST else None, tags=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = merge_tags(list(queryset), target)
            self.message_user(
                request, f"Merged {merged} topic(s) into “{target.name}”.", messages.SUCCESS
            )
            return redirect(request.get_full_path())
        return render(
            request,
            "admin/taggit/tag/merge.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Merge topics",
                "form": form,
                "tags": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Retire selected topics (none live)", permissions=["change"])
    def retire(self, request, queryset):
        retired, kept = retire_tags([tag.pk for tag in queryset])
        if retired:
            names = ", ".join(f"“{name}”" for name in retired)
            self.message_user(request, f"Retired {names}.", messages.SUCCESS)
        if kept:
            names = ", ".join(f"“{name}”" for name in kept)
            self.message_user(
                request,
                f"Not retired: live releases carry {names}. Merge a topic into another instead.",
                messages.ERROR,
            )
