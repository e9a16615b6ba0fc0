"""manage.py publish_due: run the going-live steps of releases whose publish time has come.

Visibility never waits for this command (the live() query decides); it records "went live",
assigns missing release numbers and fires the release_went_live signal, exactly once per
release. Idempotent and safe to run concurrently, e.g. every minute from cron or a systemd timer.
It also trims the public change log of rows older than any cached page can be.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.editorial.workflow import publish_due
from articles.models import PublicChange
from articles.pagecache.freshness import LONGEST


class Command(BaseCommand):
    help = "Run the going-live steps of releases whose publish time has come (once each)."

    def handle(self, *args, **options):
        done = publish_due()
        for release in done:
            self.stdout.write(f"Went live: {release.title} ({release.state_label})")
        self.stdout.write(f"{len(done)} release(s) went live.")
        PublicChange.objects.forget_before(timezone.now() - 2 * LONGEST)
