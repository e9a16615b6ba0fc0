"""A Mastodon instance on loopback: the endpoints a press account uses, with Mastodon's own
status codes and error bodies (422 over 500 characters, 401 for a revoked token, 404 for a
missing status) and its Idempotency-Key (a repeated key answers the status it already made)."""

import html
import itertools
import re
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs

from subscriptions.social.networks.counting import mastodon_length
from tests.social.fakes import Answer, FakeAPI

TOKEN = "token-of-the-press-account"
LINK = re.compile(r"(https?://\S+)")


class FakeMastodon(FakeAPI):
    def setup(self):
        self.username = "press"
        self.revoked = False
        self.statuses, self.media, self.by_key = {}, {}, {}
        self.ids = itertools.count(109_000_000_000_000_001)
        self.route("GET", r"/api/v1/accounts/verify_credentials", self.verify_credentials)
        self.route("POST", r"/api/v2/media", self.upload)
        self.route("POST", r"/api/v1/statuses", self.create)
        self.route("DELETE", r"/api/v1/statuses/(\d+)", self.destroy)
        self.route("GET", r"/api/v1/accounts/(\w+)/statuses", self.account_statuses)

    def refusal(self, request):
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Answer(401, {"error": "The access token is invalid"})
        if self.revoked:
            return Answer(401, {"error": "The access token was revoked"})
        return None

    def verify_credentials(self, request, match):
        return self.refusal(request) or Answer(
            200, {"id": "1", "username": self.username, "acct": self.username}
        )

    def upload(self, request, match):
        if refusal := self.refusal(request):
            return refusal
        fields = multipart(request)
        if "file" not in fields:
            return Answer(422, {"error": "Validation failed: File can't be blank"})
        media_id = str(next(self.ids))
        content, content_type = fields["file"]
        self.media[media_id] = {
            "bytes": content,
            "type": content_type,
            "description": fields.get("description", (b"", ""))[0].decode(),
        }
        return Answer(200, {"id": media_id, "type": "image", "url": f"{self.url}/m/{media_id}"})

    def create(self, request, match):
        if refusal := self.refusal(request):
            return refusal
        key = request.headers.get("idempotency-key")
        if key in self.by_key:
            return Answer(200, self.public(self.by_key[key]))
        form = parse_qs(request.body.decode())
        text = form.get("status", [""])[0]
        if mastodon_length(text) > 500:
            return Answer(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
        media_ids = form.get("media_ids[]", []) + form.get("media_ids", [])
        if any(media_id not in self.media for media_id in media_ids):
            return Answer(422, {"error": "Validation failed: Media attachments are invalid"})
        status_id = str(next(self.ids))
        self.statuses[status_id] = {
            "text": text,
            "visibility": form.get("visibility", ["public"])[0],
            "media": [self.media[media_id] for media_id in media_ids],
            "language": form.get("language", [None])[0],
        }
        if key:
            self.by_key[key] = status_id
        return Answer(200, self.public(status_id))

    def public(self, status_id):
        url = f"{self.url}/@{self.username}/{status_id}"
        text = html.escape(self.statuses[status_id]["text"])
        content = "<p>" + LINK.sub(r'<a href="\1">\1</a>', text) + "</p>"  # as Mastodon writes it
        return {"id": status_id, "url": url, "uri": url, "content": content}

    def account_statuses(self, request, match):
        """The account's statuses, newest first, as HTML (links made anchors)."""
        if refusal := self.refusal(request):
            return refusal
        limit = int(request.query.get("limit", 20))
        newest = sorted(self.statuses, key=int, reverse=True)[:limit]
        return Answer(200, [self.public(status_id) for status_id in newest])

    def destroy(self, request, match):
        if refusal := self.refusal(request):
            return refusal
        if self.statuses.pop(match[1], None) is None:
            return Answer(404, {"error": "Record not found"})
        return Answer(200, {"id": match[1]})


def multipart(request):
    """{field name: (bytes, content type)} of a multipart/form-data body."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_payload(decode=True),
            part.get_content_type(),
        )
        for part in message.iter_parts()
    }
