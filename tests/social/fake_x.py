"""X's stand-in: the API v2 endpoints a post needs (the account, media upload and alt text,
posting, the account's latest posts, deleting), with X's status codes and problem bodies, and
X's ways with text: links rewritten to t.co, one more t.co link for an attached photo, &, < and
> escaped, the same text twice refused as duplicate content."""

import html
import itertools
import re
import time
from email.parser import BytesParser
from email.policy import default

from twitter_text import parse_tweet

from tests.social.fakes import Answer, FakeAPI

CREDENTIALS = {
    "api_key": "consumer-key",
    "api_secret": "consumer-secret",
    "access_token": "1001-access",
    "access_token_secret": "access-secret",
}
URL = re.compile(r"https?://\S+", re.IGNORECASE)


def problem(status, title, detail, kind="about:blank"):
    return Answer(status, {"title": title, "detail": detail, "type": kind, "status": status})


UNAUTHORIZED = problem(401, "Unauthorized", "Unauthorized")
DUPLICATE = problem(
    403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
)
INVALID = "https://api.twitter.com/2/problems/invalid-request"


def multipart(request):
    """{name: (value bytes, content type)} of a multipart/form-data body."""
    head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=default).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_payload(decode=True),
            part.get_content_type(),
        )
        for part in message.iter_parts()
    }


class FakeX(FakeAPI):
    def setup(self):
        self.user = {"id": "1001", "username": "cityoffice", "name": "City Press Office"}
        self.tweets = []  # newest last: {"id", "text" (as sent), "media_ids"}
        self.media = {}  # id: {"bytes", "type", "category", "alt"}
        self.revoked = False
        self.ids = itertools.count(1790000000000000001)
        self.route("GET", r"/2/users/me", self.me)
        self.route("POST", r"/2/media/upload", self.upload)
        self.route("POST", r"/2/media/metadata", self.metadata)
        self.route("POST", r"/2/tweets", self.create)
        self.route("DELETE", r"/2/tweets/(\d+)", self.destroy)
        self.route("GET", r"/2/users/(\d+)/tweets", self.timeline)

    # What tests ask for.
    def reset(self):
        """A fresh account, so one server can serve a module's tests (stopping one takes 0.5 s)."""
        with self.lock:
            self.failures.clear()
            self.requests.clear()
            self.tweets.clear()
            self.media.clear()
            self.revoked = False

    def rate_limit(self, pattern, seconds):
        limited = problem(429, "Too Many Requests", "Too Many Requests")
        limited.headers = {"x-rate-limit-limit": 100, "x-rate-limit-remaining": 0,
                           "x-rate-limit-reset": int(time.time()) + seconds}  # fmt: skip
        self.fail_next(pattern, limited)

    def posted(self, tweet_id):
        return next((t for t in self.tweets if t["id"] == tweet_id), None)

    # The endpoints.
    def answer(self, request):
        auth = request.headers.get("authorization", "")
        signed = auth.startswith("OAuth ") and "oauth_signature=" in auth
        if signed and f'oauth_consumer_key="{CREDENTIALS["api_key"]}"' in auth and not self.revoked:
            return super().answer(request)
        with self.lock:
            self.requests.append(request)  # a refused request was still sent
        return UNAUTHORIZED

    def me(self, request, match):
        return Answer(200, {"data": self.user})

    def upload(self, request, match):
        parts = multipart(request) if "multipart/form-data" in request.headers.get(
            "content-type", "") else {}  # fmt: skip
        if "media" not in parts:
            return problem(400, "Invalid Request", "media is required", INVALID)
        media_id = str(next(self.ids))
        self.media[media_id] = {
            "bytes": parts["media"][0],
            "type": parts["media"][1],
            "category": parts.get("media_category", (b"", ""))[0].decode(),
            "alt": "",
        }
        return Answer(200, {"data": {"id": media_id, "media_key": f"3_{media_id}",
                                     "expires_after_secs": 86400}})  # fmt: skip

    def metadata(self, request, match):
        body = request.json()
        alt = body.get("metadata", {}).get("alt_text", {}).get("text")
        if body.get("id") not in self.media or alt is None:
            return problem(400, "Invalid Request", "Unknown media id or no alt text", INVALID)
        if len(alt) > 1000:
            return problem(400, "Invalid Request", "Alt text is longer than 1000", INVALID)
        self.media[body["id"]]["alt"] = alt
        return Answer(200, {"data": {"id": body["id"], "associated_metadata": True}})

    def create(self, request, match):
        body = request.json()
        text = body.get("text", "")
        media_ids = body.get("media", {}).get("media_ids", [])
        if not text and not media_ids:
            return problem(400, "Invalid Request", "text or media is required", INVALID)
        if not parse_tweet(text).valid:
            return problem(403, "Forbidden", "Tweet text is too long.")
        if any(m not in self.media for m in media_ids):
            return problem(400, "Invalid Request", "Unknown media id", INVALID)
        if any(t["text"] == text for t in self.tweets):
            return DUPLICATE
        tweet = {"id": str(next(self.ids)), "text": text, "media_ids": list(media_ids)}
        self.tweets.append(tweet)
        return Answer(201, {"data": {"id": tweet["id"], "text": self._shown(tweet)["text"],
                                     "edit_history_tweet_ids": [tweet["id"]]}})  # fmt: skip

    def destroy(self, request, match):
        tweet = self.posted(match[1])
        if tweet is None:
            return problem(404, "Not Found Error", f"Could not find tweet with id: [{match[1]}].",
                           "https://api.twitter.com/2/problems/resource-not-found")  # fmt: skip
        self.tweets.remove(tweet)
        return Answer(200, {"data": {"deleted": True}})

    def timeline(self, request, match):
        if match[1] != self.user["id"]:
            return problem(404, "Not Found Error", "Could not find user",
                           "https://api.twitter.com/2/problems/resource-not-found")  # fmt: skip
        count = int(request.query.get("max_results", 10))
        if not 5 <= count <= 100:
            return problem(400, "Invalid Request", "max_results must be 5 to 100", INVALID)
        entities = "entities" in request.query.get("tweet.fields", "")
        shown = [self._shown(t, entities) for t in reversed(self.tweets[-count:])]
        return Answer(200, {"data": shown, "meta": {"result_count": len(shown)}})

    def _shown(self, tweet, entities=False):
        """A tweet as X gives it back: every link a t.co one, a photo's link appended."""
        urls, n = [], itertools.count()

        def shorten(found):
            short = f"https://t.co/{next(n):010d}"
            urls.append({"url": short, "expanded_url": found[0], "display_url": found[0][8:30]})
            return short

        text = html.escape(URL.sub(shorten, tweet["text"]), quote=False)
        for media_id in tweet["media_ids"]:
            short = f"https://t.co/m{media_id[-9:]}"
            text += " " + short
            urls.append({"url": short, "media_key": f"3_{media_id}",
                         "expanded_url": f"https://x.com/{self.user['username']}/status/"
                         f"{tweet['id']}/photo/1"})  # fmt: skip
        shown = {"id": tweet["id"], "text": text, "edit_history_tweet_ids": [tweet["id"]]}
        if entities and urls:
            shown["entities"] = {"urls": urls}
        return shown
