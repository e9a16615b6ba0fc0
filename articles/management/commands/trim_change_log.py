"""manage.py trim_change_log: forget the public change log's rows that no cached page can still
need (older than CHANGES_KEPT in articles/pagecache/freshness.py).

Safe to run on several servers at once; deploy/systemd/pressoffice-trim.timer runs it hourly.
Rows kept are what a CDN's purger (`manage.py cdn_keys --since`) can still read.
"""

from django.core.management.base import BaseCommand

from articles.models import TimerRun
from articles.pagecache.freshness import trim_change_log


class Command(BaseCommand):
    help = "Delete the public change log's rows that no cached page can still need."

    def handle(self, *args, **options):
        self.stdout.write(f"{trim_change_log()} old change log row(s) forgotten.")
        TimerRun.objects.ran("trim_change_log")  # the desk's health panel shows it
