"""What partners are told, and when: each fact of a release's life becomes one WebhookEvent,
its payload fixed then, with one delivery row for each endpoint that wants it.

Facts come from the core's signals, after their transaction commits: going live
(release_went_live, once per publication), the workflow's steps (release_stepped: scheduled,
the minute moved, withdrawn), a correction (release_corrected), and a live release's text
changing (the model's post_save, where the save says whether the text changed). A fact about a
release before its minute is `embargoed`: only embargo-trusted endpoints hear of it."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.addresses import site_url
from articles.models import Release
from articles.states import State
from subscriptions.webhooks.models import EventKind, WebhookDelivery, WebhookEndpoint, WebhookEvent


def _time(moment):
    return moment.isoformat() if moment else None


def release_payload(release):
    """What a partner is told about a release. The read API's release representation should
    take this one's place once both exist, so the two never disagree."""
    return {
        "id": str(release.guid),
        "url": site_url(release.get_absolute_url()),
        "title": release.title,
        "summary": release.summary,
        "language": release.language,
        "kind": release.kind,
        "office": release.office.name if release.office_id else None,
        "topics": sorted(release.tags.values_list("name", flat=True)),
        "published_at": _time(release.publish_at),
        "last_modified": _time(release.last_modified),
        "release_number": release.release_number or None,
        "status": release.status,
        "state": release.state.value,
    }


def record(kind, release, key, *, embargoed=False, extra=None):
    """Make the event once (its key is unique) and a delivery row per endpoint that wants it.
    Returns the event, or None when it was made before or no endpoint wants it."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(kind, embargoed)]
    if not endpoints:
        return None  # one query, where no partner listens
    now = timezone.now()
    release = Release.objects.select_related("office").get(pk=release.pk)
    data = release_payload(release) | (extra or {})
    payload = {"type": kind, "timestamp": _time(now), "data": data}
    with transaction.atomic():
        event, created = WebhookEvent.objects.get_or_create(
            key=key, defaults={"kind": kind, "release": release, "embargoed": embargoed,
                               "payload": payload, "created": now},
        )  # fmt: skip
        if not created:
            return None
        rows = [WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now)
                for endpoint in endpoints]  # fmt: skip
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return event


def went_live(sender, release, **kwargs):
    """release_went_live's receiver: release.published, once per publication."""
    record(EventKind.PUBLISHED, release, f"published:{release.pk}:{_time(release.went_live_at)}")


def missed(now, within=timedelta(hours=1)):
    """The worker's sweep: release.published for releases that went live within the hour
    whose process stopped between its commit and the signal (the event's key makes a late
    one once, whoever gets there first)."""
    if not any(e.wants(EventKind.PUBLISHED, False) for e in WebhookEndpoint.objects.all()):
        return
    told = WebhookEvent.objects.filter(
        release=OuterRef("pk"), kind=EventKind.PUBLISHED, created__gte=OuterRef("went_live_at")
    )
    gone_live = Release.objects.live(now).filter(went_live_at__gte=now - within)
    for release in gone_live.filter(~Exists(told)):
        went_live(Release, release)


def stepped(sender, release, step, from_state, previous_publish_at, **kwargs):
    """release_stepped's receiver: scheduled, the minute moved, withdrawn."""
    if step == "schedule" and release.state == State.SCHEDULED:
        if from_state != State.SCHEDULED:
            kind = EventKind.SCHEDULED
        elif release.publish_at != previous_publish_at:
            kind = EventKind.EMBARGO_MOVED
        else:
            return
        record(kind, release, f"{kind}:{release.pk}:{release.lock_version}", embargoed=True,
               extra={"previous_publish_at": _time(previous_publish_at)})  # fmt: skip
    elif step in {"withdraw", "delete"} and from_state in {State.LIVE, State.EXPIRED,
                                                           State.SCHEDULED}:  # fmt: skip
        record(EventKind.WITHDRAWN, release, f"withdrawn:{release.pk}:{release.lock_version}",
               embargoed=from_state == State.SCHEDULED)  # fmt: skip


def corrected(sender, release, correction, **kwargs):
    """release_corrected's receiver."""
    extra = {"correction": {"text": correction.text, "created": _time(correction.created)}}
    record(EventKind.CORRECTED, release, f"corrected:{correction.pk}", extra=extra)


def saved(sender, instance, created=False, raw=False, **kwargs):
    """post_save of a Release: a live release whose text changed (not its going live, which
    is release.published) is release.updated, once its transaction commits."""
    if raw or created or not getattr(instance, "text_changed", False):
        return
    if getattr(instance, "cleared_part_changed", False):
        return  # its social posts, not its text (articles/clearance_parts.py)
    if instance.went_live_at is None or instance.state != State.LIVE:
        return
    version = instance.lock_version
    transaction.on_commit(
        lambda: record(EventKind.UPDATED, instance, f"updated:{instance.pk}:{version}")
    )


def connect_saves():
    from django.db.models.signals import post_save

    post_save.connect(saved, sender=Release, dispatch_uid="webhooks-updated")
