"""The address a request came from, as sign-in lockouts and the security log count it."""

from django.conf import settings


def client_address(request):
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXIES proxies, the address the
    outermost trusted proxy saw (counted from the right of X-Forwarded-For, which the client
    could otherwise forge)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
