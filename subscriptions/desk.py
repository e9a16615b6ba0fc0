"""The desk's "Sending now" panel: each readers' alert and press mailing still going out, with
how many of its messages have gone. Added to the desk (articles/desk.py) in apps.py."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from articles.desk import SHORT, Panel, Place, Row
from articles.roles import PUBLISH_PERMISSION
from subscriptions.press.models import PressDelivery, PressMailing
from subscriptions.readers.models import Alert, Delivery
from subscriptions.sending.models import Outgoing


def _progress():
    """Counts per status, for annotate(): what has gone, what waits, what will not go."""
    return {
        "total": Count("deliveries"),
        "sent": Count("deliveries", filter=Q(deliveries__status=Outgoing.Status.SENT)),
        "queued": Count("deliveries", filter=Q(deliveries__status=Outgoing.Status.QUEUED)),
    }


def _line(item):
    failed = item.total - item.sent - item.queued
    line = f"{item.sent} of {item.total} sent"
    return f"{line}, {failed} not delivered" if failed else line


def sending_now(request, now):
    queued = Outgoing.Status.QUEUED
    alerts = (
        Alert.objects.filter(
            Q(fanned_out_at__isnull=True)
            | Exists(Delivery.objects.filter(alert=OuterRef("pk"), status=queued))
        )
        .select_related("release")
        .annotate(**_progress())
        .order_by("queued_at")[:SHORT]
    )
    mailings = (
        PressMailing.objects.filter(
            Exists(PressDelivery.objects.filter(mailing=OuterRef("pk"), status=queued))
        )
        .select_related("release")
        .annotate(**_progress())
        .order_by("send_at")[:SHORT]
    )
    rows = [
        Row(
            f"Alert: {alert.release.title}",
            reverse("admin:subscriptions_alert_change", args=[alert.pk]),
            alert.queued_at,
            _line(alert) if alert.fanned_out_at else "finding its subscribers",
        )
        for alert in alerts
    ]
    rows += [
        Row(
            f"Press, {mailing.get_kind_display()}: {mailing.release.title}",
            reverse("admin:subscriptions_pressmailing_change", args=[mailing.pk]),
            mailing.send_at,
            _line(mailing),
        )
        for mailing in mailings
    ]
    return rows


PANEL = Panel(
    "sending",
    "Sending now",
    sending_now,
    Place.PUBLISHER,
    PUBLISH_PERMISSION,
    empty="No alert or press mailing is going out.",
)
