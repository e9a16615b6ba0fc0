"""Webhook endpoints in the admin, for Administrators (the model's permissions; no other role
holds them). A new endpoint's secret is made here and shown once, on the page the save
answers with; it is kept only encrypted."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from subscriptions.sending import keys
from subscriptions.sending.models import counts_by_status
from subscriptions.webhooks import addresses
from subscriptions.webhooks.models import EventKind, WebhookEndpoint

PUBLIC_EVENTS = [EventKind.PUBLISHED, EventKind.UPDATED, EventKind.CORRECTED,
                 EventKind.WITHDRAWN]  # fmt: skip


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL", max_length=500, assume_scheme="https",
        help_text="The partner's https address; events are POSTed there as signed JSON.",
    )  # fmt: skip
    events = forms.MultipleChoiceField(
        choices=EventKind.choices, initial=PUBLIC_EVENTS, widget=forms.CheckboxSelectMultiple,
        help_text="Events about a release before its minute go only to embargo-trusted "
        "endpoints.",
    )  # fmt: skip

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "active", "embargo_trusted"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            addresses.check(url)
        except addresses.Refused as refused:
            raise ValidationError(str(refused)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["description", "url", "active", "embargo_trusted", "failing_since"]
    list_filter = ["active", "embargo_trusted"]
    search_fields = ["description", "url"]
    readonly_fields = ["secret_note", "failing_since", "failure", "deliveries_so_far"]

    @admin.display(description="signing secret")
    def secret_note(self, endpoint):
        if endpoint.pk is None:
            return "Made when the endpoint is saved, and shown once then."
        return "Shown once, when the endpoint was made; kept only encrypted."

    @admin.display(description="deliveries")
    def deliveries_so_far(self, endpoint):
        if endpoint.pk is None:
            return "—"
        counts = counts_by_status(endpoint.deliveries.all())
        return ", ".join(f"{n} {status}" for status, n in counts.items())

    def save_model(self, request, obj, form, change):
        if not change:
            request._webhook_secret = keys.new_secret()
            obj.secret_encrypted = keys.encrypt(request._webhook_secret)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The secret, once: this answer is the only place it is ever shown."""
        context = {**self.admin_site.each_context(request), "endpoint": obj,
                   "secret": request._webhook_secret, "title": "Webhook endpoint saved",
                   "opts": self.model._meta}  # fmt: skip
        response = TemplateResponse(
            request, "admin/subscriptions/webhookendpoint/secret.html", context
        )
        return never_cache(lambda _request: response)(request)
