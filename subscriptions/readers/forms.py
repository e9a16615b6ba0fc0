from django import forms
from django.db.models import Q
from taggit.models import Tag

from articles.models import Release, TopicDescription

ALL, TOPICS = "all", "topics"


class TopicsForm(forms.Form):
    """Every release, or only those on chosen topics (tags that live releases carry), each
    with its description."""

    scope = forms.ChoiceField(
        label="Send me",
        choices=[(ALL, "Every release"), (TOPICS, "Only releases on the topics I choose")],
        widget=forms.RadioSelect,
        initial=ALL,
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics",
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A topic stays on offer to someone who follows it, even when nothing live carries it.
        live = Release.objects.live().tags()
        offered = Q(pk__in=live.values("pk")) | Q(pk__in=[tag.pk for tag in keep])
        topics = Tag.objects.filter(offered).select_related("description").order_by("name")
        self.fields["topics"].queryset = topics

    def description_of(self, choice):
        """What the topic of one of the `topics` checkboxes says about itself, or ""."""
        return TopicDescription.text_of(choice.data["value"].instance)

    def clean(self):
        data = super().clean()
        if data.get("scope") == TOPICS and not data.get("topics"):
            self.add_error("topics", "Choose at least one topic, or choose every release.")
        return data

    @property
    def all_releases(self):
        return self.cleaned_data["scope"] == ALL

    @property
    def chosen_topics(self):
        return [] if self.all_releases else list(self.cleaned_data["topics"])


class SubscribeForm(TopicsForm):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "scope", "topics"]
