"""The office's social accounts, the posts a Publisher writes with a release, and one delivery
row per post (an Outgoing, sent by subscriptions/sending/delivery.py like any mail) once the
release goes live."""

import json

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from articles.models import Release
from subscriptions.sending import keys
from subscriptions.sending.models import Outgoing


class Network(models.TextChoices):
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook Page"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"


class SocialAccount(models.Model):
    network = models.CharField(max_length=20, choices=Network.choices)
    handle = models.CharField(
        max_length=200, editable=False, help_text="As the network names the account, checked "
        "when the credentials were entered.",
    )  # fmt: skip
    base_url = models.URLField(
        "server address", max_length=300, blank=True,
        help_text="Mastodon: the account's instance, e.g. https://mastodon.social. Empty for "
        "the others: their own API.",
    )  # fmt: skip
    # The network's credentials as JSON, encrypted with CHANNEL_SECRET_KEYS (sending/keys.py);
    # written once from the admin, never shown again.
    credentials_encrypted = models.TextField(editable=False)
    active = models.BooleanField(default=True, help_text="Inactive: nothing is posted to it.")
    created = models.DateTimeField(default=timezone.now, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "social account"
        ordering = ["network", "handle"]

    def __str__(self):
        return f"{self.get_network_display()} {self.handle}"

    @property
    def network_rules(self):
        from subscriptions.social.networks import networks

        return networks()[self.network]

    def server(self):
        return self.base_url or self.network_rules.default_base_url

    def set_credentials(self, credentials):
        self.credentials_encrypted = keys.encrypt(json.dumps(credentials))

    def credentials(self):
        return json.loads(keys.decrypt(self.credentials_encrypted))

    def connect(self):
        """A Connection to the network; Refused (for good) when the credentials cannot be read
        (a key dropped from CHANNEL_SECRET_KEYS too soon, or none set)."""
        from subscriptions.social.networks import Refused

        try:
            credentials = self.credentials()
        except (InvalidToken, ImproperlyConfigured, ValueError) as error:
            reason = (
                f"the stored credentials cannot be read ({type(error).__name__}); enter them again"
            )
            raise Refused(reason, permanent=True) from None
        return self.network_rules.connect(credentials, self.server())


class SocialPost(models.Model):
    """What one account says about one release, written with it and sent at its minute."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="social_posts")
    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="posts")
    text = models.TextField(
        help_text="The release's address is added at the end when it is sent, and counted here."
    )
    with_photo = models.BooleanField(
        "with the lead photo", default=True,
        help_text="The release's lead photo goes with the post, with its alt text.",
    )  # fmt: skip
    # What the network answered: its id for the post and the post's public page.
    network_id = models.CharField(max_length=200, blank=True, editable=False)
    url = models.URLField(max_length=500, blank=True, editable=False)
    # A withdrawal after sending: when the post was deleted from the network, or why not.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    delete_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "account"], name="one_post_per_account"),
        ]
        ordering = ["account__network", "pk"]

    def __str__(self):
        return f"{self.account} about {self.release_id}"

    @property
    def key(self):
        """Ours, the same on every try: the networks' idempotency key or record key."""
        return f"pressoffice-{self.release_id}-{self.pk}"

    @property
    def is_public(self):
        return bool(self.url) and self.deleted_at is None


class SocialDelivery(Outgoing):
    post = models.OneToOneField(SocialPost, on_delete=models.CASCADE, related_name="delivery")
    # Set just before the network is asked: a later try whose post has no id yet first asks
    # the network whether the earlier one got through (the worker died in between).
    tried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="social_due_idx")]
        verbose_name_plural = "social deliveries"

    def __str__(self):
        return f"{self.post}: {self.status}"
