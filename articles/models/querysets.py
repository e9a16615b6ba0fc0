"""The read rules for releases (ReleaseQuerySet): what is live, in which state, tagged what,
and what sits around a release on its page."""

import secrets

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import visibility
from articles.states import State


class ReleaseQuerySet(models.QuerySet):
    """The read rules for releases. `live()` is the only filter public pages may start from;
    the rule itself is written in articles/visibility.py."""

    def live(self, now=None):
        return self.in_state(State.LIVE, now)

    def in_state(self, state, now=None):
        return self.filter(visibility.state_filter(state, now or timezone.now()))

    def in_language(self, language):
        """One language's releases: every public list, feed and search shows one."""
        return self.filter(language=language)

    def newest_first(self):
        return self.order_by("-publish_at", "-id")

    def of_families(self, family_ids):
        """The members of the families whose originals are `family_ids` (ids or a subquery),
        each family's original first, then its editions by language."""
        return self.filter(Q(pk__in=family_ids) | Q(original_id__in=family_ids)).order_by(
            F("original_id").asc(nulls_first=True), "language"
        )

    def by_family(self):
        """{original's id: [member, …]} for these releases, each family's original first."""
        families = {}
        for member in self.order_by(F("original_id").asc(nulls_first=True), "language"):
            families.setdefault(member.family_id, []).append(member)
        return families

    def unused_slug(self, base, exclude_pk=None):
        """`base`, or, when another release holds it, `base` with a random suffix: a counter
        ("-2") would tell readers how many others exist, hidden ones too."""
        others = self.exclude(pk=exclude_pk) if exclude_pk is not None else self
        slug = base
        while others.filter(slug=slug).exists():
            slug = f"{base}-{secrets.token_hex(3)}"
        return slug

    def _tagged_items(self, **lookup):
        return TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), **lookup
        )

    def tagged(self, **tag_lookup):
        """Releases carrying a tag (e.g. `tagged(slug="energy")`).

        A subquery rather than the join `filter(tags=...)` writes: taggit's object_id is an int
        and our ids are bigints, and PostgreSQL cannot use an index across the cast in the join.
        """
        items = self._tagged_items(**{f"tag__{key}": value for key, value in tag_lookup.items()})
        return self.filter(pk__in=items.values("object_id"))

    def tags(self):
        """The tags these releases carry, by name (`live().tags()`: what public pages and the
        subscription form offer)."""
        items = self._tagged_items(object_id__in=self.values("pk"))
        return Tag.objects.filter(pk__in=items.values("tag_id")).order_by("name")

    def related_to(self, release, tag_ids, limit=3):
        """The newest releases other than `release` sharing one of `tag_ids`.

        An ordered index scan that stops after `limit` matches; ranking by the number of shared
        tags instead meant grouping every release of every tag, on every detail page.
        """
        if not tag_ids:
            return self.none()
        shares_a_tag = self._tagged_items(object_id=OuterRef("pk"), tag_id__in=tag_ids)
        return (
            self.filter(Exists(shares_a_tag))
            .exclude(pk=release.pk)
            .only("title", "slug", "publish_at", "language")
            .newest_first()[:limit]
        )

    def before(self, release):
        """The release published just before `release` (ties broken by id)."""
        # The plain range first, so the (status, publish_at) index is scanned in order and the
        # scan stops at the first row; the tie-break is only a filter on those rows.
        earlier = self.filter(publish_at__lte=release.publish_at).filter(
            Q(publish_at__lt=release.publish_at) | Q(pk__lt=release.pk)
        )
        return earlier.only("title", "slug", "publish_at", "language").newest_first().first()

    def after(self, release):
        later = self.filter(publish_at__gte=release.publish_at).filter(
            Q(publish_at__gt=release.publish_at) | Q(pk__gt=release.pk)
        )
        return (
            later.only("title", "slug", "publish_at", "language")
            .order_by("publish_at", "id")
            .first()
        )

    def month_counts(self):
        """(first of month in office time, count) rows, newest month first."""
        return (
            self.annotate(month=TruncMonth("publish_at"))
            .values_list("month")
            .annotate(count=Count("id"))
            .order_by("-month")
        )
