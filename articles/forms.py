"""Forms: the public search form, and the editors' release form in the admin."""

import datetime
from html import escape

from django import forms
from django.conf import settings
from django.forms.renderers import Jinja2
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from articles.archive import local_midnight
from articles.images import ImageRejected, clean_upload
from articles.models import Image, Release
from articles.search import clean_query
from articles.tags import canonical_tag_names


class SinglePassSelect(forms.Select):
    """A <select> written in one pass. Through widget templates, one per <option>, the topic
    list's hundreds of options took 40% of the search page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        # html.escape: Django's escape() goes through keep_lazy, which costs more per call
        # than building the option.
        options = "\n".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{escape(str(text))}</option>"
            for key, text in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>\n{options}\n</select>')


class SearchForm(forms.Form):
    # Django's Jinja2 widget templates, like the page around the form (and faster than
    # rendering the inputs and error lists through Django templates).
    default_renderer = Jinja2()

    q = forms.CharField(label="Search releases", required=False, strip=True)
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *Release.Kind.choices],
        widget=SinglePassSelect,
        error_messages={"invalid_choice": "Choose a type from the list."},
    )
    tag = forms.ChoiceField(
        label="Topic",
        required=False,
        widget=SinglePassSelect,
        error_messages={"invalid_choice": "Choose a topic from the list."},
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any topic")] + [(t.slug, t.name) for t in tags]

    def clean_q(self):
        return clean_query(self.cleaned_data["q"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def has_criteria(self):
        return self.is_valid() and any(self.cleaned_data.values())

    def date_range(self):
        """The chosen days as [start, end) datetimes in office time (None for open ends)."""
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        return (
            local_midnight(start) if start else None,
            local_midnight(end + datetime.timedelta(days=1)) if end and end < end.max else None,
        )


class ReleaseAdminForm(forms.ModelForm):
    """The editors' form: refuses to save over a newer edit, and folds tag spellings together."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Release
        fields = [
            "kind", "title", "slug", "summary", "dateline", "body", "byline", "office",
            "lead_image", "expire_at", "featured", "tags",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.lock_version

    def clean_tags(self):
        return canonical_tag_names(self.cleaned_data.get("tags") or [])

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_lost_update(cleaned.get("loaded_version"))
        # The database constraint says the same, but Django skips model constraints that
        # involve a read-only field (publish_at changes only through workflow steps).
        expire_at = cleaned.get("expire_at", self.instance.expire_at)
        publish_at = self.instance.publish_at
        if expire_at and publish_at and expire_at <= publish_at:
            field = "expire_at" if "expire_at" in self.fields else None
            self.add_error(field, "The expiry time must be after the publish time.")
        return cleaned

    def _refuse_lost_update(self, loaded_version):
        # Locks the row until the admin's transaction ends, so no save slips in between.
        current = (
            Release.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .only("lock_version", "updated", "updated_by__username")
            .get(pk=self.instance.pk)
        )
        if loaded_version is None or loaded_version != current.lock_version:
            who = current.updated_by.get_username() if current.updated_by else "someone"
            when = date_format(timezone.localtime(current.updated), "D j M Y, H:i T")
            raise forms.ValidationError(
                f"{who} saved this release at {when}, after you opened it. Your text is still "
                "below and nothing was saved: copy what you need, open the release again in a "
                "new tab to see their version, and make your changes there.",
                code="stale",
            )


class WorkflowStepForm(forms.Form):
    """One workflow step from the release page: which, an optional note, and a time to schedule."""

    step = forms.CharField()
    note = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    when = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label="Correction", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ShareLinkForm(forms.Form):
    note = forms.CharField(label="For", required=False, max_length=200)
    hours = forms.IntegerField(label="Valid for (hours)", min_value=1, max_value=720, initial=48)


class TagMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=None, label="Keep this tag", help_text="The others are merged into it and deleted."
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags


class ImageAdminForm(forms.ModelForm):
    """Upload a photo: checked and re-encoded before anything is stored (articles/images.py)."""

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
