"""manage.py import_redirects FILE: add redirects from a CSV file of old,new addresses
(articles/editorial/redirects.py checks every line first; a problem anywhere writes nothing)."""

from django.core.management.base import BaseCommand, CommandError

from articles.editorial.redirects import RedirectError, apply, plan, read_csv
from articles.management.files import read_named_file


class Command(BaseCommand):
    help = (
        "Add redirects from a CSV file: one line per redirect, old address then new address "
        "(a header line old,new is allowed). Every line is checked first; if any has a problem, "
        "nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="a UTF-8 CSV file of old,new addresses")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every line and write nothing"
        )

    def handle(self, *args, file, dry_run, **options):
        data = read_named_file(file)
        try:
            lines = plan(read_csv(data))
        except RedirectError as exc:
            raise CommandError(f"{file}: {exc}") from None
        for line in lines:
            if line.problem:
                self.stderr.write(f"{file}:{line.number}: problem: {line.problem}")
            else:
                outcome = "would add" if dry_run and line.outcome == "add" else line.outcome
                outcome = {"add": "added", "unchanged": "already there"}.get(outcome, outcome)
                self.stdout.write(f"{file}:{line.number}: {outcome}: {line.old} → {line.target}")
        problems = sum(1 for line in lines if line.problem)
        if problems:
            raise CommandError(f"{problems} of {len(lines)} lines have problems: nothing written.")
        added = sum(1 for line in lines if line.outcome == "add")
        if dry_run:
            self.stdout.write(f"Dry run, nothing written: {added} to add, no problems.")
            return
        apply(lines)
        self.stdout.write(f"Added {added} redirect(s); {len(lines) - added} already there.")
