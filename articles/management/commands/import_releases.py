"""manage.py import_releases PATH...: import plain-text releases (editorial/importer.py), each
with the address it had on the old site, if given (--legacy-urls), kept as a redirect."""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.editorial.importer import ReleaseFileError, import_release, parse_release, read_text
from articles.editorial.redirects import RedirectError, old_address, record_legacy
from articles.management.files import read_named_file
from articles.models import Office, Release

LEGACY_HEADER = ["source_key", "legacy_url"]


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
        parser.add_argument(
            "--legacy-urls",
            metavar="FILE",
            help="a CSV file of source_key,legacy_url lines: each release's address on the "
            "old site, kept as a redirect to the release; the key is the release file's name, "
            "or its source key (2011-05-26/headline-slug)",
        )

    def handle(self, *args, paths, status, office, dry_run, legacy_urls, **options):
        legacy = read_legacy_urls(legacy_urls) if legacy_urls else {}
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
                # The release and its legacy redirect commit together, or neither does.
                with transaction.atomic():
                    result = import_release(
                        parsed, status=status, office=office_obj, dry_run=dry_run
                    )
                    url = legacy.pop(path.name, None) or legacy.pop(parsed.source_key, None)
                    kept = record_legacy(result.release, url, dry_run=dry_run) if url else None
            except (ReleaseFileError, RedirectError) as exc:
                counts["failed"] += 1
                self.stderr.write(f"{prefix}: error: {exc}")
                continue
            counts[result.outcome] += 1
            outcome = result.outcome if result.outcome == "unchanged" else verb + result.outcome
            redirect = f" (legacy address {url}: {verb if kept == 'added' else ''}{kept})"
            self.stdout.write(f"{prefix}: {outcome}: {parsed.title}{redirect if url else ''}")

        for key in legacy:
            self.stderr.write(f"{legacy_urls}: warning: no imported release has the key “{key}”")
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


def read_legacy_urls(name):
    """{file name or source key: legacy address} from a CSV file, or CommandError naming the
    line that is wrong."""
    try:
        text = read_named_file(name).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{name}: not UTF-8 text.") from None
    found, problems = {}, []
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CommandError(f"{name}: not CSV ({exc}).") from None
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or (number == 1 and [c.lower() for c in cells] == LEGACY_HEADER):
            continue
        if len(cells) != 2 or not all(cells):
            problems.append(f"{name}:{number}: expected two columns, source_key,legacy_url")
            continue
        key, url = cells
        try:
            old_address(url)
        except RedirectError as exc:
            problems.append(f"{name}:{number}: {exc}")
            continue
        if key in found:
            problems.append(f"{name}:{number}: “{key}” is given a legacy address twice")
        found[key] = url
    if problems:
        raise CommandError("\n".join(problems))
    return found
