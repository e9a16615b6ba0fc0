"""Brute-force lockout with django-axes: failures are counted per account and address pair,
and per address.

- Five failures for one account from one address lock that pair for fifteen minutes
  (STAFF_LOCKOUT_FAILURES, STAFF_LOCKOUT_MINUTES). A stranger guessing a colleague's password
  therefore never locks the colleague out at their own desk.
- Guessing many accounts from one address locks the address once it has failed
  STAFF_ADDRESS_LOCKOUT_FAILURES times. That limit is higher, because an office often signs in
  from behind one address.

Failures cost as much time as successes: Django's backend hashes the password of an unknown
account too, and a locked-out attempt is refused before any hashing, whoever it names.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from staff import security


class StaffLockoutHandler(AxesDatabaseHandler):
    """axes counts every lockout parameter against one limit; the address alone gets its own,
    higher one, by scaling its count to the pair's limit."""

    def get_failures(self, request, credentials=None):
        # One query set per AXES_LOCKOUT_PARAMETERS entry: (account, address), then address.
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        pair, address = counts[0], counts[-1]
        scaled = address * settings.AXES_FAILURE_LIMIT // settings.STAFF_ADDRESS_LOCKOUT_FAILURES
        return max(pair, scaled)


def locked_out(request, original_response=None, credentials=None):
    """The locked-out page: when to try again, and that the attempt was logged."""
    username = str((credentials or {}).get("username", request.POST.get("username", "")))
    security.record(security.Kind.LOCKED_OUT, username=username[:150], request=request)
    until = timezone.localtime(timezone.now() + get_cool_off(request))
    return render(
        request,
        "staff/locked_out.html",
        {"until": until, "minutes": settings.STAFF_LOCKOUT_MINUTES},
        status=429,
    )
