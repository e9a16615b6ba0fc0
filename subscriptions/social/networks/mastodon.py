"""Mastodon, through Mastodon.py: one instance's API with an access token.

A resend after a crash is made safe by the Idempotency-Key header (our post key): the instance
answers a repeated key with the status it already made, for as long as it remembers the key
(an hour on stock Mastodon). `find()` cannot ask for a status by our key, so it returns None and
the resend relies on that header."""

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
        return Refused(f"Mastodon refused: {describe(error)}", permanent=True)
    return Refused(f"Mastodon: {error}", permanent=True)


def describe(error):
    # Mastodon.py's API errors carry (message, status, reason, the instance's own words).
    args = error.args
    if len(args) >= 4:
        return f"{args[1]} {args[3] or args[2]}"
    return str(error)


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
        return Posted(str(status["id"]), status["url"] or status["uri"])

    def find(self, post):
        return None  # the Idempotency-Key on publish makes the resend safe instead

    def publish(self, post):
        media_ids = None
        if post.image:
            media = self.call(
                "media_post",
                io.BytesIO(post.image),
                mime_type=post.image_type or "image/jpeg",
                description=post.alt or None,
            )
            media_ids = [media["id"]]
        status = self.call(
            "status_post",
            post.text,
            media_ids=media_ids,
            visibility="public",
            idempotency_key=post.key,
        )
        return Posted(str(status["id"]), status["url"] or status["uri"])

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
        base_url = (base_url or self.default_base_url).strip().rstrip("/")
        split = urlsplit(base_url)
        if split.scheme not in ("http", "https") or not split.hostname:
            raise Refused(f"{base_url!r} is not an instance's address (https://…)", permanent=True)
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
