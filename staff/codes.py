"""Second-factor codes cannot be guessed.

allauth caps code attempts per account and per address (ACCOUNT_RATE_LIMITS["login_failed"],
limits in settings); on top of that, a pending sign-in ends after STAFF_FACTOR_FAILURES wrong
codes, so whoever holds the password must enter it again, and every wrong code, and every
password that was right while the factor is pending, is in the security log.
"""

from allauth.account.internal.stagekit import clear_login
from allauth.core import context
from allauth.mfa.base import forms
from allauth.mfa.stages import AuthenticateStage
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError

from staff import security

# Wrong codes entered in this session since its last right one.
FAILURES = "staff_factor_failures"
ENDED = "Too many wrong codes: sign in again with your password."


class FactorStage(AuthenticateStage):
    """allauth's "enter your factor" step of signing in, logged when the password was right."""

    def handle(self):
        response, carry_on = super().handle()
        if response is not None:
            self.request.session.pop(FAILURES, None)
            user, request = self.login.user, self.request
            security.record(security.Kind.FACTOR_PENDING, user=user, request=request)
        return response, carry_on


class CountedCodes:
    """For allauth's code forms: log each refused code and end the attempt after a few."""

    def clean_code(self):
        request = context.request
        try:
            code = super().clean_code()
        except ValidationError as error:
            failures = request.session.get(FAILURES, 0) + 1
            request.session[FAILURES] = failures
            wrong = error.code != "too_many_login_attempts"
            security.record(
                security.Kind.FACTOR_CODE_FAILED,
                user=self.user,
                request=request,
                detail="wrong code" if wrong else "refused: too many codes",
            )
            if failures < settings.STAFF_FACTOR_FAILURES:
                raise
            request.session.pop(FAILURES, None)
            self.end(request)
            raise ValidationError(ENDED, code="sign_in_ended") from error
        request.session.pop(FAILURES, None)
        return code


class AuthenticateForm(CountedCodes, forms.AuthenticateForm):
    def end(self, request):
        clear_login(request)  # the pending sign-in: the password must be entered again


class ReauthenticateForm(CountedCodes, forms.ReauthenticateForm):
    def end(self, request):
        logout(request)
