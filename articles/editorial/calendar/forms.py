"""The calendar's forms: moving a scheduled release, and a person's feed address."""

from django import forms

TIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class RescheduleForm(forms.Form):
    """A new minute for a scheduled release, in office time, with the version of the release
    the calendar showed and the calendar page to return to. Its inputs are written out in
    templates/admin/calendar/moment.html, one set for each release shown."""

    release = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    when = forms.DateTimeField(input_formats=[TIME_FORMAT])
    back = forms.CharField(required=False, max_length=300)


class FeedForm(forms.Form):
    action = forms.ChoiceField(choices=[("create", "Create"), ("revoke", "Revoke")])
