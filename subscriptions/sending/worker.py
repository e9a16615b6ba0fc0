"""The worker (`manage.py deliver`): runs queued tasks, sends due alert deliveries, press mail,
webhooks and social posts, and now and then sweeps up what a crash or the calendar left behind.

Tasks are django-tasks' database backend rows, claimed and run with django-tasks-db's own code;
deliveries are claimed in batches by subscriptions/sending/delivery.py. Any number of workers
may run on any number of hosts: everything they share is in the database.
"""

import logging
import os
import signal
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.backends.signals import connection_created
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as TaskRunner
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from articles.models import Release
from subscriptions.press.embargo import PressOutbox
from subscriptions.readers import alerts
from subscriptions.readers.models import Alert, Subscriber
from subscriptions.sending import delivery
from subscriptions.sending.tasks import queue_alert
from subscriptions.social.lifecycle import missed as missed_social_posts
from subscriptions.social.outbox import SocialOutbox
from subscriptions.webhooks.events import missed as missed_webhook_events
from subscriptions.webhooks.outbox import WebhookOutbox

logger = logging.getLogger(__name__)


def _commit_without_waiting(sender, connection, **kwargs):
    """The worker's commits on PostgreSQL don't wait for the disk (synchronous_commit off).

    Each sent message is recorded in its own commit; waiting for each flush held sending to
    the disk's pace (the rate now: bench/results/alerts-postgresql.json). A crashed worker
    loses nothing by this (the server has every commit); only a crash of PostgreSQL itself
    could forget the last fraction of a second of "sent" marks, and those messages go again
    with the same Message-ID, which receivers drop."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


class Worker:
    def __init__(self, worker_id=None, interval=1.0):
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{get_random_string(6)}"
        self.interval = interval
        self.running = True
        self.sender = delivery.Sender(
            self.worker_id,
            [alerts.AlertOutbox(), PressOutbox(), WebhookOutbox(), SocialOutbox()],
        )
        self.tasks = TaskRunner(
            queue_names=["*"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id=self.worker_id[:64],
            excluded_queue_names=[],
        )  # fmt: skip
        self.swept_at = None

    def stop(self, signum=None, frame=None):
        """Finish the message in hand, then stop (SIGTERM, SIGINT)."""
        self.running = False

    def run_one_task(self):
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(ready.db):
                found = ready.get_locked()
                if found is not None:
                    found.claim(self.worker_id[:64])
        except OperationalError as error:
            if is_locked_database_exception(error):
                return False  # SQLite busy: another worker holds it; try again next round
            raise
        if found is None:
            return False
        self.tasks.run_task(found)
        return True

    def sweep(self, now=None):
        """Queue an alert (a webhook's release.published, social posts) whose release went live
        while its process died before queueing it, finish fan-outs a killed worker left half
        done (they are idempotent), and forget addresses whose retention has run out."""
        now = now or timezone.now()
        missed = Release.objects.live(now).filter(
            went_live_at__gte=now - timedelta(hours=1), send_alert=True, alert__isnull=True
        )
        for release in missed:
            queue_alert(Release, release)
        stale = Alert.objects.filter(
            fanned_out_at__isnull=True, queued_at__lt=now - timedelta(seconds=60)
        )
        for alert in stale:
            alerts.fan_out(alert)
        missed_webhook_events(now)
        missed_social_posts(now)
        forgotten, _ = Subscriber.objects.forgettable(now).delete()
        if forgotten:
            logger.info("forgot %d addresses past their retention", forgotten)
        self.swept_at = time.monotonic()

    def work_once(self):
        """One round: a task, then a batch of deliveries. True if there was anything to do."""
        did_task = self.run_one_task()
        sent = self.sender.send_due()
        return did_task or bool(sent)

    def work(self, until_empty=False):
        connection_created.connect(_commit_without_waiting, dispatch_uid="worker-commits")
        if connection.connection is not None:
            _commit_without_waiting(None, connection)
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        logger.info("worker %s started", self.worker_id)
        try:
            self.sweep()
            while self.running:
                busy = self.work_once()
                if not busy:
                    if until_empty:
                        break
                    self._nap()
                if time.monotonic() - self.swept_at > settings.ALERT_SWEEP_SECONDS:
                    self.sweep()
        finally:
            self.sender.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("worker %s stopped", self.worker_id)

    def _nap(self):
        deadline = time.monotonic() + self.interval
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.1, self.interval))
        close_old_connections()  # as after a request: drop connections past CONN_MAX_AGE
