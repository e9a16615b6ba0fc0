"""The public search form."""

import datetime
from html import escape

from django import forms
from django.forms.renderers import Jinja2
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles.models import Release
from articles.public.archive import local_midnight
from articles.public.search import clean_query


class SinglePassSelect(forms.Select):
    """A <select> written in one pass. Through widget templates, each of the topic list's options
    is a template rendered of its own, and the list grows with every topic (candidates.json in
    bench/results/ times the form both ways)."""

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

    q = forms.CharField(label=_("Search releases"), required=False, strip=True)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Any type")), *Release.Kind.choices],
        widget=SinglePassSelect,
        error_messages={"invalid_choice": _("Choose a type from the list.")},
    )
    tag = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        widget=SinglePassSelect,
        error_messages={"invalid_choice": _("Choose a topic from the list.")},
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Any topic")), *((t.slug, t.name) for t in tags)]

    def clean_q(self):
        return clean_query(self.cleaned_data["q"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
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
