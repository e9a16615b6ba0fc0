"""The desk's "Sending now" panel follows a release's alert from the moment it is published
through the admin until the worker has sent its last message."""

import pytest
from django.test import Client

from articles.roles import PUBLISHER, WRITER
from subscriptions.models import Alert, Delivery
from subscriptions.readers import alerts
from tests.editorial.release_states import Newsroom
from tests.editorial.test_desk import panels

pytestmark = pytest.mark.django_db


def sending_panel(user):
    client = Client()
    client.force_login(user)
    return panels(client.get("/admin/")).get("sending")


def test_an_alert_shows_its_progress_until_it_has_gone(
    people, office, subscriber, smtp, deliver, django_capture_on_commit_callbacks
):
    for n in range(3):
        subscriber(f"reader{n}@example.com", all_releases=True)
    with django_capture_on_commit_callbacks(execute=True):  # the going-live steps, committed
        release = Newsroom(people).release_in("live", office)
    publisher = people[PUBLISHER]

    line = sending_panel(publisher)
    assert f"Alert: {release.title}" in line and "finding its subscribers" in line
    assert sending_panel(people[WRITER]) is None, "publishers send alerts; writers see no panel"

    alerts.fan_out(Alert.objects.get(release=release))
    assert "0 of 3 sent" in sending_panel(publisher)
    first = Delivery.objects.order_by("pk").first()
    Delivery.objects.filter(pk=first.pk).update(status=Delivery.Status.SENT)
    assert "1 of 3 sent" in sending_panel(publisher)

    deliver()
    assert sending_panel(publisher).endswith("No alert or press mailing is going out.")
    assert len(smtp.messages) == 2, "the one already sent is not sent again"
