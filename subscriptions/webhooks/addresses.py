"""Where a webhook may go: the registered URL's host only, at an address that is public.

The host is resolved here and every address it resolves to is checked; the request then
connects to a checked address (the name still goes in Host and in TLS's SNI, and the
certificate is checked against it), so a DNS answer that changes between the check and the
connection cannot point the request inside the network. Loopback, private, link-local,
reserved, multicast and unspecified addresses are refused unless WEBHOOK_ALLOW_PRIVATE_HOSTS
names them (a host name, an address or a network); tests and a partner on the office's own
network are the reasons to. Plain http only where WEBHOOK_ALLOW_HTTP (DEBUG, tests). Redirects
are never followed."""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings


class Refused(Exception):  # noqa: N818 (a decision, not an error)
    """The URL may not be called; the message says why, for the admin and the row."""


def _allowed(host, address):
    for entry in settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        if entry.lower() == host.lower():
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _public(address):
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved)


def parts(url):
    """(scheme, host, port, path with query) of an acceptable URL, or Refused."""
    split = urlsplit(url)
    if split.scheme != "https" and not (split.scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        raise Refused("Only https addresses can receive webhooks.")
    if not split.hostname:
        raise Refused("The address has no host.")
    if split.username or split.password:
        raise Refused("The address may not carry a user name or password.")
    try:
        port = split.port or (443 if split.scheme == "https" else 80)
    except ValueError as error:
        raise Refused(f"The address's port is not a number: {error}") from None
    path = (split.path or "/") + (f"?{split.query}" if split.query else "")
    return split.scheme, split.hostname, port, path


def resolve(host, port):
    """The host's addresses, each checked; Refused if any is not public (and not allowed)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(f"The host {host} could not be resolved: {error}") from None
    addresses = []
    for info in found:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not _public(address) and not _allowed(host, address):
            raise Refused(
                f"The host {host} resolves to {address}, a private, loopback, link-local or "
                "reserved address: webhooks only go to public addresses."
            )
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refused(f"The host {host} has no address.")
    return addresses


def check(url):
    """Refused unless the URL may be called now (the admin form asks before saving)."""
    scheme, host, port, _path = parts(url)
    resolve(host, port)


class _Pinned:
    """Connects to the checked address, whatever the name would resolve to now."""

    def connect(self):
        self.sock = socket.create_connection((str(self.pinned), self.port), self.timeout)
        if isinstance(self, http.client.HTTPSConnection):
            self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    pass


def post(url, body, headers, timeout):
    """POST `body` to the URL at a checked address; (status, first bytes of the answer).
    Raises Refused (never sent), or OSError / http.client errors (the network)."""
    scheme, host, port, path = parts(url)
    address = resolve(host, port)[0]
    if scheme == "https":
        connection = _PinnedHTTPS(host, port, timeout=timeout,
                                  context=ssl.create_default_context())  # fmt: skip
    else:
        connection = _PinnedHTTP(host, port, timeout=timeout)
    connection.pinned = address
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(200)
    finally:
        connection.close()
