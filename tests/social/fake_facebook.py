"""The Graph API's stand-in for one Page: the Page, its feed (posting and reading), photo posts
with alt text, a post's permalink, deleting, with Graph's error objects: 190 for a revoked
token, 506 for the same message twice, 100 for a missing object, the rate limits' codes with
the usage header."""

import itertools
import json

from tests.social.fake_x import multipart
from tests.social.fakes import Answer, FakeAPI

VERSION = "v21.0"
PAGE_ID = "104000000000001"
TOKEN = "page-token"
CREDENTIALS = {"page_id": PAGE_ID, "page_access_token": TOKEN}
LIMIT = 63206


def graph_error(status, code, message, kind="OAuthException", subcode=None, headers=None):
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Answer(status, {"error": error}, headers or {})


NO_TOKEN = graph_error(400, 2500, "An active access token must be used to query information "
                       "about the current user.")  # fmt: skip
REVOKED = graph_error(
    400, 190, "Error validating access token: The session has been invalidated because the "
    "user changed their password.", subcode=460,
)  # fmt: skip
DUPLICATE = graph_error(400, 506, "(#506) Duplicate status message")


def missing(object_id):
    return graph_error(400, 100, f"Unsupported delete request. Object with ID '{object_id}' does "
                       "not exist, cannot be loaded due to missing permissions, or does not "
                       "support this operation.", "GraphMethodException", subcode=33)  # fmt: skip


class FakeFacebook(FakeAPI):
    def setup(self):
        self.page = {"id": PAGE_ID, "name": "City of Springfield Press Office"}
        self.posts = []  # newest last: {"id", "message", "link", "photo": {...} or None}
        self.revoked = False
        self.ids = itertools.count(900000000000001)
        root = f"/{VERSION}/{PAGE_ID}"
        self.route("GET", root, self.page_fields)
        self.route("POST", root + "/feed", self.feed_post)
        self.route("GET", root + "/feed", self.feed)
        self.route("POST", root + "/photos", self.photo_post)
        self.route("GET", rf"/{VERSION}/({PAGE_ID}_\d+)", self.post_fields)
        self.route("DELETE", rf"/{VERSION}/(\d+_\d+)", self.destroy)

    # What tests ask for.
    def reset(self):
        """A fresh Page, so one server can serve a module's tests (stopping one takes 0.5 s)."""
        with self.lock:
            self.failures.clear()
            self.requests.clear()
            self.posts.clear()
            self.revoked = False

    def rate_limit(self, pattern, minutes, code=32, status=403):
        usage = {
            PAGE_ID: [
                {
                    "type": "pages",
                    "call_count": 100,
                    "total_cputime": 40,
                    "total_time": 60,
                    "estimated_time_to_regain_access": minutes,
                }
            ]
        }
        self.fail_next(pattern, graph_error(status, code, f"(#{code}) Page request limit reached",
                                            headers={"x-business-use-case-usage":
                                                     json.dumps(usage)}))  # fmt: skip

    def posted(self, post_id):
        return next((p for p in self.posts if p["id"] == post_id), None)

    # The endpoints.
    def answer(self, request):
        token = request.query.get("access_token") or self._fields(request).get("access_token")
        if token == TOKEN and not self.revoked:
            return super().answer(request)
        with self.lock:
            self.requests.append(request)  # a refused request was still sent
        return REVOKED if token else NO_TOKEN

    @staticmethod
    def _fields(request):
        content_type = request.headers.get("content-type", "")
        if "multipart/form-data" in content_type:
            return {k: v[0] if k == "source" else v[0].decode()
                    for k, v in multipart(request).items()}  # fmt: skip
        return request.form() if request.body else {}

    def page_fields(self, request, match):
        fields = request.query.get("fields", "id").split(",")
        return Answer(200, {k: v for k, v in self.page.items() if k in fields})

    def _create(self, message, link="", photo=None):
        if len(message) > LIMIT:
            return None, graph_error(400, 100, f"(#100) Param message must be at most {LIMIT} "
                                     "characters long")  # fmt: skip
        if message and any(p["message"] == message for p in self.posts):
            return None, DUPLICATE
        post = {"id": f"{PAGE_ID}_{next(self.ids)}", "message": message, "link": link,
                "photo": photo}  # fmt: skip
        self.posts.append(post)
        return post, None

    def feed_post(self, request, match):
        form = self._fields(request)
        if not form.get("message") and not form.get("link"):
            return graph_error(400, 100, "(#100) Missing message or attachment")
        post, error = self._create(form.get("message", ""), form.get("link", ""))
        return error or Answer(200, {"id": post["id"]})

    def photo_post(self, request, match):
        form = self._fields(request)
        if not isinstance(form.get("source"), bytes) or not form["source"]:
            return graph_error(400, 324, "(#324) Requires upload file")
        photo = {"id": str(next(self.ids)), "bytes": form["source"],
                 "alt": form.get("alt_text_custom", ""),
                 "published": form.get("published", "true")}  # fmt: skip
        post, error = self._create(form.get("caption", ""), photo=photo)
        return error or Answer(200, {"id": photo["id"], "post_id": post["id"]})

    def _shown(self, post):
        page, number = post["id"].split("_")
        return {"id": post["id"], "message": post["message"],
                "permalink_url": f"https://www.facebook.com/{page}/posts/{number}"}  # fmt: skip

    def feed(self, request, match):
        limit = int(request.query.get("limit", 25))
        fields = request.query.get("fields", "id,message").split(",")
        shown = [{k: v for k, v in self._shown(p).items() if k in fields}
                 for p in reversed(self.posts[-limit:])]  # fmt: skip
        return Answer(200, {"data": shown, "paging": {}})

    def post_fields(self, request, match):
        post = self.posted(match[1])
        if post is None:
            return graph_error(400, 100, f"Object with ID '{match[1]}' does not exist",
                               "GraphMethodException", subcode=33)  # fmt: skip
        fields = request.query.get("fields", "id").split(",")
        return Answer(200, {k: v for k, v in self._shown(post).items() if k in fields + ["id"]})

    def destroy(self, request, match):
        post = self.posted(match[1])
        if post is None:
            return missing(match[1])
        self.posts.remove(post)
        return Answer(200, {"success": True})
