"""Bluesky, through the atproto client: an account's own PDS with its handle and an app
password.

Each post's record key is derived from our post key, so a resend after a crash asks the PDS for
that record first (`find()`) and, should the create itself race, the PDS refuses a second
record under the same key: one post, never two."""

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from atproto_client import Client, models
from atproto_client.exceptions import (
    BadRequestError,
    LoginRequiredError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
)
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError
from django.conf import settings

from subscriptions.social.networks import Connection, Credential, Network, Posted, Refused
from subscriptions.social.networks.counting import graphemes, links

POST = models.ids.AppBskyFeedPost
# A post's record key must be a TID (13 characters of base32-sortable holding microseconds and
# a clock id). Ours takes both from a hash of the post key, the time within 2023 so that no
# key reads as a post from the future.
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_EPOCH_US = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
TID_SPAN_US = 365 * 24 * 3600 * 1_000_000


def record_key(key):
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest(), "big")
    value = (TID_EPOCH_US + digest % TID_SPAN_US) << 10 | (digest >> 128) % 1024
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


# A text over the limit, as the PDS words it: "grapheme too big (maximum 300, got 301)" from the
# reference PDS today, "must not be longer than 300 graphemes" from its older validator.
TOO_LONG = re.compile(
    r"grapheme too big \(maximum (\d+), got (\d+)\)|must not be longer than (\d+) graphemes"
)


def too_long(message):
    """A Publisher's reading of the PDS's refusal of a text over the limit, or None."""
    match = TOO_LONG.search(message)
    if match is None:
        return None
    got = f"{match[2]} characters, " if match[2] else ""
    return (
        f"Bluesky refused the text: {got}over its limit of {match[1] or match[3]} "
        "(Bluesky counts an emoji or an accented letter as one character)"
    )


def refused(error):
    """The engine's reading of an atproto client error."""
    response = getattr(error, "response", None)
    status = response.status_code if response is not None else None
    if isinstance(error, RateLimitExceededError):
        wait = error.retry_after
        if wait is None and error.reset_at is not None:
            wait = max(0.0, error.reset_at.timestamp() - time.time())
        return Refused("Bluesky: too many requests", permanent=False, retry_after=wait)
    if isinstance(error, NetworkError) and status not in (409, 413):
        return Refused(f"Bluesky is unreachable: {error or type(error).__name__}", permanent=False)
    if isinstance(error, httpx.HTTPError):
        return Refused(f"Bluesky is unreachable: {error}", permanent=False)
    if isinstance(error, RequestErrorBase) and status is not None and status >= 500:
        return Refused(f"Bluesky is failing: {error}", permanent=False)
    if isinstance(error, LoginRequiredError):
        return Refused("Bluesky: the session ended; check the app password", permanent=True)
    if status == 400 and (reason := too_long(error_name(error)[1])):
        return Refused(reason, permanent=True)
    return Refused(f"Bluesky refused: {error}", permanent=True)


def error_name(error):
    content = error.response.content if getattr(error, "response", None) else None
    return getattr(content, "error", None), getattr(content, "message", None) or ""


class BlueskyConnection(Connection):
    def __init__(self, handle, password, base_url):
        self.handle, self.password = handle, password
        self.client = Client(base_url, request=Request(timeout=settings.SOCIAL_TIMEOUT_SECONDS))
        self.session = None

    def login(self):
        """The session, opened once for this connection (createSession is rate limited by
        handle, 30 per five minutes)."""
        if self.session is None:
            sessions = []
            self.client.on_session_change(lambda event, session: sessions.append(session))
            self.call(self.client.login, self.handle, self.password, fetch_bsky_profile=False)
            self.session = sessions[-1]
        return self.session

    def call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (AtProtocolError, httpx.HTTPError) as error:
            raise refused(error) from error

    def close(self):
        self.client.request.close()

    def posted(self, uri):
        rkey = uri.rsplit("/", 1)[-1]
        return Posted(uri, f"https://bsky.app/profile/{self.session.handle}/post/{rkey}")

    def verify(self):
        return f"@{self.login().handle}"

    def find(self, post):
        session = self.login()
        params = models.ComAtprotoRepoGetRecord.Params(
            repo=session.did, collection=POST, rkey=record_key(post.key)
        )
        try:
            found = self.client.com.atproto.repo.get_record(params)
        except BadRequestError as error:
            if error_name(error)[0] == "RecordNotFound":
                return None
            raise refused(error) from error
        except (AtProtocolError, httpx.HTTPError) as error:
            raise refused(error) from error
        return self.posted(found.uri)

    def publish(self, post):
        session = self.login()
        embed = None
        if post.image:
            # The image goes as `content`: as `data`, httpx warns of raw bytes (a deprecation).
            upload = self.call(
                self.client.com.atproto.repo.upload_blob,
                None,
                content=post.image,
                headers={"Content-Type": post.image_type or "image/jpeg"},
            )
            image = models.AppBskyEmbedImages.Image(alt=post.alt, image=upload.blob)
            embed = models.AppBskyEmbedImages.Main(images=[image])
        record = models.AppBskyFeedPost.Record(
            created_at=self.client.get_current_time_iso(),
            text=post.text,
            facets=link_facets(post.text) or None,
            embed=embed,
            langs=[post.language] if post.language else None,
        )
        data = models.ComAtprotoRepoCreateRecord.Data(
            repo=session.did, collection=POST, rkey=record_key(post.key), record=record
        )
        try:
            created = self.client.com.atproto.repo.create_record(data)
        except (AtProtocolError, httpx.HTTPError) as error:
            if is_conflict(error) and (existing := self.find(post)):
                return existing
            raise refused(error) from error
        return self.posted(created.uri)

    def delete(self, posted_id):
        # A missing record is no error to the PDS: deleteRecord answers 200 all the same.
        session = self.login()
        data = models.ComAtprotoRepoDeleteRecord.Data(
            repo=session.did, collection=POST, rkey=posted_id.rsplit("/", 1)[-1]
        )
        self.call(self.client.com.atproto.repo.delete_record, data)


def is_conflict(error):
    """The PDS may already hold a record under this key (a resend that raced the first try).

    The reference PDS answers that with a bare 500 InternalServerError: its repository tree
    throws a plain error for a key already there. Any other fault of the server says the same,
    so a caller believes it only once `find()` sees the record; 409 and "already exists" are
    kept for a PDS that says so plainly."""
    response = getattr(error, "response", None)
    if response is None:
        return False
    name, message = error_name(error)
    return (
        response.status_code == 409
        or (name == "InvalidRequest" and "already exists" in message.lower())
        or (response.status_code == 500 and name == "InternalServerError")
    )


def link_facets(text):
    return [
        models.AppBskyRichtextFacet.Main(
            index=models.AppBskyRichtextFacet.ByteSlice(byte_start=start, byte_end=end),
            features=[models.AppBskyRichtextFacet.Link(uri=url)],
        )
        for start, end, url in links(text)
    ]


@dataclass(frozen=True)
class BlueskyNetwork(Network):
    def length(self, text):
        return graphemes(text)

    def connect(self, credentials, base_url):
        base_url = self.server(base_url)
        handle = (credentials.get("handle") or "").strip().lstrip("@")
        password = (credentials.get("app_password") or "").strip()
        if not handle or not password:
            raise Refused("The handle or the app password is missing", permanent=True)
        return BlueskyConnection(handle, password, base_url)


NETWORK = BlueskyNetwork(
    code="bluesky",
    label="Bluesky",
    limit=300,
    default_base_url="https://bsky.social",
    credentials=(
        Credential(
            "handle",
            "Handle",
            "The account's handle, such as agency.bsky.social.",
            secret=False,
        ),
        Credential(
            "app_password",
            "App password",
            "From Settings → Privacy and security → App passwords; never the account's own "
            "password.",
        ),
    ),
)
