"""Encrypt every webhook secret again under the first of WEBHOOK_SECRET_KEYS, so an older key
can then be dropped from the list."""

from django.core.management.base import BaseCommand

from subscriptions.webhooks import keys
from subscriptions.webhooks.models import WebhookEndpoint


class Command(BaseCommand):
    help = "Re-encrypt the webhook endpoints' secrets under the newest WEBHOOK_SECRET_KEYS key."

    def handle(self, *args, **options):
        endpoints = WebhookEndpoint.objects.only("secret_encrypted")
        for endpoint in endpoints:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                secret_encrypted=keys.rotate(endpoint.secret_encrypted)
            )
        self.stdout.write(f"{len(endpoints)} webhook secrets encrypted under the newest key.")
