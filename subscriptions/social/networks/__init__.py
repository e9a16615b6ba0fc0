"""The four networks behind one small interface, so the engine, the admin and the tests never
speak a network's own dialect.

Each network module (x, facebook, bluesky, mastodon) defines a `Network` subclass. It names the
credentials an administrator enters, counts a post's length the way that network counts it,
and opens a `Connection` from decrypted credentials and the account's base address. A
connection publishes a post, finds one already published (the resend after a crash asks
first, where the network lets it), deletes one, and checks the credentials.

Every failure is raised as `Refused`: permanent (a revoked token, a duplicate, a post the
network will not take) or temporary (429 with the time to wait, 5xx, a network error).
"""

import functools
import importlib
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit


class Post(NamedTuple):
    """What goes out: the text (the release's address already in it), the address alone (for
    networks that attach a link card), the lead photo with its alt text, if any, and the
    language it is written in (Bluesky and Mastodon take it; X and Facebook guess)."""

    key: str  # ours, the same on every try: an idempotency key or a record key
    text: str
    link: str
    image: bytes | None = None
    image_type: str = ""  # "image/jpeg"…
    alt: str = ""
    language: str = ""  # the release's ("en", "es"): readers' feeds filter and translate by it


class Posted(NamedTuple):
    id: str  # the network's id for the post, as its delete endpoint wants it
    url: str  # the post's public page


class Refused(Exception):  # noqa: N818 (the network's answer, as the engine reads it)
    def __init__(self, reason, *, permanent, retry_after=None):
        super().__init__(reason)
        self.reason = str(reason)[:300]
        self.permanent = permanent
        self.retry_after = retry_after  # seconds, from a 429's reset header


@dataclass(frozen=True)
class Credential:
    name: str
    label: str
    help_text: str = ""
    secret: bool = True  # kept encrypted and never shown again; False: an id, shown


@dataclass(frozen=True)
class Network:
    code: str
    label: str
    limit: int
    default_base_url: str
    credentials: tuple[Credential, ...] = field(default_factory=tuple)
    # "Send a test post to myself" where the network has a post only its author sees.
    can_test_post: bool = False
    can_delete: bool = True

    def length(self, text):
        """The text's length as this network counts it against `limit`."""
        raise NotImplementedError

    def server(self, base_url):
        """The account's server address without a trailing slash (the network's own when
        empty), or Refused when it is no http(s) address."""
        base_url = (base_url or self.default_base_url or "").strip().rstrip("/")
        split = urlsplit(base_url)
        if split.scheme not in ("http", "https") or not split.hostname:
            raise Refused(f"{base_url!r} is no http(s) address for {self.label}", permanent=True)
        return base_url

    def connect(self, credentials, base_url):
        """A Connection for these decrypted credentials (a dict keyed by Credential.name)."""
        raise NotImplementedError


class Connection:
    def verify(self):
        """The account's handle ("@press@agency.social"), or Refused."""
        raise NotImplementedError

    def test_post(self, text):
        """A post only the account itself sees; Posted. Only where Network.can_test_post."""
        raise NotImplementedError

    def find(self, post):
        """The post with this key if it was already published (a try that crashed after the
        network took it), else None. Networks that cannot tell return None."""
        raise NotImplementedError

    def publish(self, post):
        """Posted, or Refused."""
        raise NotImplementedError

    def delete(self, posted_id):
        """Remove a published post; an already missing post is no error."""
        raise NotImplementedError

    def close(self):
        """Let go of the connection's HTTP client, if it keeps one."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


MODULES = ("x", "facebook", "bluesky", "mastodon")  # the order the admin offers them


@functools.cache
def networks():
    """{code: Network} of every network. Each module subclasses what is defined above, so
    they are loaded by name here, once, rather than imported back."""
    found = [importlib.import_module(f"{__name__}.{name}").NETWORK for name in MODULES]
    return {network.code: network for network in found}
