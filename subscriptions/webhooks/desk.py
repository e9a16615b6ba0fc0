"""The desk's alarm for Administrators: webhook endpoints that stopped taking events (the
engine gave up on a delivery to them). Added to the desk in subscriptions/apps.py."""

from django.urls import reverse

from articles.desk import SHORT, Panel, Place, Row
from subscriptions.webhooks.models import WebhookEndpoint


def failing(request, now):
    endpoints = WebhookEndpoint.objects.filter(failing_since__isnull=False, active=True)
    return [
        Row(
            f"Webhook: {endpoint}",
            reverse("admin:subscriptions_webhookendpoint_change", args=[endpoint.pk]),
            endpoint.failing_since,
            endpoint.failure,
            flag="Failing",
        )
        for endpoint in endpoints.order_by("failing_since")[:SHORT]
    ]


PANEL = Panel(
    "webhooks-failing",
    "Webhooks failing",
    failing,
    Place.ALARM,
    "subscriptions.change_webhookendpoint",
    note="A partner's system stopped taking events, and those it refused are not sent again. "
    "Check the address with the partner; the next event it takes clears this.",
    hide_when_empty=True,
)
