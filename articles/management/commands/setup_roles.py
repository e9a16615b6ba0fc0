"""manage.py setup_roles: create or update the Writer, Publisher and Administrator groups."""

from django.core.management.base import BaseCommand

from articles.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = "Create or update the newsroom's groups (also done after every migrate)."

    def handle(self, *args, **options):
        ensure_roles()
        self.stdout.write(f"Roles ready: {', '.join(ROLES)}.")
