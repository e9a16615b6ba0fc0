"""The newsroom's content: offices, their social accounts, and the releases they issue."""

import secrets
import uuid
from typing import NamedTuple

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from articles.addresses import release_url
from articles.images import canonical_body_images
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


class Office(models.Model):
    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="The issuing office, e.g. “Office of the Assistant Secretary of Defense "
        "(Public Affairs)”.",
    )
    parent_organisation = models.CharField(
        "parent organisation",
        max_length=200,
        blank=True,
        help_text="The department the office belongs to, e.g. “U.S. Department of Defense”.",
    )
    contact_name = models.CharField("media contact", max_length=200, blank=True)
    contact_email = models.EmailField("media contact e-mail", blank=True)
    contact_phone = models.CharField("media contact phone", max_length=50, blank=True)
    is_default = models.BooleanField(
        "default office",
        default=False,
        help_text="New releases are issued by this office unless the editor picks another. "
        "Only one office can be the default.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_office",
                violation_error_message="Another office is already the default.",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        return cls.objects.filter(is_default=True).first()


class SocialLink(models.Model):
    class Platform(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X (Twitter)"
        YOUTUBE = "youtube", "YouTube"
        INSTAGRAM = "instagram", "Instagram"
        LINKEDIN = "linkedin", "LinkedIn"
        FLICKR = "flickr", "Flickr"
        THREADS = "threads", "Threads"
        BLUESKY = "bluesky", "Bluesky"
        OTHER = "other", "Other"

    # How each platform is named in running text ("Follow us on Facebook and X").
    SHORT_NAMES = {Platform.X: "X"}

    platform = models.CharField(max_length=20, choices=Platform.choices)
    url = models.URLField("URL", help_text="The full address of the account page.")
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text="The link text; leave empty to use the platform's name.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    active = models.BooleanField(default=True, help_text="Only active links appear on the site.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.label or self.SHORT_NAMES.get(self.platform, self.get_platform_display())


def new_image_key():
    return secrets.token_hex(16)  # 128 bits: rendition addresses cannot be guessed


class Image(models.Model):
    """A photo in the library. Only its re-encoded renditions are ever served."""

    key = models.CharField(max_length=32, unique=True, default=new_image_key, editable=False)
    file = models.FileField(upload_to="images/", editable=False)
    extension = models.CharField(max_length=4, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the photo shows, for people who cannot see it, e.g. “The Secretary "
        "shakes hands with sailors on the deck of a destroyer.” Required unless decorative.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only if the photo adds nothing a reader needs; screen readers skip it.",
    )
    caption = models.TextField(blank=True, help_text="Shown under the photo.")
    credit = models.CharField(max_length=200, blank=True, help_text="e.g. “DoD photo by Jane Doe”.")
    original_filename = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="As uploaded; kept for reference only.",
    )
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decorative=True) | ~Q(alt_text=""),
                name="image_alt_text_or_decorative",
                violation_error_message="Describe the photo in the alt text or mark it decorative.",
            )
        ]

    def __str__(self):
        return self.caption[:60] or self.alt_text[:60] or f"Image {self.key[:8]}"

    @property
    def alt(self):
        return "" if self.decorative else self.alt_text

    def rendition_widths(self):
        from articles.images import rendition_widths

        return rendition_widths(self.width)

    @property
    def standard_width(self):
        from articles.images import standard_width

        return standard_width(self.rendition_widths())

    def url(self, width=None, extension=None):
        from articles.images import rendition_url

        width = width or self.standard_width
        return rendition_url(self.key, width, extension or self.extension)


# What a release card (and a search result) shows: see templates/public/articles/includes/.
CARD_FIELDS = [
    "kind", "title", "slug", "summary", "dateline", "publish_at", "featured", "has_photos",
    "lead_image__key", "lead_image__extension", "lead_image__width", "lead_image__height",
    "lead_image__alt_text", "lead_image__decorative",
]  # fmt: skip


class ReleaseQuerySet(models.QuerySet):
    """The read rules for releases. `live()` is the only filter public pages may start from."""

    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(
            Q(expire_at__isnull=True) | Q(expire_at__gt=now),
            status=Release.Status.PUBLISHED,
            publish_at__lte=now,
        )

    def scheduled(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Release.Status.PUBLISHED, publish_at__gt=now)

    def expired(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Release.Status.PUBLISHED, publish_at__lte=now, expire_at__lte=now)

    def for_listing(self):
        """What a list of release cards needs, and nothing else (loading and building whole
        rows was a third of a list page). Their tags come from `with_tag_lists()` once the
        page's rows are known."""
        return self.select_related("lead_image").only(*CARD_FIELDS)

    def newest_first(self):
        return self.order_by("-publish_at", "-id")

    def tagged(self, **tag_lookup):
        """Releases carrying a tag (e.g. `tagged(slug="energy")`).

        A subquery rather than the join `filter(tags=...)` writes: taggit's object_id is an int
        and our ids are bigints, and PostgreSQL cannot use an index across the cast in the join.
        """
        items = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Release),
            **{f"tag__{key}": value for key, value in tag_lookup.items()},
        )
        return self.filter(pk__in=items.values("object_id"))

    def related_to(self, release, limit=3):
        """The newest releases sharing a tag with `release`.

        An ordered index scan that stops after `limit` matches; ranking by the number of shared
        tags instead meant grouping every release of every tag, on every detail page.
        """
        tag_ids = [tag.pk for tag in release.tag_list]
        if not tag_ids:
            return self.none()
        shares_a_tag = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Release),
            object_id=OuterRef("pk"),
            tag_id__in=tag_ids,
        )
        return (
            self.filter(Exists(shares_a_tag))
            .exclude(pk=release.pk)
            .only("title", "slug", "publish_at")
            .newest_first()[:limit]
        )

    def before(self, release):
        """The release published just before `release` (ties broken by id)."""
        # The plain range first, so the (status, publish_at) index is scanned in order and the
        # scan stops at the first row; the tie-break is only a filter on those rows.
        earlier = self.filter(publish_at__lte=release.publish_at).filter(
            Q(publish_at__lt=release.publish_at) | Q(pk__lt=release.pk)
        )
        return earlier.only("title", "slug", "publish_at").newest_first().first()

    def after(self, release):
        later = self.filter(publish_at__gte=release.publish_at).filter(
            Q(publish_at__gt=release.publish_at) | Q(pk__gt=release.pk)
        )
        return later.only("title", "slug", "publish_at").order_by("publish_at", "id").first()

    def month_counts(self):
        """(first of month in office time, count) rows, newest month first."""
        return (
            self.annotate(month=TruncMonth("publish_at"))
            .values_list("month")
            .annotate(count=Count("id"))
            .order_by("-month")
        )


class TagLink(NamedTuple):
    """What a release card shows of a tag."""

    name: str
    slug: str
    pk: int


def with_tag_lists(releases):
    """Give each release a `tag_list` (sorted by name) in one query; returns the releases.

    Used for pages of cards instead of prefetch_related("tags"), whose generic-relation
    machinery cost more than a third of a list page's time.
    """
    releases = list(releases)
    by_release = {release.pk: release for release in releases}
    for release in releases:
        release.tag_list = []
    if by_release:
        rows = (
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Release),
                object_id__in=list(by_release),
            )
            .order_by("tag__name")
            .values_list("object_id", "tag__name", "tag__slug", "tag_id")
        )
        for object_id, name, slug, tag_id in rows:
            by_release[object_id].tag_list.append(TagLink(name, slug, tag_id))
    return releases


def live_tags():
    """Tags that at least one live release carries, by name: public pages offer only these."""
    return Tag.objects.filter(release__in=Release.objects.live()).distinct().order_by("name")


# Content only: restoring a revision never changes where a release is in its workflow.
REVISION_FIELDS = [
    "kind", "title", "slug", "summary", "body", "dateline", "byline", "office", "featured",
    "expire_at", "lead_image",
]  # fmt: skip


# Workflow bookkeeping is left out: a recovered release starts its lock count and going-live
# steps afresh.
@reversion.register(exclude=["lock_version", "went_live_at"])
class Release(models.Model):
    class Kind(models.TextChoices):
        NEWS_ARTICLE = "news", "News article"
        PRESS_RELEASE = "press-release", "Press release"
        STATEMENT = "statement", "Statement"
        ADVISORY = "advisory", "Media advisory"
        TRANSCRIPT = "transcript", "Transcript"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS_ARTICLE)
    title = models.CharField(
        "headline", max_length=300, help_text="Plain text; shown as the page's main heading."
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the web address; filled in from the headline. "
        "Changing it after publication breaks links people have shared.",
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
        help_text="The public date, and the embargo: a future time keeps the release hidden "
        "until then. Leave empty to use the moment it is published.",
    )
    expire_at = models.DateTimeField(
        "expiry time",
        null=True,
        blank=True,
        help_text="Optional. The release is taken off the site at this time.",
    )
    featured = models.BooleanField(
        default=False, help_text="Pinned to the top of the news list while it is live."
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
    went_live_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When publish_due ran the going-live steps; empty until then.",
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

    # Last on purpose: SQLite stores columns in order, and a long body spills into overflow pages;
    # with the body at the end, list queries never read past the columns they need.
    body = ProseEditorField(extensions=BODY_EXTENSIONS, sanitize=True, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        permissions = [
            ("publish_release", "Can publish, schedule, withdraw and correct releases"),
        ]
        # Cover the live filter (status, publish time, expiry) and both orderings, so lists,
        # counts and deep pages read the index instead of the rows.
        indexes = [
            models.Index(fields=["status", "publish_at", "expire_at"], name="release_live_idx"),
            models.Index(
                fields=["status", "featured", "publish_at", "expire_at"],
                name="release_featured_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["release_number"],
                condition=~Q(release_number=""),
                name="unique_release_number",
                violation_error_message="Another release already has this release number.",
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
        self.body = canonical_body_images(self._meta.get_field("body").sanitize(self.body or ""))
        self.has_photos = bool(self.lead_image_id) or "<img" in self.body
        if not self.slug:
            self.slug = self._unused_slug()
        if not self.summary.strip():
            self.summary = first_sentence(self.body)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        self.lock_version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        day = timezone.localdate(self.publish_at or self.created or timezone.now())
        return release_url(day, self.slug)

    @cached_property
    def tag_list(self):
        """Its tags as TagLinks, sorted by name; pages of cards fill these in one query."""
        with_tag_lists([self])
        return self.__dict__["tag_list"]

    def _unused_slug(self):
        base = slugify(self.title)[:190].strip("-") or "release"
        slug, n = base, 1
        while Release.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def is_live_at(self, now):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.expire_at is None or self.expire_at > now)
        )

    @property
    def is_live(self):
        return self.is_live_at(timezone.now())

    @property
    def state(self):
        """The state an editor sees: the stored status, with publishing split by the clock."""
        now = timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.get_status_display()
        if self.publish_at and self.publish_at > now:
            return "Scheduled"
        if self.expire_at and self.expire_at <= now:
            return "Expired"
        return "Live"

    @property
    def state_label(self):
        if self.state == "Scheduled":
            when = date_format(timezone.localtime(self.publish_at), "D j M Y, H:i T")
            return f"Scheduled — {when}"
        return self.state

    def share_image(self):
        """The photo link previews and feeds show: the lead photo's largest rendition, or None."""
        image = self.lead_image
        if image is None:
            return None
        return image.url(width=image.rendition_widths()[-1])

    @property
    def has_custom_summary(self):
        """False when the summary is the one derived from the body."""
        return bool(self.summary) and self.summary != first_sentence(self.body)

    @property
    def last_modified(self):
        """When readers last saw a change: edits before publication do not count."""
        return max(self.publish_at, self.updated) if self.publish_at else self.updated

    @property
    def local_date(self):
        return timezone.localdate(self.publish_at) if self.publish_at else None


class ReleaseNumberCounter(models.Model):
    """The last press-release number handed out in a year (office time)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class AuditEntry(models.Model):
    """One step in a release's life: who moved it from which state to which, and why.

    Append-only: nothing in the code updates or deletes an entry, and the admin shows them
    read-only.
    """

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="audit_entries")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)


class Correction(models.Model):
    """A dated public note on a published release ("Correction: …")."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="corrections")
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


class PreviewLink(models.Model):
    """An unguessable, expiring, revocable link to one release for reviewers without an account."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, default=new_preview_token, editable=False)
    note = models.CharField(
        max_length=200, blank=True, help_text="Who it is for, e.g. “Legal review”."
    )
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.note or f"Share link for {self.release}"

    def get_absolute_url(self):
        return reverse("preview_link", args=[self.token])

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
