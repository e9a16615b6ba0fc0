"""Mastodon, through Mastodon.py: one instance's API with an access token.

A resend after a crash is made safe twice over. `find()` reads the account's recent statuses for
one carrying the release's address (an account posts once per release, so the address names
the post), and the Idempotency-Key header (our post key) makes the instance answer a repeated
key with the status it already made, for as long as it remembers the key (an hour on stock
Mastodon)."""

import io
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
)

from subscriptions.social.networks import Connection, Credential, Network, Posted, Refused
from subscriptions.social.networks.counting import mastodon_length

# Told to Mastodon.py, which would otherwise ask the instance its version before an upload.
ASSUMED_VERSION = "4.3.0"


def refused(error, api=None):
    """The engine's reading of a Mastodon.py error."""
    if isinstance(error, MastodonRatelimitError):
        reset = api.ratelimit_reset if api is not None else None
        wait = max(0.0, reset - time.time()) if reset else None
        return Refused("Mastodon: too many requests", permanent=False, retry_after=wait)
    if isinstance(error, MastodonServerError | MastodonNetworkError):
        return Refused(f"Mastodon is unreachable or failing: {describe(error)}", permanent=False)
    if isinstance(error, MastodonAPIError):
        if len(error.args) < 4:  # no status: an answer Mastodon.py could not read (not JSON)
            return Refused(f"Mastodon answered unreadably: {error}", permanent=False)
        return Refused(f"Mastodon refused: {describe(error)}", permanent=True)
    return Refused(f"Mastodon: {error}", permanent=True)


def describe(error):
    # Mastodon.py's API errors carry (message, status, reason, the instance's own words).
    args = error.args
    if len(args) >= 4:
        return f"{args[1]} {args[3] or args[2]}"
    return str(error)


def posted(status):
    address = status.get("url") or status.get("uri")
    if not status.get("id") or not address:
        raise Refused("Mastodon took the post but named no id or address", permanent=False)
    return Posted(str(status["id"]), address)


class MastodonConnection(Connection):
    def __init__(self, access_token, base_url):
        self.base_url = base_url
        self.api = Mastodon(
            access_token=access_token,
            api_base_url=base_url,
            ratelimit_method="throw",  # the engine decides the back-off, never a sleep here
            request_timeout=settings.SOCIAL_TIMEOUT_SECONDS,
            version_check_mode="created",  # checks our calls against ASSUMED_VERSION, offline
            mastodon_version=ASSUMED_VERSION,
        )
        self.username = None

    def close(self):
        self.api.session.close()

    def call(self, method, *args, **kwargs):
        try:
            return getattr(self.api, method)(*args, **kwargs)
        except MastodonError as error:
            raise refused(error, self.api) from error

    def verify(self):
        account = self.call("account_verify_credentials")
        self.username = account["username"]
        return f"@{self.username}@{urlsplit(self.base_url).hostname}"

    def test_post(self, text):
        if self.username is None:
            self.verify()
        # A direct status that mentions only its author is seen by no one else.
        status = self.call("status_post", f"@{self.username} {text}", visibility="direct")
        return posted(status)

    def find(self, post):
        if not post.link:
            return None
        account = self.call("account_verify_credentials")
        self.username = account["username"]
        recent = self.call("account_statuses", account["id"], limit=20, exclude_replies=True)
        for status in recent:
            if post.link in (status.get("content") or ""):
                return posted(status)
        return None

    def publish(self, post):
        media_ids = None
        if post.image:
            media = self.call(
                "media_post",
                io.BytesIO(post.image),
                mime_type=post.image_type or "image/jpeg",
                description=post.alt or None,
            )
            if not media.get("url"):
                # Still processing (a 202): a status naming it now would be refused. Mastodon.py's
                # own wait asks the instance its version first; the engine's retry waits instead.
                raise Refused("Mastodon is still processing the photo", permanent=False)
            media_ids = [media["id"]]
        status = self.call(
            "status_post",
            post.text,
            media_ids=media_ids,
            visibility="public",
            language=post.language or None,
            idempotency_key=post.key,
        )
        return posted(status)

    def delete(self, posted_id):
        try:
            self.api.status_delete(posted_id)
        except MastodonNotFoundError:
            pass  # already gone: what deleting it wanted
        except MastodonError as error:
            raise refused(error, self.api) from error


@dataclass(frozen=True)
class MastodonNetwork(Network):
    def length(self, text):
        return mastodon_length(text)

    def connect(self, credentials, base_url):
        base_url = self.server(base_url)
        token = (credentials.get("access_token") or "").strip()
        if not token:
            raise Refused("The access token is missing", permanent=True)
        return MastodonConnection(token, base_url)


NETWORK = MastodonNetwork(
    code="mastodon",
    label="Mastodon",
    limit=500,
    default_base_url="https://mastodon.social",
    credentials=(
        Credential(
            "access_token",
            "Access token",
            "From Preferences → Development → New application on the instance, with the "
            "write:statuses, write:media and read:accounts scopes.",
        ),
    ),
    can_test_post=True,
)
