"""Sessions that end: with the browser and the working day (settings), and everywhere at once
when a person or an Administrator asks.

Backend-agnostic: each session remembers when it began, and a session that began before the
person's last "sign out everywhere" is ended on its next request. Only requests that carry a
session cookie pay for the check (one small query), so readers never do.
"""

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

from staff import security
from staff.models import SignOut

SIGNED_IN_AT = "staff_signed_in_at"


def remember_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver; Django has already given the session a new key."""
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()


def sign_out_everywhere(user):
    SignOut.objects.update_or_create(user=user, defaults={"at": timezone.now()})
    security.record(security.Kind.SIGNED_OUT_EVERYWHERE, user=user)


class StaffSessionMiddleware:
    """After AuthenticationMiddleware: ends a session begun before its owner's last sign-out,
    and names the signed-in person (and the request's address) in whatever the security log
    records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        if request.user.is_authenticated:
            began = request.session.get(SIGNED_IN_AT, 0)
            ended = SignOut.objects.filter(user=request.user).values_list("at", flat=True)
            ended = ended.first()
            if ended is not None and began <= ended.timestamp():
                logout(request)
        actor = request.user if request.user.is_authenticated else None
        token = security.current_actor.set(actor)
        request_token = security.current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            security.current_actor.reset(token)
            security.current_request.reset(request_token)
