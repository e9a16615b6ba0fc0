"""The editors' forms: a release (with its topics), a workflow step, a clearance answer, a
correction, a share link, a topic and a topic merge."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from taggit.models import Tag

from articles.editorial.accessibility import KeyedAutocompleteMixin, is_key, native_split_date_time
from articles.editorial.factcheck import MAX_FACT_CHECK_HOURS
from articles.editorial.previews import MAX_SHARE_HOURS
from articles.editorial.tags import (
    NEW_TOPIC,
    canonical_tag_names,
    name_problem,
    near_duplicates,
    new_topic_names,
    split_names,
)
from articles.editorial.workflow import changed_since
from articles.models import Release, TopicDescription

# The release form's topic fields, in the order the form shows them.
TOPIC_FIELDS = ["tags", "new_tags", "confirm_new_tags"]
# Its inputs with no stored value to show.
INPUT_ONLY_FIELDS = {"loaded_version", "new_tags", "confirm_new_tags"}


def fieldsets_for(fieldsets, editable):
    """The release form's fieldsets as a page shows them: a page that only shows a release has
    no inputs without a stored value ("New topics")."""
    if editable:
        return fieldsets
    return [
        (name, {**options, "fields": [f for f in options["fields"] if f not in INPUT_ONLY_FIELDS]})
        for name, options in fieldsets
    ]


class TopicsWidget(KeyedAutocompleteMixin, AutocompleteSelectMultiple):
    """Django's admin autocomplete (select2, bundled with the admin) asking the topic admin's
    suggestions view (editorial/admin/tags.py), started by static/admin_extra/topics.js so that a
    chosen topic shows its name where the suggestion showed its use count. Without JavaScript it
    is a plain list of the chosen topics; "New topics" adds more."""

    url_name = "%s:taggit_tag_suggest"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "topics-autocomplete")
        attrs["data-placeholder"] = "Type to find a topic"
        # No "clear all" cross: select2 puts it in the list of chosen topics as a bare <span>,
        # which is no list item (axe); each topic's own cross takes it off.
        attrs["data-allow-clear"] = "false"
        return attrs

    def optgroups(self, name, value, attr=None):
        existing = [v for v in value if not v.startswith(NEW_TOPIC)]
        groups = super().optgroups(name, existing, attr)
        options = groups[0][1]
        for new in (v for v in value if v.startswith(NEW_TOPIC)):
            label = f"{new.removeprefix(NEW_TOPIC)} (new)"
            options.append(self.create_option(name, new, label, True, len(options)))
        return groups

    @property
    def media(self):
        return super().media + forms.Media(js=["admin_extra/topics.js"])


class TopicsField(forms.ModelMultipleChoiceField):
    """Topics by pk, and topics to create as "new:<name>"; cleans to (tags, new names)."""

    default_error_messages = {
        "invalid_choice": "A topic chosen here was merged or retired after the page was "
        "opened: choose the topics again.",
        # Not a topic's number (the list only ever sends those): a post made by hand.
        "invalid_pk_value": "Choose topics from the list.",
    }

    def __init__(self, **kwargs):
        widget = TopicsWidget(Release._meta.get_field("tags"), admin.site)
        super().__init__(Tag.objects.all(), widget=widget, **kwargs)

    def clean(self, value):
        values = [v.strip() for v in value or [] if v.strip()]
        new = [v.removeprefix(NEW_TOPIC).strip() for v in values if v.startswith(NEW_TOPIC)]
        existing = [v for v in values if not v.startswith(NEW_TOPIC)]
        if not all(is_key(Tag._meta.pk, v) for v in existing):
            raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid")
        chosen = super().clean(existing)
        problems = [problem for name in new if (problem := name_problem(name))]
        if problems:
            raise forms.ValidationError(problems)
        return list(chosen), [name for name in new if name]


class ConfirmationsField(forms.MultipleChoiceField):
    """The boxes ticked to confirm new topics. Each box names its topic, so a box ticked for
    one name never confirms another; a box left from an earlier page is simply not counted."""

    def validate(self, value):
        pass


class ReleaseAdminForm(forms.ModelForm):
    """The editors' form: refuses to save over a newer edit, and takes topics that exist
    (whatever their case or accents) and new ones only once confirmed."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tags = TopicsField(
        label="Topics",
        required=False,
        help_text="Type a few letters to find a topic; the number is how many releases carry "
        "it. A topic that does not exist yet is made only when you choose “Create new topic”.",
    )
    new_tags = forms.CharField(
        label="New topics",
        required=False,
        max_length=1000,
        help_text="Or type topics here, separated by commas. An existing topic is used as it "
        "is; a new one is made only once you confirm it.",
    )
    confirm_new_tags = ConfirmationsField(
        label="Confirm new topics",
        required=False,
        # The admin's class for a list of choices beside its label (forms.css).
        widget=forms.CheckboxSelectMultiple(attrs={"class": "radiolist"}),
    )

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
        self._offer_confirmations()

    def _offer_confirmations(self):
        """A box for each typed name that is not a topic yet, and for each topic it nearly
        duplicates; none (and no field shown) until a name needs one."""
        typed = split_names(self.data.get(self.add_prefix("new_tags"), "")) if self.is_bound else []
        self.new_names = [name for name in new_topic_names(typed) if not name_problem(name)]
        self.similar = near_duplicates(self.new_names)
        choices = []
        for name in self.new_names:
            choices.append((NEW_TOPIC + name, f"Yes, create new topic “{name}”"))
            for tag in self.similar[name]:
                uses = f"{tag.release_count} release{'s' if tag.release_count != 1 else ''}"
                choices.append((str(tag.pk), f"No, use “{tag.name}” ({uses}) instead of “{name}”"))
        field = self.fields["confirm_new_tags"]
        field.choices = choices
        if not choices:
            field.widget = forms.MultipleHiddenInput()

    def _clean_topics(self, cleaned):
        """The topics to store: those chosen, those typed that exist, and new ones confirmed
        (by choosing "Create new topic" or ticking its box); a new one unconfirmed is an
        error, naming any topic it nearly duplicates."""
        chosen, created = cleaned["tags"]
        names = [tag.name for tag in chosen] + created
        typed = split_names(cleaned.get("new_tags", ""))
        # A name typed and also chosen as "Create new topic" is confirmed once already.
        ticked = {*cleaned.get("confirm_new_tags", []), *(NEW_TOPIC + name for name in created)}
        for name in typed:
            if problem := name_problem(name):
                self.add_error("new_tags", problem)
            elif name not in self.new_names:
                names.append(name)  # an existing topic, in any case or accents
            else:
                names += self._confirmed(name, ticked)
        cleaned["tags"] = canonical_tag_names(names)

    def _confirmed(self, name, ticked):
        """What the boxes ticked for the new name `name` say to store: it, a similar topic
        instead, or (an error) nothing yet."""
        instead = [tag.name for tag in self.similar[name] if str(tag.pk) in ticked]
        chosen = instead + ([name] if NEW_TOPIC + name in ticked else [])
        if not chosen:
            similar = ", ".join(f"“{tag.name}”" for tag in self.similar[name])
            hint = f" A similar topic exists: {similar}." if similar else ""
            self.add_error(
                "new_tags",
                f"“{name}” is not a topic yet.{hint} Tick a box under “Confirm new topics”.",
            )
        return chosen

    def clean(self):
        cleaned = super().clean()
        if "tags" in cleaned:
            self._clean_topics(cleaned)
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


class TopicForm(forms.ModelForm):
    """A topic in the admin: its name, its address (slug, kept when it is renamed), and what it
    tells readers about itself."""

    description = forms.CharField(
        label="Description",
        required=False,
        max_length=TopicDescription._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=TopicDescription._meta.get_field("text").help_text,
    )

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["description"].initial = TopicDescription.text_of(self.instance)


class TagMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=None,
        label="Keep this topic",
        help_text="The others are merged into it and deleted.",
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
