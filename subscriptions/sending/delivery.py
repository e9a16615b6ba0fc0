"""Sending mail exactly once per recipient (docs/design.md, rule 11): readers' alerts and the press
corps' mailings alike.

Each message is one row (an Outgoing: Delivery, PressDelivery), unique per mailing and recipient
in the database. A worker claims a batch of due rows under row locks (SKIP LOCKED on PostgreSQL,
an exclusive transaction on SQLite) and stamps them with its id and a lease; it then sends them
one by one, recording each result in its own commit as soon as the server answers. A worker
killed mid-batch leaves only the message in flight unrecorded: when the lease runs out another
worker sends it again, with the same Message-ID. Rows no longer wanted (the release was taken
down, the reader left) are cancelled instead of sent, and a worker looks again every
ALERT_RECHECK_SECONDS while it sends, so a withdrawal stops the rest.

What differs between kinds of mail is an Outbox: which rows, who is still wanted, the message.
An Outbox with a `post(row)` method sends over HTTP instead (webhooks, social posts: it returns
None when the message was taken, else a Refusal, which may name the time to wait), and may set
its own batch, tries, back-off and what happens when a row is given up on (`batch_size`,
`max_attempts`, `permanent_tries`, `retry_delay`, `gave_up`).
"""

import contextlib
import logging
import smtplib
import time
from collections import namedtuple
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection
from django.utils import timezone
from django_tasks_db.utils import exclusive_transaction

from subscriptions.sending.models import Outgoing

logger = logging.getLogger(__name__)
Status = Outgoing.Status
# A claimed row: its id, its mailing (alert) id, its recipient's id, address (an e-mail
# address, or a webhook's URL) and link version.
Claimed = namedtuple("Claimed", "pk group recipient email version")


@dataclass(frozen=True)
class Refusal:
    """How a server (or the network) refused one message."""

    permanent: bool
    reason: str
    broken_connection: bool = False
    retry_after: float | None = None  # seconds the server asked for (a 429's reset time)


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


def claim(outbox, worker_id, now, size):
    """Claim up to `size` of the outbox's due rows for this worker; cancel those no longer
    wanted. Returns Claimed rows."""
    model = outbox.model
    with exclusive_transaction():
        rows = list(
            # No ORDER BY: any due rows will do, and the scan stops at the first `size`.
            model.objects.due(now)
            .order_by()
            .select_for_update(skip_locked=True, of=("self",))
            .values_list(
                "id", outbox.group_field, f"{outbox.recipient_field}_id",
                getattr(outbox, "address_field", f"{outbox.recipient_field}__email"),
                outbox.recipient_version,
                outbox.recipient_state_field,
            )[:size]
        )  # fmt: skip
        if not rows:
            return []
        wanted = outbox.wanted({row[1] for row in rows}, now)
        keep = [row for row in rows if row[1] in wanted and outbox.recipient_ok(row[5])]
        drop = [row[0] for row in rows if row not in keep]
        if drop:
            model.objects.filter(pk__in=drop).update(status=Status.CANCELLED)
        lease = now + timedelta(seconds=settings.ALERT_CLAIM_SECONDS)
        model.objects.filter(pk__in=[row[0] for row in keep]).update(
            claimed_by=worker_id, claimed_until=lease
        )
    return [Claimed(*row[:5]) for row in keep]


class Sender:
    """One worker's sending side: an open SMTP connection, and each mailing's mail made once."""

    def __init__(self, worker_id, outboxes):
        self.worker_id = worker_id
        self.outboxes = outboxes
        self.connection = None

    def close(self):
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None

    def send_due(self, now=None, size=None):
        """One batch from each outbox. Returns how many were sent or refused by the server; 0
        when the server could not be reached (the rest of that batch is released untouched, and
        the worker waits before trying again)."""
        handled, broken = 0, False
        for outbox in self.outboxes:
            if broken and not hasattr(outbox, "post"):
                continue  # the mail server is away; webhooks do not need it
            done = self._send_batch(outbox, now or timezone.now(), size)
            if done is None:
                broken = True
                continue
            handled += done
        return 0 if broken else handled

    def _send_batch(self, outbox, now, size):
        size = size or getattr(outbox, "batch_size", None) or settings.ALERT_BATCH_SIZE
        rows = claim(outbox, self.worker_id, now, size)
        send = self._post if hasattr(outbox, "post") else self._send_one
        checked, wanted = time.monotonic(), {row.group for row in rows}
        for done, row in enumerate(rows):
            if time.monotonic() - checked > settings.ALERT_RECHECK_SECONDS:
                checked = time.monotonic()
                wanted = outbox.wanted(wanted, timezone.now())
            if row.group not in wanted:
                _record(outbox.model, row.pk, status=Status.CANCELLED)
                continue
            if not send(outbox, row):
                unsent = [later.pk for later in rows[done + 1 :]]
                outbox.model.objects.filter(pk__in=unsent).update(claimed_by="", claimed_until=None)
                return None
        return len(rows)

    def _open(self):
        """The backend, connected; its smtplib connection if it is Django's SMTP backend."""
        smtp = getattr(self.connection, "connection", None)
        if smtp is not None and smtp.sock is None:  # the server hung up (after a 421, say)
            self.close()
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        return getattr(self.connection, "connection", None)

    def _send_one(self, outbox, row):
        """Send one row; False when the connection broke (the caller stops the batch)."""
        try:
            smtp = self._open()
        except Exception as error:  # noqa: BLE001 (every failure is recorded against the row)
            return self._refused(outbox, row, refusal(error))
        try:
            message = _build(outbox, row, smtp)
        except Unwanted:
            _record(outbox.model, row.pk, status=Status.CANCELLED)
            return True
        except Exception as error:  # noqa: BLE001 (a row no message can be made from)
            unbuildable(outbox, row, error)
            return True
        try:
            if isinstance(message, bytes):
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [row.email], message)
            else:  # any other backend (django-anymail), or a message made one by one
                self.connection.send_messages([message])
        except Exception as error:  # noqa: BLE001
            return self._refused(outbox, row, refusal(error))
        _sent(outbox.model, row.pk, timezone.now())
        return True

    def _post(self, outbox, row):
        """Send one row over HTTP: each request stands alone, so a batch never stops."""
        try:
            problem = outbox.post(row)
        except Unwanted:
            _record(outbox.model, row.pk, status=Status.CANCELLED)
            return True
        except Exception as error:  # noqa: BLE001 (a row no request can be made from)
            unbuildable(outbox, row, error)
            return True
        if problem is None:
            _sent(outbox.model, row.pk, timezone.now())
            return True
        failed(outbox, row, problem)
        logger.warning("delivery %s %s refused: %s", outbox.model.__name__, row.pk,
                       problem.reason)  # fmt: skip
        return True

    def _refused(self, outbox, row, problem):
        if problem.broken_connection:
            self.close()
        failed(outbox, row, problem)
        logger.warning("delivery %s %s refused: %s", outbox.model.__name__, row.pk,
                       problem.reason)  # fmt: skip
        return not problem.broken_connection


class Unwanted(Exception):  # noqa: N818 (a decision, not an error)
    """Raised by an outbox's mail while making a message that must not go (it would say what
    is no longer true): the row is cancelled."""


def _build(outbox, row, smtp):
    """The row's message: the bytes SMTP sends when the mail can make them from its wire copy,
    otherwise an EmailMessage whose MIME is built here, so that a header Django refuses (a
    line break in an old headline) fails this row alone, before anything is sent."""
    mail = outbox.mail(row.group)
    wire = getattr(mail, "wire", None)
    data = wire(row) if smtp is not None and wire else None
    if data is not None:
        return data
    message = mail.message(row)
    message.message()
    return message


def unbuildable(outbox, row, error):
    """A message that cannot be made will not be made by trying again: the row fails for good.
    It says nothing about the address, so the recipient is not marked."""
    reason = f"the message could not be made: {type(error).__name__}: {error}"[:300]
    attempts = outbox.model.objects.values_list("attempts", flat=True).get(pk=row.pk) + 1
    _record(outbox.model, row.pk, status=Status.FAILED, attempts=attempts, last_error=reason)
    logger.error("delivery %s %s failed: %s", outbox.model.__name__, row.pk, reason)


def _record(model, pk, **fields):
    model.objects.filter(pk=pk).update(claimed_by="", claimed_until=None, **fields)


def _sent(model, pk, now):
    """The commonest write of all, once per message: plain SQL, no query to compile (the
    sending rate is in bench/results/alerts-postgresql.json)."""
    sql = (
        f"UPDATE {model._meta.db_table} SET status = %s, sent_at = %s, attempts = attempts + 1, "
        "claimed_by = '', claimed_until = NULL WHERE id = %s"
    )  # noqa: S608 (the table name comes from the model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.SENT, now, pk])


def failed(outbox, row, problem, now=None):
    """Record a refusal: retry later with back-off, or give up (failed, undeliverable)."""
    now = now or timezone.now()
    model = outbox.model
    attempts = model.objects.values_list("attempts", flat=True).get(pk=row.pk) + 1
    if problem.permanent:
        gave_up = attempts >= getattr(outbox, "permanent_tries", settings.ALERT_PERMANENT_TRIES)
        outbox.refused_for_good(row.recipient, gave_up, now)
        if gave_up:
            _record(model, row.pk, status=Status.UNDELIVERABLE, attempts=attempts,
                    last_error=problem.reason)  # fmt: skip
            _given_up(outbox, row, now, problem)
            return
    elif attempts >= getattr(outbox, "max_attempts", settings.ALERT_MAX_ATTEMPTS):
        _record(model, row.pk, status=Status.FAILED, attempts=attempts, last_error=problem.reason)
        _given_up(outbox, row, now, problem)
        return
    if hasattr(outbox, "retry_delay"):
        delay = outbox.retry_delay(attempts)
    else:
        delay = min(settings.ALERT_RETRY_SECONDS * 2 ** (attempts - 1), 3600)
    if problem.retry_after:
        delay = max(delay, problem.retry_after)
    _record(model, row.pk, attempts=attempts, last_error=problem.reason,
            next_attempt_at=now + timedelta(seconds=delay))  # fmt: skip


def _given_up(outbox, row, now, problem):
    if hasattr(outbox, "gave_up"):
        outbox.gave_up(row.recipient, now, problem.reason)
