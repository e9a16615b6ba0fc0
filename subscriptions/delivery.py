"""Sending alerts, exactly once per subscriber and release (DESIGN rule 11).

Each (alert, subscriber) pair is one Delivery row, unique in the database. A worker claims a
batch of due rows under row locks (SKIP LOCKED on PostgreSQL, an exclusive transaction on
SQLite) and stamps them with its id and a lease; it then sends them one by one, recording each
result in its own commit as soon as the server answers. A worker killed mid-batch leaves only
the message in flight unrecorded: when the lease runs out another worker sends it again, with
the same Message-ID. Rows of a release that is no longer live are cancelled instead of sent, and
a worker looks again every ALERT_RECHECK_SECONDS while it sends, so a withdrawal stops the rest.
"""

import contextlib
import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.utils import exclusive_transaction

from articles.models import Release
from subscriptions.mail import AlertMail
from subscriptions.models import Alert, Delivery, Subscriber

logger = logging.getLogger(__name__)
Status = Delivery.Status


@dataclass(frozen=True)
class Refusal:
    """How a server (or the network) refused one message."""

    permanent: bool
    reason: str
    broken_connection: bool = False


def refusal(error):
    """Read an exception from the mail backend as temporary (4xx, network) or permanent (5xx)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, error.smtp_error
    else:  # disconnected, timed out, refused connection, or a provider's own error
        return Refusal(False, f"{type(error).__name__}: {error}"[:300], broken_connection=True)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return Refusal(500 <= code < 600, f"{code} {text}"[:300])


def fan_out(alert):
    """Make the alert's delivery rows: one per receiving subscriber of "all releases" or of any
    of the release's topics. One INSERT … SELECT; running it again adds nobody twice."""
    subscriber = Subscriber._meta.db_table
    topics = Subscriber.topics.through._meta.db_table
    tagged = Release.tags.through._meta.db_table
    delivery = Delivery._meta.db_table
    now = timezone.now()
    sql = f"""
        INSERT INTO {delivery} (alert_id, subscriber_id, status, attempts, next_attempt_at,
                                claimed_by, last_error)
        SELECT %s, s.id, %s, 0, %s, '', ''
        FROM {subscriber} s
        WHERE s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL
          AND s.undeliverable_at IS NULL
          AND (s.all_releases OR EXISTS (
                SELECT 1 FROM {topics} st JOIN {tagged} rt ON rt.tag_id = st.tag_id
                WHERE st.subscriber_id = s.id AND rt.object_id = %s
                  AND rt.content_type_id = %s))
        ON CONFLICT DO NOTHING
    """  # noqa: S608 (table names from the models; values are parameters)
    from django.contrib.contenttypes.models import ContentType

    release_type = ContentType.objects.get_for_model(Release).pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [alert.pk, Status.QUEUED, now, alert.release_id, release_type])
        recipients = alert.deliveries.count()
        Alert.objects.filter(pk=alert.pk).update(recipients=recipients, fanned_out_at=now)
    return recipients


def claim(worker_id, now, size):
    """Claim up to `size` due deliveries for this worker; cancel any whose release is no longer
    live or whose subscriber left. Returns (id, alert id, subscriber id, address) rows."""
    with exclusive_transaction():
        rows = list(
            # No ORDER BY: any due rows will do, and the scan stops at the first `size`.
            Delivery.objects.due(now)
            .order_by()
            .select_for_update(skip_locked=True, of=("self",))
            .values_list(
                "id", "alert_id", "subscriber_id", "subscriber__unsubscribed_at",
                "subscriber__email",
            )[:size]
        )  # fmt: skip
        if not rows:
            return []
        live = set(
            Alert.objects.filter(
                pk__in={row[1] for row in rows}, release__in=Release.objects.live(now)
            ).values_list("pk", flat=True)
        )
        keep = [row for row in rows if row[1] in live and row[3] is None]
        drop = [row[0] for row in rows if row not in keep]
        if drop:
            Delivery.objects.filter(pk__in=drop).update(status=Status.CANCELLED)
        lease = now + timedelta(seconds=settings.ALERT_CLAIM_SECONDS)
        Delivery.objects.filter(pk__in=[row[0] for row in keep]).update(
            claimed_by=worker_id, claimed_until=lease
        )
    return [(pk, alert_id, subscriber_id, email) for pk, alert_id, subscriber_id, _, email in keep]


class Sender:
    """One worker's sending side: an open SMTP connection, and each release's mail rendered once."""

    def __init__(self, worker_id):
        self.worker_id = worker_id
        self.connection = None
        self.mails = {}

    def close(self):
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None

    def _mail(self, alert_id):
        if alert_id not in self.mails:
            if len(self.mails) > 20:
                self.mails.clear()
            release = Release.objects.select_related("office").get(alert__pk=alert_id)
            self.mails[alert_id] = AlertMail(release)
        return self.mails[alert_id]

    def send_due(self, now=None, size=None):
        """Claim one batch and send it. Returns how many were sent or refused by the server;
        0 when the server could not be reached (the rest of the batch is released untouched,
        and the worker waits before trying again)."""
        now = now or timezone.now()
        rows = claim(self.worker_id, now, size or settings.ALERT_BATCH_SIZE)
        checked, alerts = time.monotonic(), {row[1] for row in rows}
        for done, (pk, alert_id, subscriber_id, email) in enumerate(rows):
            if time.monotonic() - checked > settings.ALERT_RECHECK_SECONDS:
                checked = time.monotonic()
                alerts = self._still_live(alerts)
            if alert_id not in alerts:
                _record(pk, status=Status.CANCELLED)
                continue
            if not self._send_one(pk, subscriber_id, email, self._mail(alert_id)):
                unsent = [row[0] for row in rows[done + 1 :]]
                Delivery.objects.filter(pk__in=unsent).update(claimed_by="", claimed_until=None)
                return 0
        return len(rows)

    def _still_live(self, alert_ids):
        return set(
            Alert.objects.filter(pk__in=alert_ids, release__in=Release.objects.live()).values_list(
                "pk", flat=True
            )
        )

    def _open(self):
        """The backend, connected; its smtplib connection if it is Django's SMTP backend."""
        smtp = getattr(self.connection, "connection", None)
        if smtp is not None and smtp.sock is None:  # the server hung up (after a 421, say)
            self.close()
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        return getattr(self.connection, "connection", None)

    def _send_one(self, pk, subscriber_id, email, mail):
        try:
            smtp = self._open()
            data = mail.wire(subscriber_id, email) if smtp is not None else None
            if data is not None:
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [email], data)
            else:  # any other backend (django-anymail), or an address that needs encoding
                self.connection.send_messages([mail.to(subscriber_id, email)])
        except Exception as error:  # noqa: BLE001 (every failure is recorded against the row)
            problem = refusal(error)
            if problem.broken_connection:
                self.close()
            failed(pk, subscriber_id, problem)
            logger.warning("alert delivery %s refused: %s", pk, problem.reason)
            return not problem.broken_connection
        _sent(pk, timezone.now())
        return True


def _record(pk, **fields):
    Delivery.objects.filter(pk=pk).update(claimed_by="", claimed_until=None, **fields)


def _sent(pk, now):
    """The commonest write of all, once per message: plain SQL, no query to compile."""
    with connection.cursor() as cursor:
        cursor.execute(_SENT_SQL, [Status.SENT, now, pk])


_SENT_SQL = (
    f"UPDATE {Delivery._meta.db_table} SET status = %s, sent_at = %s, attempts = attempts + 1, "
    "claimed_by = '', claimed_until = NULL WHERE id = %s"
)


def failed(pk, subscriber_id, problem, now=None):
    """Record a refusal: retry later with back-off, or give up (failed, undeliverable)."""
    now = now or timezone.now()
    attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=pk) + 1
    if problem.permanent:
        Subscriber.objects.filter(pk=subscriber_id).update(
            permanent_failures=F("permanent_failures") + 1
        )
        if attempts >= settings.ALERT_PERMANENT_TRIES:
            Subscriber.objects.filter(pk=subscriber_id).update(undeliverable_at=now)
            _record(pk, status=Status.UNDELIVERABLE, attempts=attempts, last_error=problem.reason)
            return
    elif attempts >= settings.ALERT_MAX_ATTEMPTS:
        _record(pk, status=Status.FAILED, attempts=attempts, last_error=problem.reason)
        return
    delay = min(settings.ALERT_RETRY_SECONDS * 2 ** (attempts - 1), 3600)
    _record(pk, attempts=attempts, last_error=problem.reason,
            next_attempt_at=now + timedelta(seconds=delay))  # fmt: skip
