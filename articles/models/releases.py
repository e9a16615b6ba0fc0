"""Releases: the one model every surface reads (its read rules are ReleaseQuerySet, in
querysets.py).

Release is assembled from three parts, each a set of fields with one concern: where it is in
the workflow (ReleasePublication), the bookkeeping that keeps work from being lost
(ReleaseRecord), and its text (Release itself).
"""

import datetime
import hashlib
import json
import re
import uuid

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles import clearance_parts, visibility
from articles.addresses import release_url
from articles.models.editions import ReleaseEdition
from articles.models.offices import Office
from articles.models.photos import Image
from articles.models.querysets import ReleaseQuerySet
from articles.photos.markup import canonical_body_images
from articles.states import State, Status
from articles.text import first_sentence

# What an editor may put in a release body; nh3 keeps exactly these tags on save.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "Blockquote": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # Photos from the library: paste the "address to embed" shown on the photo's admin page.
    "Figure": True,
    "Caption": True,
    "Image": True,
}


# How far ahead a time may be: further is a typo (year 9999 would not even survive the trip to
# UTC), and a form says so instead of failing.
FURTHEST_AHEAD = datetime.timedelta(days=3653)


def within_reach(moment):
    """A validator for the newsroom's times: none more than ten years from now."""
    if moment is not None and moment > timezone.now() + FURTHEST_AHEAD:
        raise ValidationError("Choose a time within the next ten years.", code="too_far")


class ReleasePublication(models.Model):
    """Who issues a release and where it is in the workflow. Status, publish time and number
    change only through workflow steps (articles/editorial/workflow.py)."""

    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="releases",
        help_text="The office issuing the release; its name and media contact appear on the page.",
    )
    release_number = models.CharField(
        max_length=30,
        blank=True,
        help_text="For press releases, e.g. “No. 123-11”. Must be unique.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        validators=[within_reach],
        help_text="The public date, and the embargo: a future time keeps the release hidden "
        "until then. Leave empty to use the moment it is published.",
    )
    expire_at = models.DateTimeField(
        "expiry time",
        null=True,
        blank=True,
        validators=[within_reach],
        help_text="Optional. The release is taken off the site at this time.",
    )
    featured = models.BooleanField(
        default=False, help_text="Pinned to the top of the news list while it is live."
    )
    send_alert = models.BooleanField(
        "send alert",
        default=True,
        help_text="E-mail subscribers of its topics when it goes live. Untick for a minor release.",
    )
    went_live_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When publish_due ran the going-live steps; empty until then.",
    )
    review_started_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it was last submitted for review: its clearance's first stage opened.",
    )
    published_without_clearance = models.BooleanField(
        default=False,
        editable=False,
        help_text="Published in an emergency before every sign-off was in; the rest are a "
        "review after the fact.",
    )

    class Meta:
        abstract = True

    def state_at(self, now):
        return visibility.state_at(self.status, self.publish_at, self.expire_at, now)

    @property
    def state(self):
        """The State an editor sees now."""
        return self.state_at(timezone.now())

    def is_live_at(self, now):
        return self.state_at(now) == State.LIVE

    @property
    def is_live(self):
        return self.is_live_at(timezone.now())

    @property
    def state_label(self):
        """The state in words, with the time for a scheduled release."""
        state = self.state
        if state == State.SCHEDULED and self.publish_at:
            when = date_format(timezone.localtime(self.publish_at), "D j M Y, H:i T")
            return f"{state.label} — {when}"
        return state.label


class ReleaseRecord(models.Model):
    """Bookkeeping: a lasting identity, who changed it when, and a save counter that refuses
    an edit made on an older copy."""

    guid = models.UUIDField(
        "feed ID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Identifies the release in feeds for good, whatever its address becomes.",
    )
    source_key = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="Set by the importer; re-importing the same release updates this one.",
    )
    lock_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Counts saves, so an edit made on an older copy can be refused.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What clearance binds a sign-off to (articles/models/clearance.py): the cleared fields'
    # fingerprint, and who changed them last (who may therefore not clear them).
    text_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    text_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    # What a reviewer clears: the public text, and the kind and office that choose its route. A
    # change to anything else (tags, featured, expiry, the alert) leaves a sign-off standing.
    CLEARED_FIELDS = (
        "kind", "office_id", "title", "summary", "dateline", "byline", "lead_image_id", "body",
    )  # fmt: skip

    def cleared_text(self):
        """The cleared fields, and the parts other rooms send out in the release's name (its
        social posts: articles/clearance_parts.py)."""
        fields = {name: getattr(self, name) for name in self.CLEARED_FIELDS}
        return {**fields, **clearance_parts.of(self)}

    @staticmethod
    def fingerprint(text):
        return hashlib.sha256(json.dumps(text, sort_keys=True).encode()).hexdigest()

    def note_text_change(self):
        """Before a save: a new fingerprint, and who changed the text, when it changed (the
        saved release's `text_changed` then tells clearance to void what was cleared)."""
        text_fingerprint = self.fingerprint(self.cleared_text())
        self.text_changed = text_fingerprint != self.text_fingerprint
        if self.text_changed:
            self.text_fingerprint = text_fingerprint
            self.text_changed_by = self.updated_by or self.created_by
            self.note_original_read()


# Workflow bookkeeping is left out: a recovered release starts its lock count and going-live
# steps afresh.
@reversion.register(
    exclude=[
        "lock_version", "went_live_at", "text_fingerprint", "text_changed_by",
        "published_without_clearance", "review_started_at",
    ]
)  # fmt: skip
class Release(ReleasePublication, ReleaseRecord, ReleaseEdition):
    class Kind(models.TextChoices):
        # Shown to readers in the page's language; staff pages run in the site's own.
        NEWS_ARTICLE = "news", _("News article")
        PRESS_RELEASE = "press-release", _("Press release")
        STATEMENT = "statement", _("Statement")
        ADVISORY = "advisory", _("Media advisory")
        TRANSCRIPT = "transcript", _("Transcript")

    Status = Status  # stored statuses; the states editors see are articles.states.State

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS_ARTICLE)
    title = models.CharField(
        "headline", max_length=300, help_text="Plain text; shown as the page's main heading."
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the web address; filled in from the headline. Once the "
        "release has been published, the old address keeps working: it redirects here.",
    )
    summary = models.TextField(
        blank=True,
        help_text="One or two plain sentences shown in lists, search results and link "
        "previews. Leave empty to use the body's first sentence.",
    )
    dateline = models.CharField(
        "dateline place",
        max_length=100,
        blank=True,
        help_text="Where the release is issued, e.g. “WASHINGTON”. The date is added "
        "from the publish time.",
    )
    byline = models.CharField(
        max_length=200, blank=True, help_text="e.g. “By Jane Doe, Office of Public Affairs”."
    )
    lead_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead_for",
        help_text="Shown at the top of the release, in lists and in link previews.",
    )
    has_photos = models.BooleanField(
        default=False, editable=False, help_text="Set on save: a lead image or photos in the body."
    )
    tags = TaggableManager(
        blank=True, help_text="Topics, separated by commas; each gets its own page."
    )

    # Last on purpose: SQLite stores columns in order, and a long body spills into overflow pages;
    # with the body at the end, list queries never read past the columns they need.
    body = ProseEditorField(extensions=BODY_EXTENSIONS, sanitize=True, blank=True)
    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        permissions = [
            ("publish_release", "Can publish, schedule, withdraw and correct releases"),
            ("clear_release", "Can clear releases (give a sign-off) or ask for changes"),
            ("publish_uncleared", "Can publish in an emergency, before clearance is complete"),
        ]
        # Cover the live filter (status, publish time, expiry) and both orderings, so lists,
        # counts and deep pages read the index instead of the rows.
        indexes = [
            models.Index(fields=["status", "publish_at", "expire_at"], name="release_live_idx"),
            models.Index(
                fields=["status", "featured", "publish_at", "expire_at"],
                name="release_featured_idx",
            ),
            # Public lists show one language: the same two, per language.
            models.Index(
                fields=["language", "status", "publish_at", "expire_at"],
                name="release_language_live_idx",
            ),
            models.Index(
                fields=["language", "status", "featured", "publish_at", "expire_at"],
                name="release_language_featured_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["release_number", "language"],
                condition=~Q(release_number=""),
                name="unique_release_number",
                violation_error_message="Another release already has this release number.",
            ),
            models.UniqueConstraint(
                fields=["original", "language"],
                condition=Q(original__isnull=False),
                name="one_edition_per_language",
                violation_error_message="This release already has an edition in that language.",
            ),
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~Q(source_key=""),
                name="unique_source_key",
            ),
            models.CheckConstraint(
                condition=Q(expire_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expire_at__gt=models.F("publish_at")),
                name="expire_after_publish",
                violation_error_message="The expiry time must be after the publish time.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived fields only; the body is sanitised here too so that rows written without
        # a form (importer, scripts) get the same cleaning the admin form applies.
        body = self._meta.get_field("body").sanitize(self.body or "")
        self.body = canonical_body_images(body, Image.objects.by_keys)
        self.has_photos = bool(self.lead_image_id) or "<img" in self.body
        if not self.slug:
            self.slug = self._unused_slug()
        if not self.summary.strip():
            self.summary = first_sentence(self.body)
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        self.lock_version += 1
        self.note_text_change()
        # One transaction for the row and what its signals write with it: the change log's
        # keys, and the redirect from an old address (articles/moves.py).
        with transaction.atomic():
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        day = timezone.localdate(self.publish_at or self.created or timezone.now())
        return release_url(day, self.slug, self.language)

    def base_slug(self):
        return slugify(self.title)[:190].strip("-") or "release"

    def _unused_slug(self):
        return Release.objects.unused_slug(self.base_slug(), exclude_pk=self.pk)

    def has_slug_variant(self):
        """True when the slug is the headline's with a suffix added because of a clash."""
        return re.fullmatch(rf"{re.escape(self.base_slug())}-(?:\d+|[0-9a-f]{{6}})", self.slug)

    @property
    def last_modified(self):
        """When readers last saw a change: edits before publication do not count."""
        return max(self.publish_at, self.updated) if self.publish_at else self.updated

    @property
    def local_date(self):
        return timezone.localdate(self.publish_at) if self.publish_at else None
