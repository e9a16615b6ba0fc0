"""manage.py restore FOLDER [--force] [--unsigned]: a backup back into an empty database and
storage, after checking its signature, its names and every checksum (pressoffice/backups.py)."""

from django.core.management.base import BaseCommand, CommandError

from articles.photos.uploads import STORAGE_ERRORS
from pressoffice.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what the database and the media storage hold now",
        )
        parser.add_argument(
            "--unsigned",
            action="store_true",
            help="restore without checking the manifest's signature against BACKUP_KEY (a backup "
            "written before backups were signed, or under a key you no longer have)",
        )

    def handle(self, folder, force=False, unsigned=False, **options):
        try:
            manifest = restore(folder, force=force, unsigned=unsigned)
        except (BackupError, *STORAGE_ERRORS) as error:
            raise CommandError(f"Restore stopped: {error}") from None
        self.stdout.write(
            f"Restored the backup of {manifest['created']} "
            f"({len(manifest['files'])} files checked)."
        )
