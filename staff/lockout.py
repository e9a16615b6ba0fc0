"""Brute-force lockout with django-axes: failures are counted per account and address pair,
per address, and per account over every address.

- Five failures for one account from one address lock that pair for fifteen minutes
  (STAFF_LOCKOUT_FAILURES, STAFF_LOCKOUT_MINUTES). A stranger guessing a colleague's password
  therefore never locks the colleague out at their own desk.
- Guessing many accounts from one address locks the address once it has failed
  STAFF_ADDRESS_LOCKOUT_FAILURES times. That limit is higher, because an office often signs in
  from behind one address.
- Guessing one account from many addresses slows it: past STAFF_ACCOUNT_FAILURES failures in
  the window, from anywhere, the account takes one attempt per STAFF_ACCOUNT_DELAY_SECONDS.
  Attempts refused meanwhile are not counted, so its owner (who also holds the second factor)
  still signs in once the short delay has passed, however long the guessing goes on.
- An IPv6 client counts as its /64 (staff/addresses.py).

Failures cost as much time as successes: Django's backend hashes the password of an unknown
account too, and a locked-out attempt is refused before any hashing, whoever it names.
"""

import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from staff import security


def account_slowed_until(request, credentials):
    """When the account named in `credentials` takes its next attempt, if that is later than
    now: only once it has failed STAFF_ACCOUNT_FAILURES times, over all addresses, in the
    window."""
    username = get_client_username(request, credentials)
    if not username:
        return None
    seen = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (seen["failures"] or 0) < settings.STAFF_ACCOUNT_FAILURES:
        return None
    until = seen["last"] + datetime.timedelta(seconds=settings.STAFF_ACCOUNT_DELAY_SECONDS)
    return until if until > timezone.now() else None


class StaffLockoutHandler(AxesDatabaseHandler):
    """axes counts every lockout parameter against one limit; the address alone gets its own,
    higher one, by scaling its count to the pair's limit. The account-wide slowing is checked
    beside axes' count."""

    def get_failures(self, request, credentials=None):
        # One query set per AXES_LOCKOUT_PARAMETERS entry: (account, address), then address.
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        pair, address = counts[0], counts[-1]
        scaled = address * settings.AXES_FAILURE_LIMIT // settings.STAFF_ADDRESS_LOCKOUT_FAILURES
        return max(pair, scaled)

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        return account_slowed_until(request, credentials) is not None


def locked_out(request, original_response=None, credentials=None):
    """The locked-out page: when to try again, and that the attempt was logged."""
    username = str((credentials or {}).get("username", request.POST.get("username", "")))
    slowed = None
    if StaffLockoutHandler().get_failures(request, credentials) < settings.AXES_FAILURE_LIMIT:
        slowed = account_slowed_until(request, credentials)
    security.record(
        security.Kind.LOCKED_OUT,
        username=username[:150],
        request=request,
        detail="account slowed: failures from many addresses" if slowed else "",
    )
    until = timezone.localtime(slowed or timezone.now() + get_cool_off(request))
    return render(
        request,
        "staff/locked_out.html",
        {"until": until, "minutes": settings.STAFF_LOCKOUT_MINUTES, "slowed": slowed},
        status=429,
    )
