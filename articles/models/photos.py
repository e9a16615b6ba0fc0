"""The photo library: one row per uploaded photo, served only as re-encoded renditions."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.photos.renditions import (
    rendition_url,
    rendition_widths,
    share_crops,
    standard_width,
)


def new_image_key():
    return secrets.token_hex(16)  # 128 bits: rendition addresses cannot be guessed


class ImageQuerySet(models.QuerySet):
    def by_keys(self, keys):
        """{key: image} for the library keys given; unknown keys are left out."""
        return self.in_bulk(keys, field_name="key")


class Image(models.Model):
    """A photo in the library. Only its re-encoded renditions are ever served."""

    key = models.CharField(max_length=32, unique=True, default=new_image_key, editable=False)
    file = models.FileField(upload_to="images/", editable=False)
    extension = models.CharField(max_length=4, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the photo shows, for people who cannot see it, e.g. “The Secretary "
        "shakes hands with sailors on the deck of a destroyer.” Required unless decorative.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only if the photo adds nothing a reader needs; screen readers skip it.",
    )
    caption = models.TextField(blank=True, help_text="Shown under the photo.")
    credit = models.CharField(max_length=200, blank=True, help_text="e.g. “DoD photo by Jane Doe”.")
    original_filename = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="As uploaded; kept for reference only.",
    )
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decorative=True) | ~Q(alt_text=""),
                name="image_alt_text_or_decorative",
                violation_error_message="Describe the photo in the alt text or mark it decorative.",
            )
        ]

    def __str__(self):
        return self.caption[:60] or self.alt_text[:60] or f"Image {self.key[:8]}"

    @property
    def alt(self):
        return "" if self.decorative else self.alt_text

    def rendition_widths(self):
        return rendition_widths(self.width)

    @property
    def standard_width(self):
        return standard_width(self.rendition_widths())

    def url(self, width=None, extension=None):
        width = width or self.standard_width
        return rendition_url(self.key, width, extension or self.extension)

    def share_urls(self):
        """The 1:1, 4:3 and 16:9 crops that search engines and link previews show."""
        return [rendition_url(self.key, width, self.extension, height)
                for (width, height), _ in share_crops(self.width, self.height)]  # fmt: skip
