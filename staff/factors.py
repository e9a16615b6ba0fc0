"""Second factors for every staff account: passkeys (WebAuthn) preferred, an authenticator app
(TOTP) as the fallback, and one-time recovery codes, all from django-allauth's MFA app.

allauth asks for the factor before a session is signed in, so a password alone never reaches
a staff page. This module adds what allauth leaves to the site: nobody signs up; staff without
a factor reach only the pages of an allow-list (enrolment, the factor pages, signing out) until
they enrol; and enrolling needs an enrolment code (staff/enrolment.py). Writers may be given
WRITER_FACTOR_GRACE_DAYS from joining, as long as they can do no more than a Writer;
Publishers and Administrators never are.
"""

import datetime
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from articles.roles import WRITER
from staff import enrolment
from staff.addresses import client_address

# allauth's "enter your factor" step, and ours, which logs it (staff/codes.py).
ALLAUTH_FACTOR_STAGE = "allauth.mfa.stages.AuthenticateStage"
FACTOR_STAGE = "staff.codes.FactorStage"

# The only pages a signed-in person without a factor may reach (URL names; compared with the
# path Django routes by, so a SCRIPT_NAME sent to the app changes nothing).
OPEN_PAGES = [
    "account_login", "account_logout", "account_reauthenticate", "mfa_index",
    "mfa_authenticate", "mfa_reauthenticate", "mfa_view_recovery_codes",
    "mfa_download_recovery_codes", "staff_enrol",
]  # fmt: skip
# Pages that add a factor: for someone without one, only after an enrolment code.
ENROLMENT_PAGES = ["mfa_activate_totp", "mfa_add_webauthn", "mfa_generate_recovery_codes"]
FACTORS = [Authenticator.Type.WEBAUTHN, Authenticator.Type.TOTP]


class StaffAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # Administrators create accounts

    def pre_authenticate(self, request, **credentials):
        """Failed passwords are django-axes' to count, per account and address
        (staff/lockout.py): allauth's count, per account name alone, would let a stranger lock a
        colleague out everywhere. allauth's limit on factor codes (same setting) stays on."""

    def get_client_ip(self, request):
        return client_address(request)

    def get_login_stages(self):
        return [FACTOR_STAGE if path == ALLAUTH_FACTOR_STAGE else path
                for path in super().get_login_stages()]  # fmt: skip


class StaffLoginForm(LoginForm):
    """allauth's sign-in form without the "Forgot your password?" link: passwords are reset by
    an Administrator, since a link in an inbox would skip the second factor."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


def has_factor(user):
    return Authenticator.objects.filter(user=user, type__in=FACTORS).exists()


def writer_rights():
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.filter(name=WRITER).values_list(
            "permissions__content_type__app_label", "permissions__codename"
        )
        if codename
    }


def may_defer(user, now=None):
    """A Writer within the grace period after joining, whose effective rights (groups and
    permissions given directly) are all a Writer's: anyone who can publish or manage people
    enrols first."""
    grace = datetime.timedelta(days=settings.WRITER_FACTOR_GRACE_DAYS)
    if user.is_superuser or (now or timezone.now()) >= user.date_joined + grace:
        return False
    if not user.groups.filter(name=WRITER).exists():
        return False
    return user.get_all_permissions() <= writer_rights()


def paths(names):
    return {reverse(name) for name in names}


class SecondFactorMiddleware:
    """Signed-in people without a second factor: staff reach only the allow-list (OPEN_PAGES)
    and are sent to enrol from anywhere else; the pages that add a factor need an enrolment
    code accepted in this session (staff/enrolment.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            response = self.refuse(request, request.user, request.path_info)
            if response is not None:
                return response
        return self.get_response(request)

    def refuse(self, request, user, path):
        if path in paths(ENROLMENT_PAGES):
            if enrolment.allowed(request) or has_factor(user):
                return None
            return redirect(f"{reverse('staff_enrol')}?{urlencode({'next': path})}")
        if (
            not settings.STAFF_SECOND_FACTOR_REQUIRED
            or not user.is_staff
            or path in paths(OPEN_PAGES)
            or has_factor(user)
            or may_defer(user)
        ):
            return None
        messages.warning(
            request,
            "Add a passkey (or an authenticator app) before you continue: every staff "
            "account signs in with two factors.",
        )
        return redirect("mfa_index" if enrolment.allowed(request) else "staff_enrol")
