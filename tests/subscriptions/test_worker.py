"""The worker as operators run it: `manage.py deliver` processes beside the site, killed and
restarted, while releases are published and withdrawn."""

import signal
import time
from collections import Counter

import pytest
from django.utils import timezone

from articles.editorial.workflow import take_step
from articles.states import Status
from subscriptions.models import Alert, Delivery, Subscriber
from tests.support import cleared

pytestmark = pytest.mark.django_db(transaction=True)


def many_subscribers(count):
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n:05d}@example.org", all_releases=True, consented_at=now,
                   confirmed_at=now)
        for n in range(count)
    )  # fmt: skip


def publish_now(make_release, publisher):
    release = make_release(status=Status.DRAFT, publish_at=None)
    take_step(cleared(release), "publish", publisher)  # autocommit: the signal fires at once
    return release


def wait_until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def settled(alert):
    return lambda: not alert.deliveries.filter(status=Delivery.Status.QUEUED).exists()


def test_a_killed_worker_resumes_with_at_most_the_message_in_flight_repeated(
    make_release, publisher, smtp, worker_process
):
    many_subscribers(300)
    smtp.delay = 0.01  # slow enough to kill the worker mid-batch
    first = worker_process(ALERT_BATCH_SIZE=50, ALERT_CLAIM_SECONDS=2)
    release = publish_now(make_release, publisher)
    assert smtp.wait_for(80, timeout=60), "the first worker sent too little"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed_at = len(smtp.messages)
    assert killed_at < 300, "the kill came too late to be mid-send"
    worker_process(ALERT_BATCH_SIZE=50, ALERT_CLAIM_SECONDS=2)
    alert = Alert.objects.get(release=release)
    assert wait_until(settled(alert), timeout=120)
    assert alert.counts()["sent"] == 300

    per_address = Counter(m["To"] for m in smtp.messages)
    assert set(per_address) == {f"reader{n:05d}@example.org" for n in range(300)}
    repeated = [address for address, n in per_address.items() if n > 1]
    assert len(repeated) <= 1 and max(per_address.values()) <= 2
    for address in repeated:  # the message in flight at the kill: the same Message-ID twice
        assert len({m["Message-ID"] for m in smtp.to(address)}) == 1


def test_two_workers_share_an_alert_and_send_each_message_once(
    make_release, publisher, smtp, worker_process
):
    many_subscribers(200)
    worker_process(ALERT_BATCH_SIZE=20)
    worker_process(ALERT_BATCH_SIZE=20)
    release = publish_now(make_release, publisher)
    alert = Alert.objects.get(release=release)
    assert wait_until(lambda: alert.counts()["sent"] == 200, timeout=120)
    assert len(smtp.messages) == 200
    assert len({m["Message-ID"] for m in smtp.messages}) == 200
    assert len(set(Delivery.objects.values_list("claimed_by", flat=True))) == 1  # all released


def test_withdrawing_mid_send_stops_the_remaining_messages(
    make_release, publisher, smtp, worker_process
):
    many_subscribers(300)
    smtp.delay = 0.02
    worker_process(ALERT_BATCH_SIZE=50, ALERT_RECHECK_SECONDS=0.1)
    release = publish_now(make_release, publisher)
    assert smtp.wait_for(20, timeout=60)
    take_step(release, "withdraw", publisher)
    withdrawn_at = len(smtp.messages)
    alert = Alert.objects.get(release=release)
    assert wait_until(settled(alert), timeout=60)
    time.sleep(0.5)
    counts = alert.counts()
    # At most the message in hand and one recheck interval's worth go after the withdrawal.
    assert len(smtp.messages) <= withdrawn_at + 10
    assert counts["sent"] == len(smtp.messages) and counts["sent"] < 300
    assert counts["cancelled"] == 300 - counts["sent"]
