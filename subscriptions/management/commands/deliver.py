"""Run the worker: queued tasks and alert e-mail (subscriptions/sending/worker.py)."""

from django.core.management.base import BaseCommand, CommandError

from subscriptions.sending.models import Outgoing
from subscriptions.sending.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background worker: queued tasks (fan-outs, confirmation mail) and alert "
        "deliveries. Run one or more per host; stop with SIGTERM (the message in hand finishes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--until-empty",
            action="store_true",
            help="Stop when nothing is due now, instead of waiting for more work.",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait between looks when idle (default 1).",
        )

    def handle(self, *, until_empty, interval, verbosity, **options):
        if interval <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        worker = Worker(interval=interval)
        worker.work(until_empty=until_empty)
        if until_empty and verbosity:
            waiting = sum(
                outbox.model.objects.filter(status=Outgoing.Status.QUEUED).count()
                for outbox in worker.sender.outboxes
            )
            self.stdout.write(
                f"Nothing due now; {waiting} deliveries wait to be retried later."
                if waiting
                else "Nothing left to send."
            )
