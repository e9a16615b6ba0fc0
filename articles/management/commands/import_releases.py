"""manage.py import_releases PATH...: import plain-text releases (editorial/importer.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.editorial.importer import ReleaseFileError, import_release, parse_release, read_text
from articles.models import Office, Release


class Command(BaseCommand):
    help = (
        "Import plain-text releases: headline on the first line, one paragraph per line, "
        "the dateline opening the first paragraph. Re-running updates instead of duplicating."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (*.txt)")
        parser.add_argument(
            "--status",
            choices=[Release.Status.DRAFT, Release.Status.PUBLISHED],
            help="status of the imported releases (new ones default to draft; "
            "when given, existing ones are set to it too)",
        )
        parser.add_argument(
            "--office",
            metavar="NAME",
            help="issuing office for files that name none (default: the default office)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would happen; change nothing"
        )

    def handle(self, *args, paths, status, office, dry_run, **options):
        office_obj = None
        if office:
            office_obj = Office.objects.filter(name=office).first()
            if office_obj is None:
                raise CommandError(f"No office named “{office}”. Create it in the admin first.")

        files = self._expand(paths)
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        verb = "would be " if dry_run else ""
        for number, path in enumerate(files, start=1):
            prefix = f"[{number}/{len(files)}] {path}"
            try:
                parsed = parse_release(read_text(path))
                result = import_release(parsed, status=status, office=office_obj, dry_run=dry_run)
            except ReleaseFileError as exc:
                counts["failed"] += 1
                self.stderr.write(f"{prefix}: error: {exc}")
                continue
            counts[result.outcome] += 1
            outcome = result.outcome if result.outcome == "unchanged" else verb + result.outcome
            self.stdout.write(f"{prefix}: {outcome}: {parsed.title}")

        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(("Dry run, nothing saved: " if dry_run else "") + summary)
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} of {len(files)} files could not be imported.")

    def _expand(self, paths):
        files = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
            else:
                files.append(path)
        if not files:
            raise CommandError("No .txt files found in the given folders.")
        return files
