"""Second factors for every staff account: passkeys (WebAuthn) preferred, an authenticator app
(TOTP) as the fallback, and one-time recovery codes, all from django-allauth's MFA app.

allauth asks for the factor before a session is signed in, so a password alone never reaches
a staff page. This module adds what allauth leaves to the site: nobody signs up, and staff
without a factor are sent to enrol before anything else. Writers may be given
WRITER_FACTOR_GRACE_DAYS from joining; Publishers and Administrators never are.
"""

import datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from articles.editorial.roles import WRITER

# Pages a person without a factor may still reach: enrolment itself, and signing out.
ENROLMENT_PREFIXES = ("/accounts/",)
STAFF_PREFIXES = ("/admin/",)
FACTORS = [Authenticator.Type.WEBAUTHN, Authenticator.Type.TOTP]


class StaffAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # Administrators create accounts


class StaffLoginForm(LoginForm):
    """allauth's sign-in form without the "Forgot your password?" link: passwords are reset by
    an Administrator, since a link in an inbox would skip the second factor."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


def has_factor(user):
    return Authenticator.objects.filter(user=user, type__in=FACTORS).exists()


def may_defer(user, now=None):
    """A Writer (and nothing more) within the grace period after joining."""
    if user.is_superuser or set(user.groups.values_list("name", flat=True)) != {WRITER}:
        return False
    grace = datetime.timedelta(days=settings.WRITER_FACTOR_GRACE_DAYS)
    return (now or timezone.now()) < user.date_joined + grace


class SecondFactorMiddleware:
    """Sends signed-in staff without a second factor to enrolment before any staff page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_SECOND_FACTOR_REQUIRED
            and request.path.startswith(STAFF_PREFIXES)
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.user.is_authenticated
            and request.user.is_staff
            and not has_factor(request.user)
            and not may_defer(request.user)
        ):
            messages.warning(
                request,
                "Add a passkey (or an authenticator app) before you continue: every staff "
                "account signs in with two factors.",
            )
            return redirect(reverse("mfa_index"))
        return self.get_response(request)
