"""manage.py clearance_overdue: one reminder to each reviewer whose sign-off is past its due
time (working hours, CLEARANCE_WORKDAY), once per text. The publish timer runs it beside
publish_due every minute; the worker sends the mail."""

from django.core.management.base import BaseCommand

from articles.editorial.clearance_notices import remind_overdue


class Command(BaseCommand):
    help = "Queue a reminder for each clearance sign-off past its due time (once per text)."

    def handle(self, *args, **options):
        queued = remind_overdue()
        self.stdout.write(f"{queued} overdue sign-off(s) reminded.")
