"""The enrolment-code form (staff/enrolment.py checks the code)."""

from django import forms


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label="Enrolment code",
        max_length=40,
        help_text="The code an administrator gave you, e.g. ABCD-EFGH-JKLM (case and spaces "
        "do not matter).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
