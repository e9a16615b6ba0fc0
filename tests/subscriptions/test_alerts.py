"""At the minute of release: one alert per subscriber of "all" or of its topics, sent by the
worker, exactly once, with refusals retried or given up as the server says."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from taggit.models import Tag

from articles.editorial.workflow import publish_due, take_step
from articles.states import Status
from subscriptions.models import Alert, Delivery, Subscriber
from tests.support import cleared

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics(db):
    return {name: Tag.objects.create(name=name.title(), slug=name) for name in
            ["defense", "navy", "budget"]}  # fmt: skip


@pytest.fixture
def audience(subscriber, topics):
    return {
        "all": subscriber("all@example.org", all_releases=True),
        "navy": subscriber("navy@example.org", topics=[topics["navy"]]),
        "budget": subscriber("budget@example.org", topics=[topics["budget"]]),
        "pending": subscriber("pending@example.org", all_releases=True, confirmed=False),
        "left": subscriber(
            "left@example.org", all_releases=True, unsubscribed_at=timezone.now()
        ),  # fmt: skip
    }


@pytest.fixture
def publish(make_release, publisher, django_capture_on_commit_callbacks):
    """publish(**fields): a draft published now by a Publisher, as from the admin."""

    def run(tags=(), **fields):
        release = make_release(status=Status.DRAFT, publish_at=None, tags=tags, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            take_step(cleared(release), "publish", publisher)
        return release

    return run


def test_publishing_alerts_subscribers_of_all_and_of_its_topics_once(
    audience, topics, publish, smtp, deliver
):
    release = publish(tags=[topics["navy"], topics["defense"]], title="Navy commissions a ship",
                      summary="The ship joins the fleet today.")  # fmt: skip
    deliver()
    assert sorted(m["To"] for m in smtp.messages) == ["all@example.org", "navy@example.org"]
    alert = Alert.objects.get(release=release)
    assert alert.recipients == 2 and alert.counts()["sent"] == 2
    deliver()  # nothing more to do
    assert len(smtp.messages) == 2


def test_the_alert_mail_is_accessible_multipart_with_one_click_unsubscribe(
    audience, topics, publish, smtp, deliver, client
):
    release = publish(tags=[topics["navy"]], title="Navy commissions a ship",
                      summary="The ship joins the fleet today.")  # fmt: skip
    deliver()
    mail = smtp.to("navy@example.org")[0]
    assert mail["Subject"] == "Navy commissions a ship"
    person = audience["navy"]
    assert mail["Message-ID"] == f"<alert-{release.pk}-{person.pk}@testserver>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<http://testserver(/unsubscribe/[^>]+/)>", mail["List-Unsubscribe"]
    )
    assert unsubscribe
    assert b"\r\nList-Unsubscribe: <http://testserver/unsubscribe/" in mail.raw  # not encoded
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Navy commissions a ship" in body and "The ship joins the fleet today." in body
        assert "WASHINGTON" in body and f"http://testserver{release.get_absolute_url()}" in body
        assert "Navy" in body and "/subscriptions/" in body and "/unsubscribe/" in body
    assert '<html lang="en">' in html and "<h1" in html and "<img" not in html
    # The links work: the release page, and the RFC 8058 POST.
    assert client.get(release.get_absolute_url()).status_code == 200
    client.post(unsubscribe.group(1), "List-Unsubscribe=One-Click",
                content_type="application/x-www-form-urlencoded")  # fmt: skip
    person.refresh_from_db()
    assert person.unsubscribed_at is not None
    publish(tags=[topics["navy"]], title="The next release")
    deliver()
    assert len(smtp.to("navy@example.org")) == 1


def test_a_publisher_can_untick_send_alert(audience, publish, smtp, deliver):
    publish(send_alert=False)
    deliver()
    assert not Alert.objects.exists() and smtp.messages == []


def test_a_scheduled_release_alerts_at_its_minute_exactly_once(
    audience, make_release, publisher, smtp, deliver, django_capture_on_commit_callbacks
):
    release = make_release(status=Status.DRAFT, publish_at=None)
    minute = timezone.now() + timedelta(hours=2)
    take_step(cleared(release), "schedule", publisher, when=minute)
    deliver()
    assert smtp.messages == []  # embargoed: nothing before its minute
    with time_machine.travel(minute + timedelta(seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            publish_due()
            publish_due()  # a second run (another server's timer) finds nothing to do
        deliver()
    assert len(smtp.to("all@example.org")) == 1 and Alert.objects.count() == 1


def test_queueing_again_adds_nobody_twice(audience, publish, smtp, deliver):
    from subscriptions.readers import alerts

    release = publish()
    deliver()
    alert = Alert.objects.get(release=release)
    assert alerts.fan_out(alert) == 1  # the one subscriber, still one row
    deliver()
    assert len(smtp.messages) == 1


def test_publishing_only_queues_work(audience, publish, smtp, django_assert_max_num_queries):
    """The click returns at once, whatever the audience: the request adds an alert row and a
    task row; the worker does the rest."""
    release = publish()
    assert smtp.messages == []
    assert Alert.objects.filter(release=release).exists()
    assert not Delivery.objects.exists()


def test_a_temporary_refusal_is_retried_with_back_off(audience, publish, smtp, deliver, settings):
    settings.ALERT_RETRY_SECONDS = 60
    smtp.answers["all@example.org"] = "450 4.2.1 Mailbox busy, try later"
    publish()
    deliver()
    row = Delivery.objects.get()
    assert row.status == "queued" and row.attempts == 1 and "450" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
    deliver()  # not due yet
    assert Delivery.objects.get().attempts == 1
    del smtp.answers["all@example.org"]
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        deliver()
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2 and len(smtp.messages) == 1


def test_temporary_refusals_end_as_failed(audience, publish, smtp, deliver, settings):
    settings.ALERT_RETRY_SECONDS = 0
    settings.ALERT_MAX_ATTEMPTS = 3
    smtp.answers["all@example.org"] = "421 4.7.0 Try again later"
    publish()
    deliver()
    row = Delivery.objects.get()
    assert row.status == "failed" and row.attempts == 3
    assert Subscriber.objects.get(email="all@example.org").receiving  # still subscribed


def test_a_permanent_refusal_marks_the_address_undeliverable_after_a_few_tries(
    audience, publish, smtp, deliver, settings
):
    settings.ALERT_RETRY_SECONDS = 0
    settings.ALERT_PERMANENT_TRIES = 3
    smtp.answers["all@example.org"] = "550 5.1.1 No such user"
    publish()
    deliver()
    row = Delivery.objects.get()
    assert row.status == "undeliverable" and row.attempts == 3 and "550" in row.last_error
    person = Subscriber.objects.get(email="all@example.org")
    assert person.undeliverable_at is not None and not person.receiving
    publish()
    deliver()
    assert Delivery.objects.count() == 1  # no row for the next release


def test_a_release_withdrawn_before_its_alert_went_out_sends_nothing(
    audience, publish, publisher, smtp, deliver
):
    release = publish()
    take_step(release, "withdraw", publisher)
    deliver()
    assert smtp.messages == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"cancelled"}


def test_a_server_that_is_down_is_a_temporary_failure(audience, publish, deliver, settings):
    from tests.servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    publish()
    deliver()
    row = Delivery.objects.get()
    assert row.status == "queued" and row.attempts == 1 and row.last_error


def test_only_publishers_may_untick_send_alert(client, writer, publisher, make_release):
    release = make_release(status=Status.DRAFT, publish_at=None)
    client.force_login(writer)
    page = client.get(f"/admin/articles/release/{release.pk}/change/")
    assert 'name="send_alert"' not in page.text
    client.force_login(publisher)
    page = client.get(f"/admin/articles/release/{release.pk}/change/")
    assert 'name="send_alert"' in page.text


def test_the_deliver_command_says_what_is_left_and_refuses_a_bad_interval(
    audience, publish, smtp, settings
):
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.ALERT_RETRY_SECONDS = 60
    smtp.answers["all@example.org"] = "451 4.3.0 Try later"
    publish()
    out = StringIO()
    call_command("deliver", "--until-empty", stdout=out)
    assert "1 deliveries wait to be retried later" in out.getvalue()
    with pytest.raises(CommandError, match="more than 0 seconds"):
        call_command("deliver", "--interval", "0")


def test_an_alert_lost_between_the_commit_and_the_queue_is_found_by_the_sweep(
    audience, make_release, publisher, smtp, deliver
):
    """Publishing commits, then queues the alert after the commit; a process that dies between
    the two leaves a live release with no alert, which the worker's sweep queues."""
    release = make_release(status=Status.DRAFT, publish_at=None)
    take_step(
        cleared(release), "publish", publisher
    )  # the on-commit hook never runs inside this test
    assert not Alert.objects.exists()
    deliver()
    assert Alert.objects.filter(release=release).exists()
    assert [m["To"] for m in smtp.messages] == ["all@example.org"]
