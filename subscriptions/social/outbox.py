"""SocialDelivery rows on the sending engine (subscriptions/sending/delivery.py): each is one
post to one account, sent by a worker once its release is live, never from a request.

Never before the minute: a row is claimed only while its release is live, and looked at once
more just before the network is asked. A try that may have reached the network before its
worker died (`tried_at` set, no id recorded) first asks the network whether the post exists.
A 429 waits out the network's reset time, a 5xx or a network error is tried again with
back-off; a permanent refusal (a revoked token, a duplicate, a post the network will not take)
stops that post, and the desk and the release's page say why."""

import logging

from django.conf import settings
from django.db.models import IntegerField, Value
from django.utils import timezone

from articles.models import Release
from articles.pagecache import invalidation
from articles.pagecache.keys import release_key
from subscriptions.sending.delivery import Refusal, Unwanted
from subscriptions.social.lifecycle import take_down
from subscriptions.social.messages import message, public_address
from subscriptions.social.models import SocialAccount, SocialDelivery, SocialPost
from subscriptions.social.networks import Refused

logger = logging.getLogger(__name__)


class SocialOutbox:
    """Posts whose release is live, to active accounts."""

    model = SocialDelivery
    group_field = "post__release_id"
    recipient_field = "post__account"
    address_field = "post__account__base_url"
    recipient_state_field = "post__account__active"
    recipient_version = Value(0, output_field=IntegerField())
    permanent_tries = 1

    @property
    def batch_size(self):
        return settings.SOCIAL_BATCH_SIZE

    @property
    def max_attempts(self):
        return settings.SOCIAL_MAX_ATTEMPTS

    @staticmethod
    def retry_delay(attempts):
        delay = settings.SOCIAL_RETRY_SECONDS * 2 ** (attempts - 1)
        return min(delay, settings.SOCIAL_RETRY_MAX_SECONDS)

    @staticmethod
    def recipient_ok(active):
        return bool(active)

    @staticmethod
    def wanted(release_ids, now):
        return set(live(release_ids, now))

    @staticmethod
    def refused_for_good(account_id, gave_up, now):
        """A refusal belongs to the post (its reason is on the row), not to the account."""

    @staticmethod
    def post(row):
        """Send one claimed row; None when the network took it, else a Refusal."""
        delivery = SocialDelivery.objects.select_related(
            "post__account", "post__release__lead_image"
        ).get(pk=row.pk)
        post = delivery.post
        if not live([post.release_id]):
            raise Unwanted  # withdrawn since the claim: the row is cancelled
        try:
            outgoing = message(post)
            with post.account.connect() as connection:
                # A try that may have got through before its worker died: ask first.
                posted = connection.find(outgoing) if delivery.tried_at else None
                if posted is None:
                    SocialDelivery.objects.filter(pk=row.pk).update(tried_at=timezone.now())
                    posted = connection.publish(outgoing)
        except Refused as refused:
            return Refusal(refused.permanent, refused.reason, retry_after=refused.retry_after)
        except OSError as error:  # the photo's file, or a socket the client let through
            return Refusal(False, f"{type(error).__name__}: {error}"[:300])
        SocialPost.objects.filter(pk=post.pk).update(
            network_id=posted.id, url=public_address(posted.url)
        )
        SocialAccount.objects.filter(pk=post.account_id).update(last_used_at=timezone.now())
        invalidation.record({release_key(post.release_id)})  # its page links to the post
        if not live([post.release_id]):
            # Withdrawn while the network was answering: take the post down at once.
            try:
                take_down(SocialPost.objects.select_related("account").get(pk=post.pk))
            except Exception:  # noqa: BLE001 (the post went; the withdrawal's task tries again)
                logger.exception("social post %s not taken down after a late withdrawal", post.pk)
        return None


def live(release_ids, now=None):
    """Those of `release_ids` whose release is live now: asked when a post is claimed, just
    before the network is, and just after."""
    return Release.objects.live(now).filter(pk__in=release_ids).values_list("pk", flat=True)
