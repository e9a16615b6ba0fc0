"""Which public pages a change touches, named as surrogate keys (articles/pagecache/keys.py
says what each covers) and logged in the change's own transaction (articles/models/changes.py).
Cached pages and fragments carry the keys they show (articles/pagecache/freshness.py), so a
change makes exactly those entries stale; the same keys go out in the `Surrogate-Key` header for
a CDN that purges by key.

A release that is not live before or after a save touches no page at all. A release whose
address changes, or that comes or goes at an address, touches that address and its old ones
(`address:` keys), and so does a redirect made, changed or deleted: a cached redirect, or a page
an old address now answers with, is never served after that.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles import visibility
from articles.models import Image, PublicChange, Redirect, Release, TopicDescription
from articles.pagecache import freshness
from articles.pagecache.keys import (
    LIVE,
    LIVE_EDITS,
    SCHEDULE,
    SITE,
    address_key,
    release_key,
    tag_key,
)
from articles.states import State

# What a save may change without anything public changing.
BOOKKEEPING = {"lock_version", "updated", "updated_by", "went_live_at", "status", "has_photos"}
CLOCK_FIELDS = ("status", "publish_at", "expire_at")
ORDER_FIELDS = ("publish_at", "featured")
ADDRESS_FIELDS = ("slug", "publish_at")


def record(keys):
    """Log a change to `keys` in the current transaction; this process rereads on commit."""
    if keys and PublicChange.objects.record(keys) is not None:
        transaction.on_commit(freshness.recheck_soon)


# Releases ---------------------------------------------------------------------------------


def remember_release(sender, instance, raw=False, **kwargs):
    """pre_save: keep the stored row, so the save can be compared with what readers saw."""
    if raw or instance.pk is None:
        instance._public_before = None
        return
    instance._public_before = Release.objects.filter(pk=instance.pk).values().first()


def release_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_public_before", None)
    after = {field.attname: getattr(instance, field.attname) for field in Release._meta.fields}
    record(release_change_keys(instance, before, after))


def release_deleted(sender, instance, **kwargs):
    after = {field.attname: getattr(instance, field.attname) for field in Release._meta.fields}
    if _is_live(after, timezone.now()):
        record(_membership_keys(instance, after, after))


def release_change_keys(release, before, after, now=None):
    """The keys a save of `release` touches, from its stored row before and after."""
    now = now or timezone.now()
    was_live = before is not None and _is_live(before, now)
    is_live = _is_live(after, now)
    if not (was_live or is_live):
        moved = before is None or any(before[f] != after[f] for f in CLOCK_FIELDS)
        scheduled = after["status"] == Release.Status.PUBLISHED or (
            before is not None and before["status"] == Release.Status.PUBLISHED
        )
        return {SCHEDULE} if moved and scheduled else set()
    moved = before is not None and any(before[f] != after[f] for f in ADDRESS_FIELDS)
    addresses = _address_keys(release, before, after) if moved or was_live != is_live else set()
    if was_live != is_live or any(before[f] != after[f] for f in ORDER_FIELDS):
        return _membership_keys(release, before or after, after) | addresses
    changed = {f for f in after if before[f] != after[f]} - BOOKKEEPING
    return {release_key(release.pk), LIVE_EDITS} | addresses if changed else set()


def _is_live(row, now):
    state = visibility.state_at(row["status"], row["publish_at"], row["expire_at"], now)
    return state == State.LIVE


def _membership_keys(release, before, after):
    """A release joined, left or moved in the live list: the lists, its tags' related links,
    and the pages of its neighbours in time, where it was and where it is."""
    keys = {LIVE, LIVE_EDITS, release_key(release.pk)}
    keys.update(tag_key(pk) for pk in release.tags.values_list("pk", flat=True))
    live = Release.objects.live().in_language(release.language).exclude(pk=release.pk)
    for row in (before, after):
        if row["publish_at"] is None:
            continue
        place = Release(pk=release.pk, publish_at=row["publish_at"])
        for neighbour in (live.before(place), live.after(place)):
            if neighbour is not None:
                keys.add(release_key(neighbour.pk))
    return keys


def _address_keys(release, before, after):
    """The addresses a release was and is at, and its old ones (which lead to it while it is
    live): what each answers may have changed."""
    rows = [row for row in (before, after) if row is not None]
    paths = {
        Release(
            slug=row["slug"],
            publish_at=row["publish_at"],
            created=row.get("created"),
            language=row.get("language", release.language),
        ).get_absolute_url()
        for row in rows
    }
    keys = {address_key(path) for path in paths}
    if release.pk is not None:
        old = Redirect.objects.filter(release=release.pk).values_list("old_path", "old_query")
        keys.update(address_key(path, query) for path, query in old)
    return keys


def _live_release_keys(release_ids):
    live = Release.objects.live().filter(pk__in=release_ids).values_list("pk", flat=True)
    return {release_key(pk) for pk in live}


# What releases show ----------------------------------------------------------------------------


def tagging_changed(sender, instance, **kwargs):
    """A tag added to or taken off a release: only a live release's pages change."""
    if instance.content_type_id != ContentType.objects.get_for_model(Release).pk:
        return
    keys = _live_release_keys([instance.object_id])
    if keys:
        record(keys | {LIVE, LIVE_EDITS, tag_key(instance.tag_id)})


def tag_changed(sender, instance, created=False, **kwargs):
    """A new tag is on nothing yet; a renamed or deleted one may show anywhere."""
    if not created:
        record({SITE})


def topic_described(sender, instance, **kwargs):
    """A topic's description shows on its own page (and on no other cached one)."""
    record({tag_key(instance.tag_id)})


def site_changed(sender, **kwargs):
    """The office and its follow links show on every page."""
    record({SITE})


def photo_changed(sender, instance, created=False, **kwargs):
    """A new photo is in no release yet; a changed or deleted one, in the live releases that
    show it (as their lead photo or in their body)."""
    if created:
        return
    users = Release.objects.filter(Q(lead_image_id=instance.pk) | Q(body__contains=instance.key))
    record(_live_release_keys(users.values_list("pk", flat=True)))


def correction_changed(sender, instance, **kwargs):
    record(_live_release_keys([instance.release_id]))


def redirect_changed(sender, instance, **kwargs):
    """A redirect made, changed or deleted: what its old address answers changed."""
    record({address_key(instance.old_path, instance.old_query)})


def went_live(release):
    """publish_due's going-live steps write the release number without a save."""
    record({release_key(release.pk), LIVE_EDITS})


def connect():
    """Called from ArticlesConfig.ready."""
    from django.db.models.signals import post_delete, post_save, pre_save
    from taggit.models import Tag, TaggedItem

    from articles.models import Correction, Office, SocialLink

    pre_save.connect(remember_release, sender=Release, dispatch_uid="cache-release-before")
    post_save.connect(release_saved, sender=Release, dispatch_uid="cache-release")
    post_delete.connect(release_deleted, sender=Release, dispatch_uid="cache-release-d")
    receivers = [
        (TaggedItem, tagging_changed),
        (Tag, tag_changed),
        (TopicDescription, topic_described),
        (Office, site_changed),
        (SocialLink, site_changed),
        (Image, photo_changed),
        (Correction, correction_changed),
        (Redirect, redirect_changed),
    ]
    for model, receiver in receivers:
        uid = f"cache-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-d")
