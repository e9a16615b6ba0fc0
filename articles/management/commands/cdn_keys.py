"""manage.py cdn_keys: the opaque names pages send a CDN in `Surrogate-Key`, for a purger.

    manage.py cdn_keys release:42 live      # one line per key: <key> <name to purge>
    manage.py cdn_keys --since 1200         # the change log after 1200: <seq> <key> <name>

A purger remembers the last number it saw, purges each name printed after it, and catches up
before trim_change_log forgets those rows (CHANGES_KEPT in articles/pagecache/freshness.py).
"""

from django.core.management.base import BaseCommand, CommandError

from articles.models import PublicChange
from articles.pagecache.keys import cdn_key


class Command(BaseCommand):
    help = "Print the Surrogate-Key names of keys, or of the public changes after a number."

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="keys such as release:42, live, site")
        parser.add_argument("--since", type=int, help="print the changes after this number")

    def handle(self, keys=(), since=None, **options):
        if since is None and not keys:
            raise CommandError("Name some keys (release:42 live) or give --since NUMBER.")
        for key in keys:
            self.stdout.write(f"{key} {cdn_key(key)}")
        if since is not None:
            for seq, key in PublicChange.objects.since(since):
                self.stdout.write(f"{seq} {key} {cdn_key(key)}")
