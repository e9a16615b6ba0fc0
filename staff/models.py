"""What staff sign-in keeps about people beyond Django's own user table."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SignOut(models.Model):
    """When a person last asked to be signed out everywhere: every session of theirs that began
    before this moment has ended."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = "sign-out everywhere"

    def __str__(self):
        return f"{self.user} signed out everywhere at {self.at:%Y-%m-%d %H:%M}"


class EnrolmentCode(models.Model):
    """The one-time code a person needs, beside their password, to enrol a second factor
    (staff/enrolment.py). Only its SHA-256 is kept: nothing stored here opens enrolment."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"enrolment code of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"


class SecurityEvent(models.Model):
    """One thing that happened to staff sign-in or rights. Append-only: the code never updates
    or deletes an event, and the admin shows them read-only."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed-in", "Signed in"
        SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
        FACTOR_PENDING = "factor-pending", "Password right, second factor pending"
        FACTOR_CODE_FAILED = "factor-code-failed", "Second-factor code refused"
        LOCKED_OUT = "locked-out", "Locked out (sign-in refused)"
        SIGNED_OUT = "signed-out", "Signed out"
        SIGNED_OUT_EVERYWHERE = "signed-out-everywhere", "Signed out everywhere"
        PASSWORD_CHANGED = "password-changed", "Password changed"
        ROLES_CHANGED = "roles-changed", "Roles changed"
        PERMISSIONS_CHANGED = "permissions-changed", "Permissions changed"
        ACCOUNT_CHANGED = "account-changed", "Account status changed"
        FACTOR_ADDED = "factor-added", "Second factor added"
        FACTOR_REMOVED = "factor-removed", "Second factor removed"
        ENROLMENT_CODE_ISSUED = "enrolment-code-issued", "Enrolment code issued"
        ENROLMENT_CODE_USED = "enrolment-code-used", "Enrolment code accepted"
        ENROLMENT_CODE_REFUSED = "enrolment-code-refused", "Enrolment code refused"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    # Whose account it concerns, by name too: the name stays readable whatever happens later.
    username = models.CharField(max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who did it, when someone else did (an Administrator changing a colleague's roles).
    actor = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Security events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Security events are append-only.")
