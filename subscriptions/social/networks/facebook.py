"""A Facebook Page: posts through the Graph API's documented endpoints with a Page access token.

The token travels as Graph's `access_token` parameter; a network error's text (which would
carry the address, token and all) is never passed on. Redirects are never followed.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

from subscriptions.social.networks import Connection, Credential, Network, Posted, Refused

GRAPH_VERSION = "v21.0"
RECENT = 10  # how many of the Page's latest posts find() reads
# App, user, page and call-rate limits; a Page's own limit (80001); blocked for a while (368);
# an application over its limit (341).
RATE_LIMITED = {4, 17, 32, 613, 80001, 368, 341}
UNAVAILABLE = {1, 2}  # "unknown error", "service temporarily unavailable"
DUPLICATE = 506
MISSING = 100  # with subcode 33: the object does not exist (or cannot be loaded)
USAGE_HEADERS = ("x-business-use-case-usage", "x-app-usage", "x-page-usage")
POST_ID = re.compile(r"\d+(_\d+)?")


@dataclass(frozen=True)
class FacebookNetwork(Network):
    def length(self, text):
        # Facebook documents its limit as 63,206 characters, with no weight for links or
        # scripts, so each code point counts one.
        return len(text)

    def connect(self, credentials, base_url):
        return FacebookConnection(credentials, base_url or self.default_base_url)


NETWORK = FacebookNetwork(
    code="facebook",
    label="Facebook Page",
    limit=63206,
    default_base_url="https://graph.facebook.com",
    credentials=(
        Credential(
            "page_id",
            "Page ID",
            "The Page's number, shown under the Page's About, Page transparency.",
            secret=False,
        ),
        Credential(
            "page_access_token",
            "Page access token",
            "A long-lived Page access token with pages_manage_posts and pages_read_engagement.",
        ),
    ),
)


def _error(response):
    """Graph's error object, or {} where the answer carries none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _wait(response):
    """Seconds until Graph lets the calls in again: the usage headers' estimate, in minutes."""
    minutes = []

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "estimated_time_to_regain_access" and isinstance(inner, int | float):
                    minutes.append(inner)
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for name in USAGE_HEADERS:
        try:
            walk(json.loads(response.headers.get(name) or "null"))
        except ValueError:
            continue
    return int(max(minutes) * 60) if minutes and max(minutes) > 0 else None


def _refusal(response):
    """The Refused an answer that is no success stands for."""
    status = response.status_code
    error = _error(response)
    code = error.get("code")
    reason = f"Facebook answered {status}: {error.get('message') or 'no error object'}"
    if code in RATE_LIMITED or status == 429:
        return Refused(reason, permanent=False, retry_after=_wait(response))
    if 300 <= status < 400:
        where = response.headers.get("location", "")
        return Refused(f"Facebook answered {status} to {where} (not followed)", permanent=True)
    if status >= 500 or code in UNAVAILABLE or error.get("is_transient") is True:
        return Refused(reason, permanent=False)
    # 190 (a token expired or revoked), 200s (a permission missing), 100 (a parameter Graph will
    # not take), 506 (a duplicate): as they are, until someone changes something.
    return Refused(reason, permanent=True)


def _plain(text):
    return " ".join(unicodedata.normalize("NFC", text or "").split())


class FacebookConnection(Connection):
    def __init__(self, credentials, base_url):
        credentials = credentials or {}
        page_id = str(credentials.get("page_id") or "").strip()
        if not page_id.isdigit():
            raise Refused("A Facebook Page ID is a number (the Page's About shows it)",
                          permanent=True)  # fmt: skip
        if not credentials.get("page_access_token"):
            raise Refused("Facebook needs the Page access token", permanent=True)
        self.base = f"{NETWORK.server(base_url)}/{GRAPH_VERSION}"
        self.page_id = page_id
        self.token = credentials["page_access_token"]
        self.session = requests.Session()

    def _send(self, method, path, params=None, data=None, files=None):
        """The answer, a success or not; the token goes in the form on a POST, in the query
        otherwise. A network failure is a temporary refusal naming the host only."""
        params, data = dict(params or {}), dict(data or {})
        (data if method == "POST" else params)["access_token"] = self.token
        try:
            return self.session.request(
                method, self.base + path, params=params, data=data or None, files=files,
                timeout=settings.SOCIAL_TIMEOUT_SECONDS, allow_redirects=False,
            )  # fmt: skip
        except requests.RequestException as error:
            host = urlsplit(self.base).hostname
            # From None: a logged traceback would show the request's address, token and all.
            reason = f"Facebook ({host}) unreachable: {type(error).__name__}"
            raise Refused(reason, permanent=False) from None

    def _call(self, method, path, **kwargs):
        response = self._send(method, path, **kwargs)
        if not 200 <= response.status_code < 300:
            raise _refusal(response)
        return self._body(response)

    @staticmethod
    def _body(response):
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            # A proxy's page in place of Graph's JSON: worth another try later.
            raise Refused(f"Facebook's answer ({response.status_code}) was not Graph's JSON",
                          permanent=False)  # fmt: skip
        return body

    def _posted(self, post_id, permalink=None):
        """Posted, with the post's permalink: asked for when not at hand, and made from the
        post's id if asking fails (the post is out either way)."""
        if not permalink:
            try:
                permalink = self._call(
                    "GET", f"/{post_id}", params={"fields": "permalink_url"}
                ).get("permalink_url")
            except Refused:
                permalink = None
        return Posted(str(post_id), permalink or f"https://www.facebook.com/{post_id}")

    def verify(self):
        page = self._call("GET", f"/{self.page_id}", params={"fields": "id,name"})
        if not page.get("name"):
            raise Refused("Facebook named no Page for this ID", permanent=True)
        return page["name"]

    def test_post(self, text):
        raise Refused("A Facebook Page has no post only its author sees; check the token instead",
                      permanent=True)  # fmt: skip

    def find(self, post):
        """Of the Page's latest posts, the one whose message is our text (Graph keeps the
        message as sent: links are not rewritten), compared after NFC and with whitespace
        collapsed."""
        params = {"fields": "id,message,permalink_url", "limit": RECENT}
        feed = self._call("GET", f"/{self.page_id}/feed", params=params).get("data")
        for item in feed if isinstance(feed, list) else []:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            if _plain(item.get("message")) == _plain(post.text):
                return self._posted(item["id"], item.get("permalink_url"))
        return None

    def publish(self, post):
        if post.image:
            files = {"source": ("photo", post.image, post.image_type or "application/octet-stream")}
            data = {"caption": post.text, "alt_text_custom": post.alt, "published": "true"}
            response = self._send("POST", f"/{self.page_id}/photos", data=data, files=files)
            id_field = "post_id"  # the photo's own id is "id"; the post's, "post_id"
        else:
            data = {"message": post.text}
            if post.link:
                data["link"] = post.link
            response = self._send("POST", f"/{self.page_id}/feed", data=data)
            id_field = "id"
        if _error(response).get("code") == DUPLICATE:
            # Facebook already has this text: most likely our own try that crashed after
            # Facebook took it.
            found = self.find(post)
            if found:
                return found
        if not 200 <= response.status_code < 300:
            raise _refusal(response)
        post_id = self._body(response).get(id_field)
        if not post_id:
            raise Refused("Facebook took the post but gave no id", permanent=False)
        return self._posted(post_id)

    def delete(self, posted_id):
        if not POST_ID.fullmatch(str(posted_id)):
            raise Refused(f"{posted_id!r} is no Facebook post id", permanent=True)
        response = self._send("DELETE", f"/{posted_id}")
        error = _error(response)
        if response.status_code == 404 or (
            error.get("code") == MISSING
            and (
                error.get("error_subcode") == 33 or "does not exist" in (error.get("message") or "")
            )
        ):
            return  # already gone
        if not 200 <= response.status_code < 300:
            raise _refusal(response)
