"""Addresses never break: once readers have had a release's address, it answers for ever.

When a save moves the address of a release that has been public (its slug, or the date in its
path), the old address becomes a redirect to the release (articles/models/redirects.py), in the
save's own transaction; it answers only while the release is live. Chains cannot form: every
old address leads to the release itself, so A→B→C is A→C and B→C. Loops cannot either: the
address a release now has is never one of its redirects (going back to A removes A's).
"""

from django.utils import timezone

from articles import visibility
from articles.models import Redirect, Release
from articles.states import State

# What a release's public address, and whether readers have had it, are made of.
ADDRESS_FIELDS = (
    "slug", "publish_at", "created", "status", "expire_at", "went_live_at", "language",
)  # fmt: skip


def address_of(row):
    """The public address a release with these stored fields has (Release.get_absolute_url)."""
    release = Release(
        slug=row["slug"], publish_at=row["publish_at"], created=row["created"],
        language=row["language"],
    )  # fmt: skip
    return release.get_absolute_url()


def was_public(row, now=None):
    """Whether readers have had this address: the release went live, or is live or expired."""
    state = visibility.state_at(row["status"], row["publish_at"], row["expire_at"],
                                now or timezone.now())  # fmt: skip
    return row["went_live_at"] is not None or state in {State.LIVE, State.EXPIRED}


def stored_address(release_pk):
    """The stored fields of ADDRESS_FIELDS, before a change (None for a new release)."""
    if release_pk is None:
        return None
    return Release.objects.filter(pk=release_pk).values(*ADDRESS_FIELDS).first()


def moved(release, before):
    """After `release` was saved: keep its old address, if readers had it, and never let its
    new one redirect to itself."""
    if before is None:
        return
    old, new = address_of(before), release.get_absolute_url()
    if old == new:
        return
    Redirect.objects.filter(old_path=new.lower(), old_query="", release=release).delete()
    if was_public(before):
        Redirect.objects.record_move(release, old)


def remember_address(sender, instance, raw=False, **kwargs):
    """pre_save: the address as readers had it, before this save."""
    instance._address_before = None if raw else stored_address(instance.pk)


def keep_old_address(sender, instance, raw=False, **kwargs):
    """post_save (inside the save's transaction: Release.save opens one)."""
    if not raw:
        moved(instance, getattr(instance, "_address_before", None))


def connect():
    """Called from ArticlesConfig.ready."""
    from django.db.models.signals import post_save, pre_save

    pre_save.connect(remember_address, sender=Release, dispatch_uid="address-before")
    post_save.connect(keep_old_address, sender=Release, dispatch_uid="address-kept")
