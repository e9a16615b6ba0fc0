"""X: posts through X's documented API v2 endpoints, signed with OAuth 1.0a user context
(requests_oauthlib), so one account's four keys are all an administrator enters.

tweepy is not used: its client hard-codes https://api.twitter.com, so it could not be pointed
at the loopback stand-in the tests run against. Redirects are never followed, so a signed
request cannot be sent on to another host.
"""

import html
import re
import time
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests_oauthlib import OAuth1
from twitter_text import parse_tweet

from subscriptions.social.networks import Connection, Credential, Network, Posted, Refused

ALT_TEXT_LIMIT = 1000  # X's limit for a photo's description; a longer one would refuse the post
RECENT = 10  # how many of the account's latest posts find() reads
DUPLICATE = "duplicate"  # in X's 403 for a post it already has ("…with duplicate content.")
# Each limit's headers: the window's, and the posting limits per day of the app and the user.
LIMITS = ("x-rate-limit", "x-app-limit-24hour", "x-user-limit-24hour")
URL = re.compile(r"https?://\S+", re.IGNORECASE)


@dataclass(frozen=True)
class XNetwork(Network):
    def length(self, text):
        # X's weighted count: every link is 23 (t.co), CJK characters and emoji are 2.
        return parse_tweet(text).weightedLength

    def connect(self, credentials, base_url):
        return XConnection(credentials, base_url or self.default_base_url)


NETWORK = XNetwork(
    code="x",
    label="X",
    limit=280,
    default_base_url="https://api.x.com",
    credentials=(
        Credential("api_key", "API key", "The app's consumer key, from the developer portal."),
        Credential("api_secret", "API key secret", "The app's consumer secret."),
        Credential(
            "access_token",
            "Access token",
            "The posting account's access token, made with read and write permission.",
        ),
        Credential("access_token_secret", "Access token secret"),
    ),
)


def _reason(response):
    """X's words for a refusal: a problem's detail (API v2) or the first error's message."""
    try:
        body = response.json()
    except ValueError:
        return f"X answered {response.status_code}"
    if not isinstance(body, dict):
        return f"X answered {response.status_code}"
    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else {}
    first = first if isinstance(first, dict) else {}
    detail = body.get("detail") or first.get("message") or body.get("title") or ""
    return f"X answered {response.status_code}: {detail}".rstrip(": ")


def _wait(headers):
    """Seconds until the exhausted limit resets (epoch seconds in its -reset header): the daily
    posting limits too, whose 429 can come while the window still has calls left."""
    resets = [headers.get(f"{limit}-reset", "") for limit in LIMITS
              if headers.get(f"{limit}-remaining", "0") == "0"]  # fmt: skip
    resets = [int(reset) for reset in resets if reset.isdigit()]
    return max(0, max(resets) - int(time.time())) if resets else None


def _refusal(response):
    """The Refused an answer that is no success stands for."""
    status = response.status_code
    reason = _reason(response)
    if status == 429:
        return Refused(reason, permanent=False, retry_after=_wait(response.headers))
    if status >= 500:
        return Refused(reason, permanent=False)
    if 300 <= status < 400:
        where = response.headers.get("location", "")
        return Refused(f"X answered {status} to {where} (not followed)", permanent=True)
    # 400 (a post X will not take), 401 (keys revoked or wrong), 403 (not allowed): as they are.
    return Refused(reason, permanent=True)


def _plain(text):
    """Text as X gives it back, comparable with ours: entities unescaped, NFC (X stores it so),
    whitespace collapsed."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    return " ".join(text.split())


def _same_link(a, b):
    return a.rstrip("/").lower() == b.rstrip("/").lower()


def _matches(tweet, post):
    """Whether this tweet is our post. X rewrites every link to a t.co address and appends one
    for an attached photo, so the words are compared with every link taken out, and our link
    must be among the tweet's expanded links: two releases with the same headline differ by
    their address."""
    words = URL.sub(" ", _plain(tweet.get("text", "")))
    if " ".join(words.split()) != " ".join(URL.sub(" ", _plain(post.text)).split()):
        return False
    if not post.link:
        return True
    urls = (tweet.get("entities") or {}).get("urls") or []
    expanded = [u.get("expanded_url") or u.get("url") or "" for u in urls if isinstance(u, dict)]
    return any(_same_link(link, post.link) for link in expanded)


class XConnection(Connection):
    def __init__(self, credentials, base_url):
        names = [c.name for c in NETWORK.credentials]
        missing = [name for name in names if not (credentials or {}).get(name)]
        if missing:
            raise Refused(f"X needs {', '.join(missing)}", permanent=True)
        self.base = NETWORK.server(base_url)
        self.session = requests.Session()
        self.session.auth = OAuth1(
            credentials["api_key"],
            client_secret=credentials["api_secret"],
            resource_owner_key=credentials["access_token"],
            resource_owner_secret=credentials["access_token_secret"],
        )
        self._me = None  # {"id", "username"}, asked once

    def _send(self, method, path, **kwargs):
        """The answer, a success or not; a network failure is a temporary refusal (its text
        names the host only: an exception's text could carry more of the request)."""
        try:
            return self.session.request(
                method,
                self.base + path,
                timeout=settings.SOCIAL_TIMEOUT_SECONDS,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as error:
            host = urlsplit(self.base).hostname
            reason = f"X ({host}) unreachable: {type(error).__name__}"
            raise Refused(reason, permanent=False) from None

    def _call(self, method, path, **kwargs):
        response = self._send(method, path, **kwargs)
        if not 200 <= response.status_code < 300:
            raise _refusal(response)
        return self._data(response)

    @staticmethod
    def _data(response):
        try:
            data = response.json()["data"]
        except (ValueError, KeyError, TypeError):
            # A proxy's page in place of X's JSON: worth another try later.
            reason = f"X's answer ({response.status_code}) was not X's JSON"
            raise Refused(reason, permanent=False) from None
        return data

    def _account(self):
        if self._me is None:
            data = self._call("GET", "/2/users/me")
            if not isinstance(data, dict) or not data.get("id") or not data.get("username"):
                raise Refused("X's /2/users/me named no account", permanent=False)
            self._me = {"id": str(data["id"]), "username": data["username"]}
        return self._me

    def _posted(self, tweet_id):
        return Posted(
            str(tweet_id), f"https://x.com/{self._account()['username']}/status/{tweet_id}"
        )

    def verify(self):
        return "@" + self._account()["username"]

    def test_post(self, text):
        raise Refused("X has no post only its author sees; check the keys instead", permanent=True)

    def find(self, post):
        """Of the account's latest posts, the one `_matches` takes for ours. X keeps no key of
        ours, and refuses the same text twice (403, duplicate content), so the words and the
        link are what tell."""
        account = self._account()
        params = {"max_results": RECENT, "tweet.fields": "entities"}
        tweets = self._call("GET", f"/2/users/{account['id']}/tweets", params=params)
        for tweet in tweets if isinstance(tweets, list) else []:
            if isinstance(tweet, dict) and tweet.get("id") and _matches(tweet, post):
                return self._posted(tweet["id"])
        return None

    def _upload(self, post):
        files = {"media": ("photo", post.image, post.image_type or "application/octet-stream")}
        data = self._call("POST", "/2/media/upload", files=files,
                          data={"media_category": "tweet_image"})  # fmt: skip
        media_id = str((data or {}).get("id") or "") if isinstance(data, dict) else ""
        if not media_id:
            raise Refused("X took the photo but gave no media id", permanent=False)
        if post.alt:
            alt = {"text": post.alt[:ALT_TEXT_LIMIT]}
            self._call("POST", "/2/media/metadata",
                       json={"id": media_id, "metadata": {"alt_text": alt}})  # fmt: skip
        return media_id

    def publish(self, post):
        body = {"text": post.text}
        if post.image:
            body["media"] = {"media_ids": [self._upload(post)]}
        response = self._send("POST", "/2/tweets", json=body)
        if response.status_code == 403 and DUPLICATE in _reason(response).lower():
            # X already has this text: most likely our own try that crashed after X took it.
            found = self.find(post)
            if found:
                return found
        if not 200 <= response.status_code < 300:
            raise _refusal(response)
        data = self._data(response)
        if not isinstance(data, dict) or not data.get("id"):
            raise Refused("X took the post but gave no id", permanent=False)
        return self._posted(data["id"])

    def delete(self, posted_id):
        if not str(posted_id).isdigit():
            raise Refused(f"{posted_id!r} is no X post id", permanent=True)
        response = self._send("DELETE", f"/2/tweets/{posted_id}")
        if response.status_code == 404:
            return  # already gone
        if not 200 <= response.status_code < 300:
            raise _refusal(response)
