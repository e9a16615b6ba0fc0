"""The photo library's upload form."""

from django import forms
from django.conf import settings

from articles.models import Image
from articles.photos.uploads import ImageRejected, clean_upload, store_files


class ImageAdminForm(forms.ModelForm):
    """Upload a photo: checked and re-encoded before anything is stored (photos/uploads.py)."""

    upload = forms.FileField(
        label="Photo",
        required=False,
        help_text="JPEG, PNG, WebP or GIF. Location data and other metadata are removed.",
    )

    class Meta:
        model = Image
        fields = ["alt_text", "decorative", "caption", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_image = None
        if self.instance.pk:
            del self.fields["upload"]  # a photo's file never changes: its addresses are cached
        else:
            self.fields["upload"].required = True
            limits = f"At most {settings.IMAGE_MAX_BYTES // (1024 * 1024)} MB and "
            limits += f"{settings.IMAGE_MAX_PIXELS // 1_000_000} megapixels."
            self.fields["upload"].help_text += " " + limits

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                self.clean_image = clean_upload(upload)
            except ImageRejected as error:
                raise forms.ValidationError(str(error), code="image") from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("decorative") and not (cleaned.get("alt_text") or "").strip():
            self.add_error(
                "alt_text",
                "Describe the photo for people who cannot see it, or mark it decorative.",
            )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # Stored once everything else is valid, so a full disk or an unwritable folder is an
        # error on this form, with nothing half-stored, rather than a 500 after validation.
        if self.clean_image is not None and not self.errors:
            try:
                store_files(self.instance, self.clean_image, self.cleaned_data["upload"].name)
            except ImageRejected as error:
                self.add_error("upload", forms.ValidationError(str(error), code="storage"))
