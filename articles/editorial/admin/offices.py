"""Offices and the site's social accounts in the admin."""

from django.contrib import admin
from django.db import models

from articles.models import Office, SocialLink


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
