"""A release's posts through its life: cleared with its text, queued when it goes live
(release_went_live, once per publication; a post added to a live release, at once), cancelled
when it is withdrawn before they went, taken down from the networks when it is withdrawn
after. A correction does not post again, nor does publishing a withdrawn release again: each
post goes once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tasks import task

from articles.models import Release
from articles.pagecache import invalidation
from articles.pagecache.keys import release_key
from articles.states import State
from subscriptions.sending.models import Outgoing
from subscriptions.social.messages import message
from subscriptions.social.models import SocialDelivery, SocialPost
from subscriptions.social.networks import Refused

logger = logging.getLogger(__name__)
TAKE_DOWN_TRIES = 8  # with the default back-off, about two hours of asking


def cleared_part(release):
    """The release's posts as clearance reads them: which account says what."""
    posts = SocialPost.objects.filter(release=release).select_related("account")
    return "\n".join(
        f"{post.account}: {post.text}" + (" (with the lead photo)" if post.with_photo else "")
        for post in posts.order_by("account__network", "account__handle", "pk")
    )


def posts_changed(sender, instance, raw=False, created=False, origin=None, **kwargs):
    """post_save and post_delete of a SocialPost: the release's cleared text changed, so its
    sign-offs on the old words are voided (articles/clearance_parts.py); a post added to a
    release already live is queued now, since its going live will not come again."""
    if raw or isinstance(origin, Release):
        return  # a fixture, or the release itself being deleted
    release = Release.objects.filter(pk=instance.release_id).first()
    if release is None:
        return
    if Release.fingerprint(release.cleared_text()) != release.text_fingerprint:
        release.cleared_part_changed = True
        release.save(update_fields=["text_fingerprint", "text_changed_by", "original_fingerprint",
                                    "lock_version"])  # fmt: skip
    if created and release.is_live:
        transaction.on_commit(lambda: queue(release))


def went_live(sender, release, **kwargs):
    """release_went_live's receiver."""
    queue(release)


def stepped(sender, release, step, from_state, **kwargs):
    """release_stepped's receiver: a withdrawal or deletion of a release that was public or
    waiting for its minute."""
    if step not in {"withdraw", "delete"} or from_state not in {State.LIVE, State.EXPIRED,
                                                                 State.SCHEDULED}:  # fmt: skip
        return
    waiting = SocialDelivery.objects.filter(post__release=release,
                                            status=Outgoing.Status.QUEUED)  # fmt: skip
    waiting.update(status=Outgoing.Status.CANCELLED, claimed_by="", claimed_until=None)
    if _maybe_up(SocialPost.objects.filter(release=release)).exists():
        release_id = release.pk
        transaction.on_commit(lambda: take_down_posts.enqueue(release_id))


def _maybe_up(posts):
    """Posts the network took, or may have: a try whose answer never came."""
    return posts.filter(Q(deleted_at__isnull=True)).filter(
        ~Q(network_id="") | Q(delivery__tried_at__isnull=False)
    )


@task()
def take_down_posts(release_id, attempt=1):
    """Delete a withdrawn release's posts from the networks, and record it. A network that
    asks to be asked later (429, 5xx, unreachable) is asked again with back-off; a release
    public again by then keeps its posts."""
    release = Release.objects.filter(pk=release_id).first()
    if release is None or release.is_live:
        return
    posts = _maybe_up(SocialPost.objects.filter(release=release)).select_related(
        "account", "release__lead_image"
    )
    later = [post for post in posts if not take_down(post)]
    if later and attempt < TAKE_DOWN_TRIES:
        delay = min(settings.SOCIAL_RETRY_SECONDS * 2 ** (attempt - 1),
                    settings.SOCIAL_RETRY_MAX_SECONDS)  # fmt: skip
        when = timezone.now() + timedelta(seconds=delay)
        take_down_posts.using(run_after=when).enqueue(release_id, attempt + 1)


def take_down(post):
    """Delete one post from its network and record it, or why not. False when the network
    asked to be asked later."""
    if not post.account.network_rules.can_delete:
        SocialPost.objects.filter(pk=post.pk).update(
            delete_error=f"{post.account.get_network_display()} does not let posts be deleted."
        )
        return True
    posted_id = post.network_id
    try:
        with post.account.connect() as connection:
            if not posted_id:  # a try whose answer never came: did it get through?
                found = connection.find(message(post, with_image=False))
                if found is None:
                    return True
                posted_id = found.id
            connection.delete(posted_id)
    except Refused as refused:
        SocialPost.objects.filter(pk=post.pk).update(delete_error=refused.reason)
        logger.warning("social post %s not deleted: %s", post.pk, refused.reason)
        return refused.permanent
    SocialPost.objects.filter(pk=post.pk).update(
        network_id=posted_id, deleted_at=timezone.now(), delete_error=""
    )
    invalidation.record({release_key(post.release_id)})
    return True


def links(release):
    """(network, address) of the release's posts that are up: its page links to them."""
    posts = SocialPost.objects.filter(release=release, deleted_at__isnull=True).exclude(url="")
    return [(post.account.get_network_display(), post.url)
            for post in posts.select_related("account")]  # fmt: skip


def queue(release, now=None):
    """A delivery row for each of the release's posts to an active account, once: the unique
    post makes a repeat of the signal, or the sweep after it, change nothing."""
    now = now or timezone.now()
    posts = SocialPost.objects.filter(release=release, account__active=True,
                                      delivery__isnull=True)  # fmt: skip
    rows = [SocialDelivery(post=post, next_attempt_at=now) for post in posts]
    SocialDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def missed(now, within=timedelta(hours=1)):
    """The worker's sweep: posts of releases that went live within the hour whose process
    stopped between its commit and the signal."""
    unqueued = SocialPost.objects.filter(release=OuterRef("pk"), delivery__isnull=True,
                                         account__active=True)  # fmt: skip
    gone_live = Release.objects.live(now).filter(went_live_at__gte=now - within)
    for release in gone_live.filter(Exists(unqueued)):
        queue(release, now)
