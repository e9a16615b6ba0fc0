"""Bluesky against Bluesky's own reference PDS (@atproto/pds from npm, with a PLC directory of
its own) on loopback, driven through the project's Bluesky code: what the stand-in in
fake_bluesky.py assumes is checked here against the real server.

Needs node and `make pds` (tests/social/pds/node_modules); skipped without them, failed with
PRESSOFFICE_REQUIRE_BROWSER=1 (CI), where everything must run."""

import itertools
import json
import os
import selectors
import shutil
import subprocess
import time
from typing import NamedTuple

import httpx
import pytest

from subscriptions.social.networks import Post, Refused
from subscriptions.social.networks.bluesky import NETWORK, record_key
from tests.servers import free_port, stop
from tests.social.fake_bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.support import ROOT, photo_bytes

pytestmark = pytest.mark.servers

PDS = ROOT / "tests" / "social" / "pds"
LINK = "https://press.example.org/es/comunicados/2026/el-puerto-reabre/"
FEED = "app.bsky.feed.post"
handles = itertools.count(1)


class Account(NamedTuple):
    credentials: dict  # as an Administrator enters them: the handle and an app password
    handle: str
    did: str


class ReferencePDS:
    """`node serve.js` on two free loopback ports; `url` is the PDS, as an account's base URL."""

    def __init__(self, directory):
        self.directory = directory
        self.port, self.plc_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / "pds.log"
        self.process = self.output = None

    def start(self, timeout=60):
        started = time.monotonic()
        self.output = open(self.log, "wb")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            ["node", "serve.js", str(self.directory / "data"), str(self.port),
             str(self.plc_port)],
            cwd=PDS, stdout=subprocess.PIPE, stderr=self.output,
            env={**os.environ, "PDS_ADMIN_PASSWORD": "admin-pass"},
        )  # fmt: skip
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout)
        line = self.process.stdout.readline() if ready else b""
        if not line:
            self.stop()
            raise RuntimeError(f"the PDS did not start: {self.log.read_text()[-2000:]}")
        self.started_in = time.monotonic() - started
        self.public_url = json.loads(line)["url"]
        return self

    def stop(self):
        stop(self.process)
        if self.process:
            self.process.stdout.close()
            self.output.close()

    def xrpc(self, method, name, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        call = httpx.post if method == "POST" else httpx.get
        return call(f"{self.url}/xrpc/{name}", headers=headers, timeout=10, **kwargs)

    def account(self):
        """A new account on this PDS, with an app password made for the project."""
        handle = f"agency{next(handles)}.test"  # "press.test" is among the PDS's reserved names
        created = self.xrpc("POST", "com.atproto.server.createAccount", json={
            "handle": handle, "email": f"{handle}@example.org", "password": "main-password",
        })  # fmt: skip
        assert created.status_code == 200, created.text
        session = created.json()
        app = self.xrpc("POST", "com.atproto.server.createAppPassword", session["accessJwt"],
                        json={"name": "Press Office"})  # fmt: skip
        assert app.status_code == 200, app.text
        credentials = {"handle": handle, "app_password": app.json()["password"]}
        return Account(credentials, handle, session["did"])

    def records(self, did):
        """The account's posts as the PDS holds them, by record key."""
        params = {"repo": did, "collection": FEED}
        listed = self.xrpc("GET", "com.atproto.repo.listRecords", params=params).json()
        return {record["uri"].rsplit("/", 1)[-1]: record["value"] for record in listed["records"]}


@pytest.fixture(scope="module")
def pds(tmp_path_factory):
    missing = [
        what
        for what, present in (
            ("node", shutil.which("node")),
            ("tests/social/pds/node_modules (make pds)", (PDS / "node_modules").is_dir()),
        )
        if not present
    ]
    if missing:
        if os.environ.get("PRESSOFFICE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"The reference PDS needs {' and '.join(missing)}")
        pytest.skip(f"The reference PDS needs {' and '.join(missing)}")
    server = ReferencePDS(tmp_path_factory.mktemp("pds")).start()
    yield server
    server.stop()


@pytest.fixture
def account(pds):
    return pds.account()


@pytest.fixture
def connection(pds, account):
    connection = NETWORK.connect(account.credentials, pds.url)
    yield connection
    connection.close()


def post(key="release-7-bluesky", text=f"El puerto reabre 🚢👍🏽 — café. {LINK}", **image):
    return Post(key, text, LINK, **image)


def test_the_pds_starts_within_seconds(pds):
    assert pds.started_in < 30
    assert pds.public_url == f"http://localhost:{pds.port}"


def test_a_post_with_a_link_and_a_photo_arrives_as_written(pds, account, connection):
    photo = photo_bytes(width=64, height=48)
    alt = "Ferris en el muelle"
    posted = connection.publish(post(image=photo, image_type="image/jpeg", alt=alt, language="es"))
    did = account.did
    rkey = record_key("release-7-bluesky")
    assert posted.id == f"at://{did}/{FEED}/{rkey}"
    assert posted.url == f"https://bsky.app/profile/{account.handle}/post/{rkey}"

    got = pds.xrpc("GET", "com.atproto.repo.getRecord",
                   params={"repo": did, "collection": FEED, "rkey": rkey})  # fmt: skip
    assert got.status_code == 200, got.text
    record = got.json()["value"]
    assert record["text"] == post().text and record["langs"] == ["es"]
    (facet,) = record["facets"]
    raw = record["text"].encode()
    assert raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode() == LINK
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": LINK}]
    (image,) = record["embed"]["images"]
    assert image["alt"] == alt
    assert image["image"]["mimeType"] == "image/jpeg"
    blob = pds.xrpc("GET", "com.atproto.sync.getBlob",
                    params={"did": did, "cid": image["image"]["ref"]["$link"]})  # fmt: skip
    assert blob.content == photo


def test_three_hundred_graphemes_of_emoji_fit(pds, account, connection):
    connection.publish(post(text="👍🏽" * 300))
    assert len(pds.records(account.did)) == 1


def test_a_resend_after_a_crash_finds_the_post_and_never_posts_twice(pds, account, connection):
    assert connection.find(post()) is None
    first = connection.publish(post())
    again = NETWORK.connect(account.credentials, pds.url)  # the engine's next try, after the crash
    try:
        assert again.find(post()) == first
        # Even unasked, the same record key cannot post twice: the PDS refuses the second
        # create, and the refusal is read as "already there" only once find() sees the post.
        assert again.publish(post()) == first
    finally:
        again.close()
    assert list(pds.records(account.did)) == [record_key("release-7-bluesky")]


def test_over_the_limit_is_a_permanent_refusal_with_a_clear_reason(pds, account, connection):
    with pytest.raises(Refused) as refused:
        connection.publish(post(text="é" * 301))
    assert refused.value.permanent
    assert "over its limit of 300" in refused.value.reason
    assert pds.records(account.did) == {}


def test_delete_removes_the_post_and_a_missing_one_is_fine(pds, account, connection):
    posted = connection.publish(post())
    connection.delete(posted.id)
    assert pds.records(account.did) == {}
    assert connection.find(post()) is None
    connection.delete(posted.id)


def test_a_wrong_app_password_is_a_permanent_refusal(pds, account):
    wrong = {**account.credentials, "app_password": "aaaa-bbbb-cccc-dddd"}
    connection = NETWORK.connect(wrong, pds.url)
    try:
        with pytest.raises(Refused) as refused:
            connection.publish(post())
    finally:
        connection.close()
    assert refused.value.permanent
    assert "Invalid identifier or password" in refused.value.reason
    assert pds.records(account.did) == {}


def test_verify_returns_the_handle(account, connection):
    assert connection.verify() == f"@{account.handle}"


def create(url, connection, text):
    """What a server says to a createRecord of `text` under the record key of post(), asked
    with the connection's own session, so the stand-in and the real PDS are asked alike."""
    session = connection.login()
    record = {"$type": FEED, "text": text, "createdAt": "2026-03-02T10:00:00.000Z"}
    answer = httpx.post(
        f"{url}/xrpc/com.atproto.repo.createRecord",
        headers={"Authorization": f"Bearer {session.access_jwt}"},
        json={"repo": session.did, "collection": FEED, "rkey": record_key(post().key),
              "record": record},
        timeout=10,
    )  # fmt: skip
    return answer.status_code, answer.json()


def wrong_password(url, connection):
    answer = httpx.post(
        f"{url}/xrpc/com.atproto.server.createSession",
        json={"identifier": connection.handle, "password": "aaaa-bbbb-cccc-dddd"},
        timeout=10,
    )
    return answer.status_code, answer.json()


def duplicate(url, connection):
    assert create(url, connection, "Hola")[0] == 200
    return create(url, connection, "Hola")


def over_limit(url, connection):
    return create(url, connection, "é" * 301)


@pytest.mark.parametrize("case", [duplicate, over_limit, wrong_password])
def test_the_stand_in_answers_as_the_reference_pds_does(pds, account, case):
    fake = FakeBluesky().start()
    real = NETWORK.connect(account.credentials, pds.url)
    stand_in = NETWORK.connect({"handle": HANDLE, "app_password": APP_PASSWORD}, fake.url)
    try:
        assert case(fake.url, stand_in) == case(pds.url, real)
    finally:
        real.close()
        stand_in.close()
        fake.stop()
