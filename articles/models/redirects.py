"""Redirects: an old address (a path, with a query for a legacy `newsarticle.aspx?id=`) that
answers 301 to a release or to another path on the site, for ever.

Made when a public release's address changes (articles/moves.py), by the importer from a
release's legacy address, and by Administrators in the admin (one at a time or from a CSV).
A redirect to a release follows it wherever its address goes, and answers only while the release
is live: the same rule as the release's own page.
"""

from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from articles.addresses import MAX_ADDRESS_PART, joined
from articles.models.releases import Release


class RedirectQuerySet(models.QuerySet):
    def answering(self, path, queries):
        """The redirects that may answer `path` with one of `queries`: those to a path, and
        those to a live release (Release.objects.live(), the one visibility rule), with what
        the release's address is made of."""
        live_target = Exists(Release.objects.live().filter(pk=OuterRef("release_id")))
        return (
            self.filter(old_path=path, old_query__in=queries)
            .filter(Q(release__isnull=True) | live_target)
            .select_related("release")
            .only("old_query", "new_path", "release__slug", "release__publish_at",
                  "release__created", "release__language")
        )  # fmt: skip

    def record_move(self, release, path, origin=None):
        """`path` was `release`'s public address: it now leads to the release, whatever led
        there before (the release held it last)."""
        return self.update_or_create(
            old_path=path.lower(),
            old_query="",
            defaults={"release": release, "new_path": "", "origin": origin or Redirect.MOVED},
        )[0]

    def count_hits(self, pk, hits, last_hit):
        return self.filter(pk=pk).update(hits=F("hits") + hits, last_hit=last_hit)


class Redirect(models.Model):
    MOVED, IMPORTED, MANUAL = "moved", "imported", "manual"
    ORIGINS = [
        (MOVED, "A published release's address changed"),
        (IMPORTED, "Imported with its release"),
        (MANUAL, "Added by an Administrator"),
    ]

    old_path = models.CharField(
        "old path",
        max_length=MAX_ADDRESS_PART,
        help_text="The path readers still follow, lower-case, e.g. /news/newsarticle.aspx.",
    )
    old_query = models.CharField(
        "old query",
        max_length=MAX_ADDRESS_PART,
        blank=True,
        help_text="Its query with the parameters sorted, e.g. id=64105; empty for a plain path.",
    )
    release = models.ForeignKey(
        Release,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="old_addresses",
        help_text="Leads to this release's address, wherever it moves; only while it is live.",
    )
    new_path = models.CharField(
        "new address",
        max_length=MAX_ADDRESS_PART,
        blank=True,
        help_text="Or to this page of the site (a path such as /news/tags/energy/).",
    )
    origin = models.CharField(max_length=10, choices=ORIGINS, default=MANUAL, editable=False)
    hits = models.PositiveBigIntegerField(default=0, editable=False)
    last_hit = models.DateTimeField("last hit", null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path", "old_query"]
        constraints = [
            models.UniqueConstraint(
                fields=["old_path", "old_query"],
                name="unique_old_address",
                violation_error_message="Another redirect already starts from this address.",
            ),
            models.CheckConstraint(
                condition=Q(release__isnull=False, new_path="")
                | (Q(release__isnull=True) & ~Q(new_path="")),
                name="redirect_has_one_target",
                violation_error_message="Lead to a release or to an address, not both.",
            ),
        ]

    def __str__(self):
        return self.old_address

    @property
    def old_address(self):
        return joined(self.old_path, self.old_query)

    def target_url(self):
        return self.release.get_absolute_url() if self.release_id else self.new_path
