"""The public search form: every input is optional, and bad input is a message, not an error."""

import datetime

from django import forms

from articles.archive import local_midnight
from articles.models import Release
from articles.search import clean_query


class SearchForm(forms.Form):
    q = forms.CharField(label="Search releases", required=False, strip=True)
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *Release.Kind.choices],
        error_messages={"invalid_choice": "Choose a type from the list."},
    )
    tag = forms.ChoiceField(
        label="Topic",
        required=False,
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
