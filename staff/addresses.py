"""The address a request came from, as sign-in lockouts and the security log count it."""

import ipaddress

from django.conf import settings

# An IPv6 client is given a whole /64 (a household, a phone, a cloud machine): lockouts count
# the network, or hopping between its addresses would give a guesser a fresh count each time.
IPV6_CLIENT_PREFIX = 64


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


def counted_address(request):
    """The address lockouts count: the client's, or its /64 for IPv6 (the first address of
    it; an IPv4 address written as IPv6 counts as itself)."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except (TypeError, ValueError):
        return address
    if parsed.version == 4:
        return address
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network((parsed, IPV6_CLIENT_PREFIX), strict=False).network_address)
