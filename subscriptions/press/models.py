"""The press corps: contacts in lists, and the mailings Publishers send them under embargo (and
the notices that follow a release that moves or is withdrawn before its minute)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from subscriptions.sending.models import Outgoing, counts_by_status


class PressContact(models.Model):
    name = models.CharField(max_length=200)
    outlet = models.CharField(max_length=200, blank=True, help_text="e.g. “Associated Press”.")
    email = models.EmailField("e-mail address", unique=True)
    active = models.BooleanField(default=True, help_text="Untick to stop sending them releases.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.outlet})" if self.outlet else self.name


class PressList(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text="e.g. “Pentagon press corps”.")
    contacts = models.ManyToManyField(PressContact, blank=True, related_name="lists")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PressMailing(models.Model):
    """One mail to press contacts about one release: its embargoed copy, or a notice that the
    embargo moved or that the release was withdrawn."""

    class Kind(models.TextChoices):
        EMBARGO = "embargo", "embargoed copy"
        MOVED = "moved", "embargo moved"
        WITHDRAWN = "withdrawn", "withdrawn: do not publish"

    release = models.ForeignKey(
        "articles.Release", on_delete=models.CASCADE, related_name="press_mailings"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EMBARGO)
    lists = models.ManyToManyField(PressList, blank=True, related_name="mailings")
    embargo_until = models.DateTimeField(
        null=True, blank=True, help_text="The release's minute when this mail was made."
    )
    send_at = models.DateTimeField(default=timezone.now)
    # Set when the release is withdrawn, deleted or scheduled anew (embargo.after_step).
    ended_at = models.DateTimeField(
        null=True, blank=True,
        help_text="Ended by a withdrawal or a new schedule: no copy goes, no link opens.",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.release.title}"

    def counts(self):
        return counts_by_status(self.deliveries)


class PressDelivery(Outgoing):
    mailing = models.ForeignKey(PressMailing, on_delete=models.CASCADE, related_name="deliveries")
    contact = models.ForeignKey(PressContact, on_delete=models.CASCADE, related_name="deliveries")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing", "contact"], name="one_press_delivery_each"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="press_due_idx")]
        verbose_name_plural = "press deliveries"

    def __str__(self):
        return f"{self.mailing_id} → {self.contact_id}: {self.status}"
