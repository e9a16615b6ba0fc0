"""The press corps' mailings on the desk's week and the planning calendar: each embargoed copy
still to go, at its sending time. Registered as a source of articles/agenda.py in apps.py."""

from articles import agenda
from subscriptions.press.models import PressMailing


def press_mailings(start, end, limit=None):
    mailings = (
        PressMailing.objects.filter(
            kind=PressMailing.Kind.EMBARGO,
            ended_at__isnull=True,
            send_at__gte=start,
            send_at__lt=end,
        )
        .select_related("release")
        .only("send_at", "release__id", "release__title")
        .order_by("send_at", "id")[:limit]
    )
    return [
        agenda.Moment(
            mailing.send_at,
            agenda.Kind.PRESS_MAILING,
            mailing.release.title,
            agenda.release_admin_url(mailing.release_id),
            mailing.release_id,
            "embargoed copy to the press lists",
        )
        for mailing in mailings
    ]
