from django import forms
from django.conf import settings
from django.db.models import Q
from taggit.models import Tag

from articles.models import Release, TopicDescription

ALL, TOPICS = "all", "topics"


def known_language(code):
    """`code` when it names one of the site's languages (settings.LANGUAGES), else the
    site's own: an address's ?language= chooses only among them."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class TopicsForm(forms.Form):
    """Every release, or only those on chosen topics (tags that live releases carry), each
    with its description; and the language to get them in."""

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
    # Each language named in its own words ("Español"): a reader picks the one they read.
    language = forms.ChoiceField(
        label="Language",
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        initial=settings.LANGUAGE_CODE,
        help_text="Releases come in this language when they have an edition in it; the "
        "others in the language they were written in.",
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
    field_order = ["email", "language", "scope", "topics"]
