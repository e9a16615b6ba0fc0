"""Encrypt every webhook secret and social account's credentials again under the first of
CHANNEL_SECRET_KEYS, so an older key can then be dropped from the list."""

from django.core.management.base import BaseCommand

from subscriptions.sending import keys
from subscriptions.social.models import SocialAccount
from subscriptions.webhooks.models import WebhookEndpoint


class Command(BaseCommand):
    help = (
        "Re-encrypt the webhook endpoints' secrets and the social accounts' credentials under "
        "the newest CHANNEL_SECRET_KEYS key."
    )

    def handle(self, *args, **options):
        endpoints = WebhookEndpoint.objects.only("secret_encrypted")
        for endpoint in endpoints:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                secret_encrypted=keys.rotate(endpoint.secret_encrypted)
            )
        accounts = SocialAccount.objects.only("credentials_encrypted")
        for account in accounts:
            SocialAccount.objects.filter(pk=account.pk).update(
                credentials_encrypted=keys.rotate(account.credentials_encrypted)
            )
        self.stdout.write(
            f"{len(endpoints)} webhook secrets and {len(accounts)} social accounts' credentials "
            "encrypted under the newest key."
        )
