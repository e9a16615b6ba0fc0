"""SocialDelivery rows on the sending engine (subscriptions/sending/delivery.py): each is one
post to one account, sent by a worker once its release is live, never from a request.

Never before the minute: a row is claimed only while its release is live, and looked at once
more just before the network is asked. A try that may have reached the network before its
worker died (`tried_at` set, no id recorded) first asks the network whether the post exists.
A 429 waits out the network's reset time, a 5xx or a network error is tried again with
back-off; a permanent refusal (a revoked token, a duplicate, a post the network will not take)
stops that post, and the desk and the release's page say why."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import IntegerField, Value
from django.utils import timezone

from articles.addresses import site_url
from articles.models import Release
from articles.pagecache import invalidation
from articles.pagecache.keys import release_key
from articles.photos.renditions import rendition_name, rendition_widths, share_crops, standard_width
from subscriptions.sending.delivery import Refusal, Unwanted
from subscriptions.social.lifecycle import take_down
from subscriptions.social.models import SocialAccount, SocialDelivery, SocialPost
from subscriptions.social.networks import Post, Refused

IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
               "webp": "image/webp", "gif": "image/gif"}  # fmt: skip


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
        return set(
            Release.objects.live(now).filter(pk__in=release_ids).values_list("pk", flat=True)
        )

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
        if not post.release.is_live:
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
        now = timezone.now()
        SocialPost.objects.filter(pk=post.pk).update(network_id=posted.id, url=posted.url)
        SocialAccount.objects.filter(pk=post.account_id).update(last_used_at=now)
        invalidation.record({release_key(post.release_id)})  # its page links to the post
        if not Release.objects.live().filter(pk=post.release_id).exists():
            # Withdrawn while the network was answering: take the post down at once.
            take_down(SocialPost.objects.get(pk=post.pk))
        return None


def message(post):
    """The Post the network is sent: the Publisher's words, then the release's address, and
    the lead photo with its alt text when the post takes it."""
    release = post.release
    link = site_url(release.get_absolute_url())
    image, image_type, alt = None, "", ""
    if post.with_photo and release.lead_image is not None:
        image, image_type = photo_bytes(release.lead_image)
        alt = release.lead_image.alt
    return Post(post.key, with_link(post.text, link), link, image, image_type, alt)


def with_link(text, link):
    return f"{text.strip()} {link}"


def photo_bytes(image):
    """The photo as the share crops cut it (16:9, at most 1200 px: what link cards show), or
    its standard rendition; never the original upload."""
    (width, height), _box = share_crops(image.width, image.height)[-1]
    names = [
        rendition_name(image.key, width, image.extension, height),
        rendition_name(image.key, standard_width(rendition_widths(image.width)), image.extension),
    ]
    for name in names:
        if default_storage.exists(name):
            with default_storage.open(name) as file:
                return file.read(), IMAGE_TYPES.get(image.extension.lower(), "image/jpeg")
    raise FileNotFoundError(f"no rendition of photo {image.key}")
