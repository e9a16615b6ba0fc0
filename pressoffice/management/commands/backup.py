"""manage.py backup DIR: the database and every media file, with a manifest of checksums
(pressoffice/backups.py)."""

from django.core.management.base import BaseCommand, CommandError

from articles.photos.uploads import STORAGE_ERRORS
from pressoffice.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup (database, media, checksums) into a new folder under DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        try:
            folder = backup(directory)
        except (BackupError, *STORAGE_ERRORS) as error:
            raise CommandError(f"No backup written: {error}") from None
        self.stdout.write(f"Backup written to {folder}")
