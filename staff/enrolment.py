"""Enrolment codes: enrolling a second factor needs, beside the password, a one-time code that
an Administrator hands over out of band (in person, by phone), so a password thief cannot
enrol a factor of their own on an account that has none (a new one, or one just reset).

The code is shown once, when the account is made or its factors are reset (staff/admin.py),
lives STAFF_ENROLMENT_CODE_HOURS, and is kept only as its SHA-256 (it is random enough that a
fast hash is safe). Accepting it lets this session enrol; a wrong code counts against it, and
WRONG_TRIES wrong ones void it.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from staff import security
from staff.models import EnrolmentCode

# No 0/O, 1/I: read out over the phone. Twelve characters are sixty random bits.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 3, 4
WRONG_TRIES = 5
SESSION_KEY = "staff_enrolment_allowed"


def _digest(code):
    normal = "".join(character for character in code.upper() if character.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def issue(user):
    """A new code for `user` (replacing any other); the only time it exists in the clear."""
    code = "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )
    expires_at = timezone.now() + datetime.timedelta(hours=settings.STAFF_ENROLMENT_CODE_HOURS)
    EnrolmentCode.objects.update_or_create(
        user=user, defaults={"digest": _digest(code), "expires_at": expires_at, "wrong_tries": 0}
    )
    security.record(
        security.Kind.ENROLMENT_CODE_ISSUED,
        user=user,
        detail=f"valid until {timezone.localtime(expires_at):%Y-%m-%d %H:%M %Z}",
    )
    return code


def redeem(request, code):
    """True, and this session may enrol, when `code` is the signed-in person's, unexpired."""
    user = request.user
    with transaction.atomic():
        row = EnrolmentCode.objects.select_for_update().filter(user=user).first()
        right = row is not None and hmac.compare_digest(row.digest, _digest(code))
        if right and row.expires_at > timezone.now():
            row.delete()
            request.session[SESSION_KEY] = user.pk
            security.record(security.Kind.ENROLMENT_CODE_USED, user=user, request=request)
            return True
        detail = "no valid code" if row is None or right else "wrong code"
        if row is not None and not right:
            row.wrong_tries += 1
            if row.wrong_tries >= WRONG_TRIES:
                row.delete()
                detail += "; the code is void"
            else:
                row.save(update_fields=["wrong_tries"])
    security.record(security.Kind.ENROLMENT_CODE_REFUSED, user=user, request=request, detail=detail)
    return False


def allowed(request):
    return request.session.get(SESSION_KEY) == request.user.pk


def factor_added(sender, instance, created, **kwargs):
    """post_save on allauth's Authenticator: once a person has a factor, an unused code of
    theirs has nothing left to open."""
    if created:
        EnrolmentCode.objects.filter(user=instance.user_id).delete()
