"""A Bluesky PDS on loopback: the XRPC procedures a press account uses, answering as the
reference PDS does (test_bluesky_pds.py holds the two side by side): 401 AuthenticationRequired
for a wrong app password, 400 RecordNotFound, 400 InvalidRequest over 300 graphemes, a bare 500
for a record key already used, a record key that must be a TID; with a DID document whose PDS
is this server, so the client stays here after login."""

import base64
import hashlib
import json
import time

import regex

from tests.social.fakes import Answer, FakeAPI

HANDLE = "agency.bsky.social"
DID = "did:plc:pressagency0000000000000"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
TID = regex.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")


def jwt(kind):
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"scope": kind, "sub": DID, "iat": now, "exp": now + 7200, "aud": "did:web:pds"}
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


def cid(data):
    return "bafkrei" + base64.b32encode(hashlib.sha256(data).digest()).decode().lower().rstrip("=")


class FakeBluesky(FakeAPI):
    def setup(self):
        self.password = APP_PASSWORD
        self.records, self.blobs, self.tokens = {}, {}, set()
        for name, method, handler in (
            ("com.atproto.server.createSession", "POST", self.create_session),
            ("com.atproto.repo.uploadBlob", "POST", self.upload_blob),
            ("com.atproto.repo.createRecord", "POST", self.create_record),
            ("com.atproto.repo.getRecord", "GET", self.get_record),
            ("com.atproto.repo.deleteRecord", "POST", self.delete_record),
        ):
            self.route(method, rf"/xrpc/{regex.escape(name)}", handler)

    def create_session(self, request, match):
        data = request.json()
        if data.get("identifier") not in (HANDLE, DID) or data.get("password") != self.password:
            message = "Invalid identifier or password"
            return Answer(401, {"error": "AuthenticationRequired", "message": message})
        access = jwt("com.atproto.appPass")
        self.tokens.add(access)
        service = {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                   "serviceEndpoint": self.url}  # fmt: skip
        did_doc = {"@context": ["https://www.w3.org/ns/did/v1"], "id": DID,
                   "alsoKnownAs": [f"at://{HANDLE}"], "verificationMethod": [],
                   "service": [service]}  # fmt: skip
        return Answer(200, {"did": DID, "handle": HANDLE, "accessJwt": access,
                            "refreshJwt": jwt("com.atproto.refresh"), "didDoc": did_doc,
                            "active": True})  # fmt: skip

    def refusal(self, request):
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return Answer(401, {"error": "AuthenticationRequired", "message": "Bad token"})
        return None

    def upload_blob(self, request, match):
        if refusal := self.refusal(request):
            return refusal
        ref = cid(request.body)
        mime = request.headers.get("content-type", "")
        self.blobs[ref] = {"bytes": request.body, "mimeType": mime}
        return Answer(200, {"blob": {"$type": "blob", "ref": {"$link": ref}, "mimeType": mime,
                                     "size": len(request.body)}})  # fmt: skip

    def create_record(self, request, match):
        if refusal := self.refusal(request):
            return refusal
        data = request.json()
        rkey, record = data.get("rkey", ""), data.get("record", {})
        if data.get("repo") not in (DID, HANDLE) or not TID.fullmatch(rkey):
            return Answer(400, {"error": "InvalidRequest", "message": f"Invalid TID: {rkey}"})
        if (length := len(regex.findall(r"\X", record.get("text", "")))) > 300:
            message = (
                "Invalid app.bsky.feed.post record: "
                f"grapheme too big (maximum 300, got {length}) at $.record.text"
            )
            return Answer(400, {"error": "InvalidRequest", "message": message})
        if rkey in self.records:
            # The reference PDS's repository tree throws a plain error, reported as any fault.
            body = {"error": "InternalServerError", "message": "Internal Server Error"}
            return Answer(500, body)
        self.records[rkey] = record
        return Answer(200, {"uri": self.uri(rkey), "cid": cid(request.body),
                            "validationStatus": "valid"})  # fmt: skip

    def uri(self, rkey):
        return f"at://{DID}/app.bsky.feed.post/{rkey}"

    def get_record(self, request, match):
        rkey = request.query.get("rkey", "")
        if rkey not in self.records:
            message = f"Could not locate record: {self.uri(rkey)}"
            return Answer(400, {"error": "RecordNotFound", "message": message})
        value = self.records[rkey]
        return Answer(200, {"uri": self.uri(rkey), "cid": cid(json.dumps(value).encode()),
                            "value": value})  # fmt: skip

    def delete_record(self, request, match):
        if refusal := self.refusal(request):
            return refusal
        self.records.pop(request.json().get("rkey"), None)
        return Answer(200, {})

    def posts(self):
        """What was posted, as a reader sees it: text, the links its facets point at (cut out
        of the UTF-8 by their byte offsets) and the images' alt text."""
        seen = []
        for rkey, record in self.records.items():
            raw = record["text"].encode()
            links = [(raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(),
                      f["features"][0]["uri"]) for f in record.get("facets") or []]  # fmt: skip
            images = (record.get("embed") or {}).get("images", [])
            blobs = [self.blobs[image["image"]["ref"]["$link"]] for image in images]
            alts = [image["alt"] for image in images]
            seen.append(
                {"rkey": rkey, "text": record["text"], "links": links, "alts": alts, "blobs": blobs,
                 "langs": record.get("langs")}
            )  # fmt: skip
        return seen
