"""The editors' forms: a release, a workflow step, a clearance answer, a correction, a share
link, a tag merge."""

from django import forms

from articles.editorial.accessibility import native_split_date_time
from articles.editorial.factcheck import MAX_FACT_CHECK_HOURS
from articles.editorial.previews import MAX_SHARE_HOURS
from articles.editorial.tags import canonical_tag_names
from articles.editorial.workflow import changed_since
from articles.models import Release


class ReleaseAdminForm(forms.ModelForm):
    """The editors' form: refuses to save over a newer edit, and folds tag spellings together."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Release
        fields = [
            "kind", "title", "slug", "summary", "dateline", "body", "byline", "office",
            "lead_image", "expire_at", "featured", "send_alert", "tags",
        ]  # fmt: skip
        widgets = {"expire_at": native_split_date_time("Expiry")}

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
            raise forms.ValidationError(
                f"{changed_since(current)} Your text is still below and nothing was saved: copy "
                "what you need, open the release again in a new tab to see their version, and "
                "make your changes there.",
                code="stale",
            )


class WorkflowStepForm(forms.Form):
    """One workflow step from the release page: which, an optional note, a time to schedule,
    and the version of the release the person saw."""

    step = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    when = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    emergency_reason = forms.CharField(
        label="Reason to publish before clearance is complete",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the correction form on the same page has a version field too.
        super().__init__(*args, auto_id="id_workflow_%s", **kwargs)


class ClearanceAnswerForm(forms.Form):
    """A reviewer's answer: which sign-off (when they may give more than one), Clear or
    Request changes, a note (required to ask for changes), and the version they read."""

    sign_off = forms.ChoiceField(label="Sign-off")
    answer = forms.ChoiceField(choices=[("clear", "Clear"), ("changes", "Request changes")])
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you ask for changes: the writer reads it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, auto_id="id_clearance_%s", **kwargs)
        self.fields["sign_off"].choices = [(self.value_of(place), place.name) for place in places]

    SECOND_READER = "second-reader"  # the one sign-off where no route applies

    @classmethod
    def value_of(cls, place):
        return str(place.required.pk) if place.required else cls.SECOND_READER

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == "changes" and not cleaned.get("note", "").strip():
            self.add_error("note", "Say what needs to change: the writer reads your note.")
        return cleaned


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label="Correction", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Its own ids, so they cannot clash with the step form's on the same page.
        super().__init__(*args, auto_id="id_correction_%s", **kwargs)


class ShareLinkForm(forms.Form):
    """A reviewer's share link: who it is for, and how long it works (its limits are the
    ones workflow.create_preview_link enforces)."""

    note = forms.CharField(
        label="For",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Legal review"}),
    )
    hours = forms.IntegerField(
        label="Valid for (hours)", min_value=1, max_value=MAX_SHARE_HOURS, initial=48
    )

    def __init__(self, *args, **kwargs):
        # Its own ids, so they cannot clash with the release form's on the same page.
        super().__init__(*args, auto_id="id_share_%s", **kwargs)


class TagMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=None, label="Keep this tag", help_text="The others are merged into it and deleted."
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags


class FactCheckRequestForm(forms.Form):
    """A fact check by someone outside the newsroom: who, what to check, which sign-off their
    "Accurate" may give (where the route allows one), and how long the link works."""

    email = forms.EmailField(label="Their e-mail address")
    question = forms.CharField(
        label="What to check", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    sign_off = forms.ChoiceField(label="Their “Accurate” gives", required=False)
    hours = forms.IntegerField(
        label="Link valid for (hours)", min_value=1, max_value=MAX_FACT_CHECK_HOURS, initial=72
    )

    def __init__(self, *args, sign_offs=(), **kwargs):
        super().__init__(*args, auto_id="id_factcheck_%s", **kwargs)
        self.sign_offs = {str(required.pk): required for required in sign_offs}
        self.fields["sign_off"].choices = [("", "No sign-off: their answer is advice")] + [
            (pk, required.name) for pk, required in self.sign_offs.items()
        ]
        if not self.sign_offs:
            del self.fields["sign_off"]
