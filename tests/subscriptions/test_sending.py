"""The sending engine under what real data does to it: a headline with a line break in it, a
message that cannot be built, and a release corrected while its alert is going out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial.workflow import take_step
from articles.models import Release
from articles.states import Status
from subscriptions.models import Alert, Delivery, PressContact, PressList, Subscriber
from subscriptions.press.embargo import send_under_embargo
from subscriptions.readers import alerts
from subscriptions.sending.worker import Worker
from tests.subscriptions.pages import form_defaults
from tests.support import cleared

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(subscriber):
    return [subscriber(f"r{n}@example.org", all_releases=True) for n in range(3)]


def publish(release, publisher, capture):
    with capture(execute=True):
        take_step(cleared(release), "publish", publisher)
    return release


def edit_in_admin(client, user, release, **changes):
    """The release's change form as loaded, saved with `changes` typed in."""
    client.force_login(user)
    address = f"/admin/articles/release/{release.pk}/change/"
    _, data = form_defaults(client.get(address), containing='name="title"')
    assert client.post(address, {**data, **changes}).status_code == 302
    release.refresh_from_db()
    return release


@pytest.mark.parametrize("typed", [
    "Navy\r\ncommissions a ship", "Navy\ncommissions\u2028a ship", "Navy \t commissions\r a ship",
    "Navy commissions a ship\r\n", "Navy\x85commissions\x0ba\x1fship",
])  # fmt: skip
def test_a_headline_with_a_line_break_is_saved_on_one_line_and_its_alert_goes_out(
    typed,
    client,
    publisher,
    make_release,
    readers,
    smtp,
    deliver,
    django_capture_on_commit_callbacks,
):
    release = make_release(status=Status.DRAFT, publish_at=None,
                           summary="First line.\nSecond line.")  # fmt: skip
    edit_in_admin(client, publisher, release, title=typed)
    assert release.title == "Navy commissions a ship"
    assert release.summary == "First line.\nSecond line."  # a multi-line field keeps its lines
    publish(release, publisher, django_capture_on_commit_callbacks)
    deliver()
    assert [m["Subject"] for m in smtp.messages] == ["Navy commissions a ship"] * 3


def test_press_contacts_and_lists_are_kept_on_one_line_too(db):
    contact = PressContact.objects.create(name="Ada\r\nLovelace", outlet="Wire\nService",
                                          email="ada@press.example")  # fmt: skip
    assert (contact.name, contact.outlet) == ("Ada Lovelace", "Wire Service")
    assert PressList.objects.create(name="Pentagon\r\npress corps").name == "Pentagon press corps"


def test_a_message_that_cannot_be_built_fails_alone_and_everything_else_goes(
    make_release, publisher, readers, smtp, deliver, django_capture_on_commit_callbacks
):
    old = publish(make_release(status=Status.DRAFT, publish_at=None), publisher,
                  django_capture_on_commit_callbacks)  # fmt: skip
    good = publish(make_release(status=Status.DRAFT, publish_at=None, title="Good news"),
                   publisher, django_capture_on_commit_callbacks)  # fmt: skip
    # A headline stored before one-line fields were cleaned: Django refuses it in a header.
    Release.objects.filter(pk=old.pk).update(title="Old headline\r\nBcc: someone@example.org")
    for alert in Alert.objects.order_by("pk"):  # the old alert's rows are claimed first
        alerts.fan_out(alert)
    # And the press list's outbox has an embargoed copy waiting.
    press = PressList.objects.create(name="Wire services")
    press.contacts.add(PressContact.objects.create(name="Ada", email="ada@press.example"))
    upcoming = make_release(status=Status.DRAFT, publish_at=None, title="Upcoming")
    upcoming = take_step(
        cleared(upcoming), "schedule", publisher, when=timezone.now() + timedelta(days=1)
    )
    send_under_embargo(upcoming, [press], publisher)

    deliver()

    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert len(subjects) == 4 and subjects[0].startswith("EMBARGOED UNTIL")
    assert subjects[1:] == ["Good news"] * 3
    stuck = Delivery.objects.filter(alert__release=old)
    assert set(stuck.values_list("status", flat=True)) == {"failed"}
    assert all("could not be made" in row.last_error for row in stuck)
    assert set(stuck.values_list("attempts", flat=True)) == {1}
    # It is no fault of the readers' addresses: they still receive.
    assert Subscriber.objects.receiving().count() == 3
    assert set(Subscriber.objects.values_list("permanent_failures", flat=True)) == {0}
    assert Alert.objects.get(release=good).counts()["sent"] == 3


def test_a_release_changed_during_its_send_reaches_the_rest_of_the_list_changed(
    client, make_release, publisher, readers, smtp, django_capture_on_commit_callbacks
):
    release = publish(make_release(status=Status.DRAFT, publish_at=None, title="Ship sails"),
                      publisher, django_capture_on_commit_callbacks)  # fmt: skip
    worker = Worker(interval=0.01)
    assert worker.run_one_task()  # the fan-out
    assert worker.sender.send_due(size=1) == 1
    edit_in_admin(client, publisher, release, title="Ship sails at noon",
                  summary="Corrected: it sails at noon.")  # fmt: skip
    worker.work(until_empty=True)
    assert [m["Subject"] for m in smtp.messages] == ["Ship sails", *["Ship sails at noon"] * 2]
    assert "Corrected: it sails at noon." in smtp.messages[-1].get_body(("plain",)).get_content()
