"""Redirects in the admin, for Administrators: old addresses and where they lead, with how often
each is followed; one added at a time, or many from a CSV file, checked in a dry run first.

Not django.contrib.redirects: it needs django.contrib.sites, matches the path alone (a legacy
`newsarticle.aspx?id=64105` is told apart by its query), stores a target path that breaks when
the release moves again, would lead to a release that is not live (naming its new address), and
counts nothing. ARCHITECTURE.md says the same.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from articles.editorial.accessibility import AccessibleAdminMixin
from articles.editorial.redirects import (
    MAX_CSV_BYTES,
    RedirectError,
    Target,
    apply,
    find_target,
    old_address,
    plan,
    problem_with,
    read_csv,
    save_redirect,
)
from articles.models import Redirect


class RedirectForm(forms.ModelForm):
    old_address = forms.CharField(
        label="old address",
        max_length=1100,
        help_text="The address readers still follow: a path such as /news/fleet-week.html, with "
        "its query if it has one (/news/newsarticle.aspx?id=64105), or the old site's full URL. "
        "Case and the order of the query's parameters do not matter.",
    )
    new_address = forms.CharField(
        label="new address",
        max_length=1100,
        required=False,
        help_text="Or a page of this site, e.g. /news/tags/energy/. A release's address is "
        "kept as that release, so the redirect follows it if it moves again.",
    )

    class Meta:
        model = Redirect
        fields = ["old_address", "release", "new_address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].help_text = (
            "Leads to this release's page, wherever its address goes; while the release is not "
            "live, the old address answers 404, as the release does."
        )
        if self.instance.pk:
            self.fields["old_address"].disabled = True
            self.initial["old_address"] = self.instance.old_address
            if not self.instance.release_id:
                self.initial["new_address"] = self.instance.new_path

    def clean(self):
        cleaned = super().clean()
        try:
            address = old_address(cleaned.get("old_address") or "")
        except RedirectError as exc:
            self.add_error("old_address", str(exc))
            return cleaned
        release, new = cleaned.get("release"), (cleaned.get("new_address") or "").strip()
        if release and new:
            self.add_error("new_address", "Choose a release or give an address, not both.")
            return cleaned
        try:
            target = Target(release=release) if release else find_target(new)
        except RedirectError as exc:
            self.add_error("new_address", str(exc))
            return cleaned
        if problem := problem_with(address, target, exclude_pk=self.instance.pk):
            self.add_error("old_address" if "address" in problem else "new_address", problem)
        self.address, self.target = address, target
        return cleaned

    def save(self, commit=True):
        self.instance.old_path, self.instance.old_query = self.address
        if commit:
            save_redirect(self.instance, self.target)
        self.save_m2m = lambda: None  # nothing many-to-many
        return self.instance


class RedirectImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One redirect a line: old address, new address (a header line old,new is "
        "allowed). UTF-8, at most 5 MB.",
    )
    dry_run = forms.BooleanField(
        label="Dry run: check every line and write nothing",
        required=False,
        initial=True,
        help_text="Untick to add the redirects, once the dry run shows no problems.",
    )


@admin.register(Redirect)
class RedirectAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    form = RedirectForm
    list_display = ["old_address", "leads_to", "origin", "hits", "last_hit"]
    list_filter = ["origin"]
    list_select_related = ["release"]
    search_fields = ["old_path", "old_query", "new_path", "release__title"]
    autocomplete_fields = ["release"]
    readonly_fields = ["origin", "hits", "last_hit", "created"]
    change_list_template = "admin/articles/redirect/change_list.html"

    def get_fields(self, request, obj=None):
        fields = ["old_address", "release", "new_address"]
        return fields + self.readonly_fields if obj is not None else fields

    @admin.display(description="old address", ordering="old_path")
    def old_address(self, obj):
        return obj.old_address

    @admin.display(description="leads to")
    def leads_to(self, obj):
        if obj.release_id:
            return format_html(
                "{} <span class='help'>({})</span>", obj.release.title, obj.target_url()
            )
        return obj.new_path

    def save_model(self, request, obj, form, change):
        form.save()

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="articles_redirect_import"), *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RedirectImportForm(request.POST or None, request.FILES or None)
        lines, error = None, ""
        if request.method == "POST" and form.is_valid():
            try:
                # One byte past the limit is enough for read_csv to refuse it.
                lines = plan(read_csv(form.cleaned_data["file"].read(MAX_CSV_BYTES + 1)))
                if not form.cleaned_data["dry_run"] and not any(x.problem for x in lines):
                    added = apply(lines)
                    self.message_user(request, f"Added {added} redirect(s).", messages.SUCCESS)
                    return redirect(reverse("admin:articles_redirect_changelist"))
            except RedirectError as exc:
                error = str(exc)
        problems = [line for line in lines or [] if line.problem]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import redirects from a CSV file",
            "form": form,
            "lines": lines,
            "problems": problems,
            "adding": sum(1 for line in lines or [] if line.outcome == "add"),
            "unchanged": sum(1 for line in lines or [] if line.outcome == "unchanged"),
            "error": error,
        }
        status = 400 if request.method == "POST" and (error or problems or form.errors) else 200
        return render(request, "admin/articles/redirect/import.html", context, status=status)
