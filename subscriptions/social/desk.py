"""The desk's alarm for Publishers: posts a network refused for good, or gave up on, and posts
of a withdrawn release that could not be taken down. Added to the desk in subscriptions/apps.py."""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse

from articles.desk import SHORT, Panel, Place, Row
from subscriptions.sending.models import Outgoing
from subscriptions.social.models import SocialPost

RECENT = timedelta(days=7)
GAVE_UP = [Outgoing.Status.FAILED, Outgoing.Status.UNDELIVERABLE]


def refused(request, now):
    posts = SocialPost.objects.filter(
        Q(delivery__status__in=GAVE_UP, delivery__next_attempt_at__gte=now - RECENT)
        | ~Q(delete_error="")
    ).select_related("account", "release", "delivery")
    return [
        Row(
            f"{post.account}: {post.release.title}",
            reverse("admin:articles_release_change", args=[post.release_id])
            + "#social_posts-group",
            post.delivery.next_attempt_at,
            post.delete_error or post.delivery.last_error,
            flag="Not deleted" if post.delete_error else "Not posted",
        )
        for post in posts.order_by("-delivery__next_attempt_at")[:SHORT]
    ]


PANEL = Panel(
    "social-refused",
    "Social posts refused",
    refused,
    Place.ALARM,
    "subscriptions.change_socialpost",
    note="A network refused a post for good (a revoked token, a duplicate, too long) or kept "
    "failing; nothing more is tried. Post it by hand, or mend the account and post again.",
    hide_when_empty=True,
)
