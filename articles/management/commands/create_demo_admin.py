"""manage.py create_demo_admin: demo accounts for each role, each with a fresh random password
and a second factor (staff sign in with two): an authenticator-app secret, and recovery codes
for trying the demo without an app.

Accounts that already exist are left alone (their secrets are not shown again).
"""

import secrets

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from articles.roles import PUBLISHER, REVIEWER, WRITER, ensure_roles

DEMO_ACCOUNTS = [
    ("admin", None),  # superuser
    ("publisher", PUBLISHER),
    ("reviewer", REVIEWER),  # clears releases (seed_demo puts them in Legal)
    ("writer", WRITER),
]


class Command(BaseCommand):
    help = "Create demo accounts admin, publisher, reviewer and writer with random passwords, once."

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
                user = User.objects.create_superuser(username=username, email="", password=password)
            else:
                user = User.objects.create_user(username=username, password=password, is_staff=True)
                user.groups.add(Group.objects.get(name=role))
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
            code = RecoveryCodes.activate(user).get_unused_codes()[0]
            lines.append(
                f"  {username:<10} password “{password}”  authenticator secret {secret}  "
                f"(or recovery code {code})"
            )
        self.stdout.write(
            "Admin: http://127.0.0.1:8000/admin/ — demo accounts (shown once; sign in with the "
            "password, then a code from an authenticator app set up with the secret, or the "
            "recovery code, which works once):\n" + "\n".join(lines)
        )
