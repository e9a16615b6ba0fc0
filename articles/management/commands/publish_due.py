"""manage.py publish_due: run the going-live steps of releases whose publish time has come.

Visibility never waits for this command (the live() query decides); it records "went live",
assigns missing release numbers and fires the release_went_live signal, exactly once per
release. Idempotent and safe to run concurrently, e.g. every minute from cron or a systemd timer.
The public change log is trimmed by its own command, `manage.py trim_change_log`.
"""

from django.core.management.base import BaseCommand

from articles.editorial.workflow import publish_due
from articles.models import TimerRun


class Command(BaseCommand):
    help = "Run the going-live steps of releases whose publish time has come (once each)."

    def handle(self, *args, **options):
        done = publish_due()
        for release in done:
            self.stdout.write(f"Went live: {release.title} ({release.state_label})")
        self.stdout.write(f"{len(done)} release(s) went live.")
        TimerRun.objects.ran("publish_due")  # the desk says when the timer has stopped
