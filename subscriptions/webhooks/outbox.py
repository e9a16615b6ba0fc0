"""WebhookDelivery rows on the sending engine (subscriptions/sending/delivery.py): POSTed as
signed JSON instead of mailed.

Each request carries Standard Webhooks' headers: webhook-id (the event's, the same on every
retry), webhook-timestamp and webhook-signature (HMAC-SHA256 with the endpoint's secret, made
by the standardwebhooks library). A 2xx answer is sent; 408, 409, 429, 5xx, a timeout or a
network error is tried again with back-off; any other answer, a redirect included, or an
address the SSRF rules refuse, is a refusal for good. An endpoint whose row is given up on is
marked failing, for the desk; an answer from it clears the mark."""

import http.client
import json
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import IntegerField, Value
from standardwebhooks.webhooks import Webhook

from articles.models import Release
from articles.states import State
from subscriptions.sending import keys
from subscriptions.sending.delivery import Refusal
from subscriptions.webhooks import addresses
from subscriptions.webhooks.models import (
    EventKind,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    webhook_id,
)

RETRYABLE = {408, 409, 429}
# Wanted only while the release is still in the state the event speaks of.
_WHILE = {
    EventKind.PUBLISHED: State.LIVE, EventKind.UPDATED: State.LIVE,
    EventKind.CORRECTED: State.LIVE, EventKind.SCHEDULED: State.SCHEDULED,
    EventKind.EMBARGO_MOVED: State.SCHEDULED,
}  # fmt: skip


class WebhookOutbox:
    """Delivery rows of events still true, to active endpoints."""

    model = WebhookDelivery
    group_field = "event_id"
    recipient_field = "endpoint"
    address_field = "endpoint__url"
    recipient_state_field = "endpoint__active"
    recipient_version = Value(0, output_field=IntegerField())
    permanent_tries = 1

    @property
    def batch_size(self):
        """Small: one worker sends mail and webhooks in turn, and a partner that times out
        holds the round for WEBHOOK_TIMEOUT_SECONDS a row."""
        return settings.WEBHOOK_BATCH_SIZE

    @property
    def max_attempts(self):
        return settings.WEBHOOK_MAX_ATTEMPTS

    @staticmethod
    def retry_delay(attempts):
        """Exponential, capped: with the defaults, 13 tries over about 20 hours."""
        delay = settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1)
        return min(delay, settings.WEBHOOK_RETRY_MAX_SECONDS)

    @staticmethod
    def recipient_ok(active):
        return bool(active)

    @staticmethod
    def wanted(event_ids, now):
        events = WebhookEvent.objects.filter(pk__in=event_ids)
        wanted = set(events.exclude(kind__in=list(_WHILE)).values_list("pk", flat=True))
        for state in set(_WHILE.values()):
            kinds = [kind for kind, when in _WHILE.items() if when == state]
            current = Release.objects.in_state(state, now)
            wanted.update(
                events.filter(kind__in=kinds, release__in=current).values_list("pk", flat=True)
            )
        return wanted

    @staticmethod
    def post(row):
        """Send one claimed row; None when the endpoint took it, else a Refusal."""
        event = WebhookEvent.objects.get(pk=row.group)
        endpoint = WebhookEndpoint.objects.get(pk=row.recipient)
        body = json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False)
        message_id = webhook_id(event.guid)
        moment = datetime.now(UTC).replace(microsecond=0)
        signature = Webhook(keys.decrypt(endpoint.secret_encrypted)).sign(message_id, moment, body)
        headers = {
            "content-type": "application/json",
            "user-agent": f"{settings.SITE_NAME} webhooks",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": signature,
        }
        try:
            status, _answer = addresses.post(
                row.email, body.encode(), headers, settings.WEBHOOK_TIMEOUT_SECONDS
            )
        except addresses.Refused as refused:
            return Refusal(True, str(refused)[:300])
        except (OSError, http.client.HTTPException) as error:
            return Refusal(False, f"{type(error).__name__}: {error}"[:300])
        if 200 <= status < 300:
            if endpoint.failing_since:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None,
                                                                      failure="")  # fmt: skip
            return None
        retry = status in RETRYABLE or status >= 500
        what = "a redirect, which is not followed" if 300 <= status < 400 else "refused"
        return Refusal(not retry, f"HTTP {status}: {what}")

    @staticmethod
    def refused_for_good(endpoint_id, gave_up, now):
        """Said by gave_up() below, with the reason: a row refused for good is given up."""

    @staticmethod
    def gave_up(endpoint_id, now, reason):
        """The engine gave up on a row: the endpoint is failing until it takes one again."""
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(failing_since=now, failure=reason)
