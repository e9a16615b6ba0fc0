"""The photo library in the admin: upload once, with alt text, caption and credit; see where
each photo is used."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from articles.models import Image, Release
from articles.photos.forms import ImageAdminForm
from articles.photos.markup import THUMB_SIZES, photo_html


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
            obj.created_by = request.user  # its files were stored when the form was validated
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
        count = image.lead_count
        return ngettext("%(count)d release", "%(count)d releases", count) % {"count": count}

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
