"""What a release leaves behind as it moves through its life: numbers, audit entries,
corrections and reviewers' share links."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.models.releases import Release
from articles.states import State


class ReleaseNumberCounter(models.Model):
    """The last press-release number handed out in a year (office time)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class AuditEntryQuerySet(models.QuerySet):
    def record(self, release, user, action, note="", *, from_state=None, to_state=None):
        """Add one entry: every room that acts on a release (the workflow, share links, the
        press desk) writes its trail through here. The states default to the release's own:
        most actions leave it where it was."""
        return self.create(
            release=release,
            user=user,
            action=action,
            from_state=from_state or release.state,
            to_state=to_state or release.state,
            note=note.strip(),
        )


class AuditEntry(models.Model):
    """One step in a release's life: who moved it from which state to which, and why.

    Append-only: nothing in the code updates or deletes an entry, and the admin shows them
    read-only.
    """

    # The office's record: neither deleting a release nor deleting a person may erase it or
    # turn its author into "system" (deactivate people instead).
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="audit_entries")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    # State values ("review", "live"), never labels: the label is looked up when shown.
    from_state = models.CharField(max_length=20, blank=True, choices=State.choices)
    to_state = models.CharField(max_length=20, blank=True, choices=State.choices)
    note = models.TextField(blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action}: {self.from_state_label} → {self.to_state_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    @property
    def from_state_label(self):
        return _label(self.from_state)

    @property
    def to_state_label(self):
        return _label(self.to_state)


def _label(state):
    return State(state).label if state in State.values else state


class Correction(models.Model):
    """A dated public note on a published release ("Correction: …")."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="corrections")
    text = models.TextField(
        help_text="Plain text, shown under the release and in feeds, e.g. “An earlier version "
        "misstated the date of the visit.”"
    )
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created", "id"]

    def __str__(self):
        return self.text[:60]


def new_preview_token():
    return secrets.token_urlsafe(32)  # 256 bits


def hash_token(secret):
    """What is stored of a share link's secret: nothing in the database opens a preview."""
    return hashlib.sha256(secret.encode()).hexdigest()


class CapabilityLinkQuerySet(models.QuerySet):
    """Links whose address is the credential (reviewers' share links, outside fact checks):
    found by the hash of their secret, open until they expire or are revoked."""

    def usable(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def with_secret(self, secret):
        return self.filter(token=hash_token(secret))

    def end(self, now=None):
        """Revoke every link still open (a withdrawal or deletion ends them all)."""
        return self.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())


class PreviewLinkQuerySet(CapabilityLinkQuerySet):
    def issue(self, **fields):
        """A new link; its secret is on the returned object (`.url`) and nowhere else."""
        secret = new_preview_token()
        link = self.create(token=hash_token(secret), **fields)
        link.url = reverse("preview_link", args=[secret])
        return link


class PreviewLink(models.Model):
    """An unguessable, expiring, revocable link to one release for reviewers without an account.

    Only a hash of its secret is stored; the address is shown once, when the link is made."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the link's secret; the secret itself is never stored.",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="Who it is for, e.g. “Legal review”."
    )
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.note or f"Share link for {self.release}"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class TimerRunQuerySet(models.QuerySet):
    def ran(self, name, now=None):
        """Record that the timer's command `name` just finished."""
        self.update_or_create(name=name, defaults={"at": now or timezone.now()})

    def last(self):
        """{name: when it last finished}."""
        return dict(self.values_list("name", "at"))


class TimerRun(models.Model):
    """When each timer's command last finished (publish_due, trim_change_log): the desk says
    when one has stopped, since nothing else would until a release misses its minute."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    objects = TimerRunQuerySet.as_manager()

    def __str__(self):
        return f"{self.name}: {self.at}"
