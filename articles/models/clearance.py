"""Clearance: the routes an office's releases take before they may go out, and the sign-offs
given along them. The rules (who may clear, what an edit voids, what publishing needs) are in
articles/editorial/clearance.py; these are the rows they read and write.

A sign-off is bound to the text it cleared: it keeps the fingerprint of the cleared fields and
a copy of them, so the release page can show what changed since, and holds only while the
release's own fingerprint is the same.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.offices import Office
from articles.models.records import CapabilityLinkQuerySet, hash_token
from articles.models.releases import Release


def _nonce():
    return secrets.token_hex(16)


class ClearanceRouteQuerySet(models.QuerySet):
    def for_release(self, release):
        """The route a release takes: its office's route for its kind, else the route for its
        kind from any office; None when no route applies."""
        candidates = self.filter(active=True, kind=release.kind).filter(
            Q(office_id=release.office_id) | Q(office__isnull=True)
        )
        return candidates.order_by(models.F("office_id").asc(nulls_last=True), "pk").first()


class ClearanceRoute(models.Model):
    """Who must clear a kind of release, in which order: stages run one after another, and the
    sign-offs of one stage at once."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(
        max_length=20,
        choices=Release.Kind.choices,
        help_text="The kind of release this route applies to.",
    )
    office = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Leave empty to apply to this kind from every office without its own route.",
    )
    publishers_may_override = models.BooleanField(
        "Publishers may publish in an emergency",
        default=False,
        help_text="A Publisher may then publish before every sign-off is in, by giving a "
        "reason; the missing sign-offs stay open as a review after the fact. "
        "Administrators always may.",
    )
    active = models.BooleanField(default=True)

    objects = ClearanceRouteQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "office"],
                condition=Q(active=True, office__isnull=False),
                name="one_active_route_per_kind_and_office",
                violation_error_message="This office already has an active route for this kind.",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(active=True, office__isnull=True),
                name="one_active_route_per_kind",
                violation_error_message="There is already an active route for this kind "
                "from every office.",
            ),
        ]

    def __str__(self):
        return self.name


class RequiredSignOff(models.Model):
    """One sign-off a route needs, held by a group's members or by named people. A stage is a
    number: the sign-offs of stage 1 run at once, then those of stage 2, and so on (one admin
    page then edits a whole route)."""

    route = models.ForeignKey(ClearanceRoute, on_delete=models.CASCADE, related_name="required")
    stage = models.PositiveSmallIntegerField(
        default=1, help_text="Stage 1 first; the sign-offs of one stage run at once."
    )
    name = models.CharField(max_length=80, help_text="What people see, e.g. “Legal”.")
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Any member may give this sign-off.",
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Or these people by name (as well as the group's members).",
    )
    outside_answer_counts = models.BooleanField(
        "an outside fact-checker may give it",
        default=False,
        help_text="A fact-check request sent for this sign-off gives it when the answer is "
        "“Accurate” on the current text.",
    )
    due_hours = models.PositiveSmallIntegerField(
        "due within (working hours)",
        default=8,
        help_text="Counted in the office's working hours from when the stage is reached.",
    )

    class Meta:
        ordering = ["route", "stage", "name"]
        constraints = [
            models.UniqueConstraint(fields=["route", "name"], name="one_sign_off_per_name"),
            models.CheckConstraint(condition=Q(stage__gte=1), name="stages_count_from_one"),
            models.CheckConstraint(condition=Q(due_hours__gte=1), name="due_in_an_hour_or_more"),
        ]

    def __str__(self):
        return self.name

    def may_be_given_by(self, user):
        if self.people.filter(pk=user.pk).exists():
            return True
        return self.group_id is not None and user.groups.filter(pk=self.group_id).exists()


class SignOff(models.Model):
    """A reviewer's answer on one version of a release's text. Append-only but for voiding:
    the trail is part of the record and outlives the release's deletion (PROTECT)."""

    class Decision(models.TextChoices):
        CLEARED = "cleared", "Cleared"
        CHANGES = "changes", "Changes requested"
        ACCURATE = "accurate", "Accurate (outside fact check)"
        INACCURATE = "inaccurate", "Needs changes (outside fact check)"

    # What gives a sign-off: a reviewer's clearance, or an outside fact-checker's "Accurate"
    # where the route lets one give it.
    GIVES = (Decision.CLEARED, Decision.ACCURATE)

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="sign_offs")
    required = models.ForeignKey(
        RequiredSignOff,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="given",
        help_text="Empty where no route applied: the second person's clearance.",
    )
    name = models.CharField(max_length=80, help_text="The sign-off's name when it was given.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    version = models.PositiveIntegerField(help_text="The release's save count when answered.")
    fingerprint = models.CharField(max_length=64)
    text = models.JSONField(help_text="The cleared fields as they were.")
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voided_diff = models.TextField(blank=True, help_text="What the voiding edit changed.")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.name}: {self.get_decision_display()}"

    def holds_for(self, release):
        return (
            self.decision in self.GIVES
            and self.voided_at is None
            and self.fingerprint == release.text_fingerprint
        )


class FactCheck(models.Model):
    """A request to someone outside the newsroom to check a release's facts, on the text as
    it was when sent. Its link's secret is derived from SECRET_KEY and a random nonce: the
    database keeps only its hash, and the worker can still write it into the mail."""

    class Answer(models.TextChoices):
        ACCURATE = "accurate", "Accurate"
        NEEDS_CHANGES = "needs-changes", "Needs changes"

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="fact_checks")
    email = models.EmailField("sent to")
    question = models.TextField("what to check", blank=True)
    required = models.ForeignKey(
        RequiredSignOff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nonce = models.CharField(max_length=64, default=_nonce, editable=False)
    token = models.CharField(max_length=64, unique=True, editable=False)
    version = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    text = models.JSONField(help_text="The text sent, as it was.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    comments = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = CapabilityLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Fact check by {self.email}"

    def save(self, *args, **kwargs):
        self.token = hash_token(self.secret())
        super().save(*args, **kwargs)

    def secret(self):
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"fact-check:{self.nonce}".encode(), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def is_usable(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class ClearanceReminder(models.Model):
    """One overdue reminder sent for a sign-off on one text: never two for the same."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="+")
    required = models.ForeignKey(RequiredSignOff, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "required", "fingerprint"], name="one_reminder_per_text"
            )
        ]

    def __str__(self):
        return f"{self.required} reminded on {self.sent_at:%Y-%m-%d %H:%M}"
