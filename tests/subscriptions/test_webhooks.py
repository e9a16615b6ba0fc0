"""Partners' webhooks end to end: an Administrator registers an endpoint in the admin (its
secret shown once), the workflow's steps make events, and the worker POSTs them to a receiver
on loopback that verifies every signature with the standardwebhooks library."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.editorial.workflow import add_correction, publish_due, save_with_revision, take_step
from articles.roles import ADMINISTRATOR
from articles.states import Status
from subscriptions.models import WebhookDelivery, WebhookEndpoint
from tests.editorial.test_desk import panels
from tests.subscriptions.webhook_receiver import Receiver
from tests.support import cleared

pytestmark = pytest.mark.django_db
PUBLIC = ["release.published", "release.updated", "release.corrected", "release.withdrawn"]


@pytest.fixture
def loopback(settings):
    """The receiver lives on loopback: allowed here, as a partner's own network could be."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.SITE_URL = "https://press.example.gov"


@pytest.fixture
def admin_client(people):
    client = Client()
    client.force_login(people[ADMINISTRATOR])
    return client


@pytest.fixture
def receivers():
    started = []

    def start():
        started.append(Receiver().start())
        return started[-1]

    yield start
    for receiver in started:
        receiver.stop()


def add_endpoint(client, url, events=PUBLIC, trusted=False, description="Wire service"):
    """Through the admin's add form, with its defaults for what is not given; returns the
    response (the secret's page when saved)."""
    data = {"url": url, "description": description, "events": list(events), "active": "on"}
    if trusted:
        data["embargo_trusted"] = "on"
    return client.post("/admin/subscriptions/webhookendpoint/add/", data)


@pytest.fixture
def register(admin_client, loopback, receivers):
    """register(events=…, trusted=False): a receiver, registered in the admin; its secret read
    from the page that shows it once."""

    def make(events=PUBLIC, trusted=False, description="Wire service"):
        receiver = receivers()
        page = add_endpoint(admin_client, receiver.url, events, trusted, description)
        assert page.status_code == 200, page.content[:2000]
        receiver.secret = re.search(r'value="(whsec_[^"]+)"', page.text).group(1)
        receiver.endpoint = WebhookEndpoint.objects.get(url=receiver.url)
        return receiver

    return make


@pytest.fixture
def publish(make_release, publisher, django_capture_on_commit_callbacks):
    def run(**fields):
        release = make_release(status=Status.DRAFT, publish_at=None, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            return take_step(cleared(release), "publish", publisher)

    return run


def test_publishing_delivers_one_signed_release_published_after_the_worker_runs(
    register, publish, deliver
):
    partner = register()
    release = publish(title="Navy commissions a ship")
    assert partner.requests == 0, "the request only queues; the worker sends"
    deliver()
    deliver()
    assert partner.types() == ["release.published"] and partner.unsigned == 0
    headers, payload = partner.received[0]
    data = payload["data"]
    assert data["id"] == str(release.guid) and data["title"] == "Navy commissions a ship"
    assert data["url"].startswith("https://press.example.gov/news/") and data["state"] == "live"
    assert data["office"] == "Office of Public Affairs" and data["topics"] == []
    assert headers["webhook-id"].startswith("msg_") and headers["webhook-timestamp"].isdigit()
    assert headers["content-type"] == "application/json"
    assert WebhookDelivery.objects.get().status == "sent"


def test_a_scheduled_release_is_told_only_to_embargo_trusted_endpoints_until_its_minute(
    register, make_release, publisher, deliver, django_capture_on_commit_callbacks
):
    trusted = register(events=[*PUBLIC, "release.scheduled", "release.embargo_moved"],
                       trusted=True, description="Agency bound by embargo")  # fmt: skip
    public = register(events=[*PUBLIC, "release.scheduled", "release.embargo_moved"])
    release = make_release(status=Status.DRAFT, publish_at=None)
    minute = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        take_step(cleared(release), "schedule", publisher, when=minute)
    with django_capture_on_commit_callbacks(execute=True):
        take_step(release, "schedule", publisher, when=minute + timedelta(hours=1))
    deliver()
    assert trusted.types() == ["release.scheduled", "release.embargo_moved"]
    assert trusted.received[1][1]["data"]["state"] == "scheduled"
    assert public.requests == 0, "nothing about a release before its minute"
    with time_machine.travel(minute + timedelta(hours=1, seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            publish_due()
            publish_due()  # another server's timer finds nothing to do
        deliver()
        assert public.types() == ["release.published"]
        assert trusted.types()[-1] == "release.published" and len(trusted.types()) == 3


def test_a_publication_whose_signal_was_lost_is_told_once_by_the_workers_sweep(
    register, make_release, publisher, deliver, django_capture_on_commit_callbacks
):
    partner = register()
    release = make_release(status=Status.DRAFT, publish_at=None)
    take_step(cleared(release), "publish", publisher)  # committed; its process died before
    assert not partner.received  # the on-commit signal ran (it never does here)
    deliver()  # the worker's first sweep finds it
    deliver()
    assert partner.types() == ["release.published"]
    with django_capture_on_commit_callbacks(execute=True):
        take_step(release, "withdraw", publisher)
        take_step(cleared(release), "publish", publisher)  # a second publication: told anew
    deliver()
    assert partner.types() == ["release.published", "release.withdrawn", "release.published"]


def test_withdrawing_before_the_worker_runs_cancels_the_queued_published_event(
    register, publish, publisher, deliver, django_capture_on_commit_callbacks
):
    partner = register()
    release = publish()
    with django_capture_on_commit_callbacks(execute=True):
        take_step(release, "withdraw", publisher)
    deliver()
    assert partner.types() == ["release.withdrawn"]
    statuses = sorted(WebhookDelivery.objects.values_list("event__kind", "status"))
    assert statuses == [("release.published", "cancelled"), ("release.withdrawn", "sent")]


def test_a_correction_and_a_changed_live_text_are_told(
    register, publish, publisher, deliver, django_capture_on_commit_callbacks
):
    partner = register()
    release = publish()
    deliver()
    with django_capture_on_commit_callbacks(execute=True):
        add_correction(release, publisher, "An earlier version misstated the date.")
    release.refresh_from_db()
    release.title = "Navy commissions a second ship"
    with django_capture_on_commit_callbacks(execute=True):
        save_with_revision(release, publisher, "Edited")
    release.featured = not release.featured  # not its text: nothing to tell
    with django_capture_on_commit_callbacks(execute=True):
        save_with_revision(release, publisher, "Featured")
    deliver()
    assert partner.types() == ["release.published", "release.corrected", "release.updated"]
    correction = partner.received[1][1]["data"]["correction"]
    assert correction["text"] == "An earlier version misstated the date."
    assert partner.received[2][1]["data"]["title"] == "Navy commissions a second ship"


def test_an_endpoint_gets_only_the_events_it_chose(register, publish, publisher, deliver,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    partner = register(events=["release.withdrawn"])
    release = publish()
    with django_capture_on_commit_callbacks(execute=True):
        take_step(release, "withdraw", publisher)
    deliver()
    assert partner.types() == ["release.withdrawn"]


@pytest.mark.parametrize("answer", [500, 429, 408, 503])
def test_a_temporary_failure_is_retried_with_the_same_webhook_id(
    register, publish, deliver, settings, answer
):
    partner = register()
    partner.answers = [answer, 200]
    publish()
    deliver()
    row = WebhookDelivery.objects.get()
    assert row.status == "queued" and row.attempts == 1 and f"HTTP {answer}" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backed off
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        deliver()
    assert partner.requests == 2 and len(partner.received) == 2
    first, second = (headers for headers, _payload in partner.received)
    assert first["webhook-id"] == second["webhook-id"]
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2


def test_back_off_doubles_up_to_its_cap_over_about_a_day(settings):
    from subscriptions.webhooks.outbox import WebhookOutbox

    delays = [WebhookOutbox.retry_delay(n) for n in range(1, settings.WEBHOOK_MAX_ATTEMPTS)]
    assert delays[:3] == [30, 60, 120] and max(delays) == settings.WEBHOOK_RETRY_MAX_SECONDS
    assert 16 * 3600 < sum(delays) < 30 * 3600


@pytest.mark.parametrize("answer", [410, 400, 404, 301])
def test_a_refusal_or_a_redirect_is_for_good_and_the_desk_shows_the_endpoint(
    register, publish, deliver, answer, admin_client
):
    partner = register()
    partner.answers = [answer]
    publish()
    deliver()
    row = WebhookDelivery.objects.get()
    assert row.status == "undeliverable" and f"HTTP {answer}" in row.last_error
    assert partner.requests == 1, "a redirect is not followed"
    partner.endpoint.refresh_from_db()
    assert partner.endpoint.failing_since is not None
    assert "Wire service" in panels(admin_client.get("/admin/"))["webhooks-failing"]


def test_after_the_last_retry_the_endpoint_is_failing_on_the_administrators_desk(
    register, publish, deliver, settings, admin_client, publisher
):
    settings.WEBHOOK_RETRY_SECONDS = 0  # every retry due at once
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    partner = register(description="Regional wire")
    assert "webhooks-failing" not in panels(admin_client.get("/admin/"))
    partner.answers = [500] * 10
    publish()
    deliver()
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, partner.requests) == ("failed", 4, 4)
    panel = panels(admin_client.get("/admin/"))["webhooks-failing"]
    assert "Regional wire" in panel and "HTTP 500" in panel
    publisher_client = Client()
    publisher_client.force_login(publisher)
    assert "webhooks-failing" not in panels(publisher_client.get("/admin/"))
    # The partner is back: the next event it takes clears the alarm.
    partner.answers = []
    publish()
    deliver()
    assert "webhooks-failing" not in panels(admin_client.get("/admin/"))


def test_a_timeout_is_retried(register, publish, deliver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    settings.WEBHOOK_RETRY_SECONDS = 0
    partner = register()
    partner.answers = [1.0]  # sleeps past the timeout, then answers too late
    publish()
    deliver()
    row = WebhookDelivery.objects.get()
    assert row.status == "sent" and row.attempts == 2
    assert "timed out" in row.last_error or "TimeoutError" in row.last_error


def test_a_loopback_address_no_longer_allowed_is_refused_for_good_without_a_request(
    register, publish, deliver, settings
):
    partner = register()
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = []
    publish()
    deliver()
    row = WebhookDelivery.objects.get()
    assert row.status == "undeliverable" and "127.0.0.1" in row.last_error
    assert "public addresses" in row.last_error and partner.requests == 0


def test_a_worker_claims_a_few_webhooks_a_round_so_mail_is_not_held_up(register, publish, settings):
    from subscriptions.sending.delivery import Sender
    from subscriptions.webhooks.outbox import WebhookOutbox

    settings.WEBHOOK_BATCH_SIZE = 2
    partners = [register(description=f"Wire {n}") for n in range(3)]
    publish()
    sender = Sender("test-worker", [WebhookOutbox()])
    assert sender.send_due() == 2
    assert sender.send_due() == 1
    assert sorted(len(partner.received) for partner in partners) == [1, 1, 1]
