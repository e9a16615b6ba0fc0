"""manage.py create_demo_admin: demo accounts for each role, each with a fresh random password.

Accounts that already exist are left alone (their passwords are not shown again).
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from articles.editorial.roles import PUBLISHER, WRITER, ensure_roles

DEMO_ACCOUNTS = [
    ("admin", None),  # superuser
    ("publisher", PUBLISHER),
    ("writer", WRITER),
]


class Command(BaseCommand):
    help = "Create demo accounts admin, publisher and writer with random passwords, once."

    def handle(self, *args, **options):
        ensure_roles()
        User = get_user_model()
        lines = []
        for username, role in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                lines.append(
                    f"  {username:<10} (exists; reset with manage.py changepassword {username})"
                )
                continue
            password = secrets.token_urlsafe(12)
            if role is None:
                User.objects.create_superuser(username=username, email="", password=password)
            else:
                user = User.objects.create_user(username=username, password=password, is_staff=True)
                user.groups.add(Group.objects.get(name=role))
            lines.append(f"  {username:<10} password “{password}”")
        self.stdout.write(
            "Admin: http://127.0.0.1:8000/admin/ — demo accounts (passwords shown once):\n"
            + "\n".join(lines)
        )
