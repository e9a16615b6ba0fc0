"""The subscriptions in the admin: counts per topic, each alert's progress, a test alert."""

import re

import pytest
from taggit.models import Tag

from articles.models import AuditEntry
from subscriptions.models import Alert, Delivery
from subscriptions.readers.alerts import fan_out
from tests.subscriptions.pages import form_defaults

pytestmark = pytest.mark.django_db


def test_publishers_see_subscribers_per_topic(client, publisher, subscriber):
    navy = Tag.objects.create(name="Navy", slug="navy")
    budget = Tag.objects.create(name="Budget", slug="budget")
    subscriber("a@example.org", topics=[navy, budget])
    subscriber("b@example.org", topics=[navy])
    subscriber("c@example.org", topics=[navy], confirmed=False)  # not counted until confirmed
    subscriber("d@example.org", all_releases=True)
    client.force_login(publisher)
    page = client.get("/admin/subscriptions/topic/")
    assert page.status_code == 200
    assert "1 more get every release" in page.text
    rows = dict(re.findall(r'<th class="field-name"[^>]*>(?:<a[^>]*>)?(\w+)'
                                         r'.*?<td class="field-subscriber_count">(\d+)</td>',
                                         page.text, re.S))  # fmt: skip
    assert rows == {"Budget": "1", "Navy": "2"}


def test_each_alert_shows_its_progress_and_refreshes_while_sending(
    client, publisher, subscriber, make_release
):
    release = make_release(title="Navy commissions a ship")
    for n in range(3):
        subscriber(f"r{n}@example.org", all_releases=True)
    alert = Alert.objects.create(release=release)
    fan_out(alert)
    Delivery.objects.filter(subscriber__email="r0@example.org").update(status="sent")
    Delivery.objects.filter(subscriber__email="r1@example.org").update(status="undeliverable")
    client.force_login(publisher)
    page = client.get("/admin/subscriptions/alert/")
    assert page.status_code == 200 and "Navy commissions a ship" in page.text
    for column, n in [("queued", 1), ("sent", 1), ("failed", 0), ("undeliverable", 1)]:
        assert f'<td class="field-{column}">{n}</td>' in page.text
    assert 'http-equiv="refresh"' in page.text  # one is still queued
    Delivery.objects.filter(status="queued").update(status="sent")
    assert 'http-equiv="refresh"' not in client.get("/admin/subscriptions/alert/").text
    detail = client.get(f"/admin/subscriptions/alert/{alert.pk}/change/")
    assert "2 sent" in detail.text and "1 undeliverable" in detail.text


def test_a_test_alert_goes_only_to_the_publishers_own_address_and_is_audited(
    client, publisher, make_release, smtp, deliver
):
    publisher.email = "me@office.example"
    publisher.save()
    release = make_release(title="Draft for a test", status="draft", publish_at=None)
    client.force_login(publisher)
    form = client.get("/admin/subscriptions/alert/test/")
    assert form.status_code == 200 and "me@office.example" in form.text
    action, data = form_defaults(form, containing='name="release"')
    # Whatever else is posted, the one address is the signed-in person's own.
    done = client.post(
        action or "/admin/subscriptions/alert/test/",
        {**data, "release": release.pk, "email": "someone@elsewhere.example"},
    )
    assert done.status_code == 302
    deliver()
    [mail] = smtp.messages
    assert mail["To"] == "me@office.example" and mail["Subject"] == "[Test] Draft for a test"
    assert not Alert.objects.exists()
    entry = AuditEntry.objects.get(release=release, action="Test alert sent")
    assert entry.user == publisher and entry.note == "To me@office.example."


def test_a_publisher_with_no_address_is_told_and_nothing_is_sent(
    client, publisher, make_release, smtp, deliver
):
    release = make_release(title="Draft for a test", status="draft", publish_at=None)
    client.force_login(publisher)
    answer = client.post("/admin/subscriptions/alert/test/", {"release": release.pk})
    assert answer.status_code == 200 and "Your account has no e-mail address" in answer.text
    deliver()
    assert smtp.messages == [] and not AuditEntry.objects.filter(release=release).exists()


def test_writers_cannot_send_test_alerts_or_see_subscribers(client, writer):
    client.force_login(writer)
    assert client.get("/admin/subscriptions/subscriber/").status_code == 403
    assert client.get("/admin/subscriptions/alert/test/").status_code in {302, 403}
