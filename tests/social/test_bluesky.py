"""Bluesky against its loopback stand-in PDS: what arrives (facets at the right bytes, alt
text), how the length is counted, the record key that makes a resend safe, and how each
refusal reads to the engine."""

import socket
import time

import pytest

from subscriptions.social.networks import Post, Refused
from subscriptions.social.networks.bluesky import NETWORK, record_key
from tests.social.fake_bluesky import APP_PASSWORD, HANDLE, TID, FakeBluesky
from tests.social.fakes import Answer

LINK = "https://press.example.org/es/comunicados/2026/el-puerto-reabre/"
CREDENTIALS = {"handle": HANDLE, "app_password": APP_PASSWORD}


@pytest.fixture
def fake():
    server = FakeBluesky().start()
    yield server
    server.stop()


@pytest.fixture
def connection(fake):
    connection = NETWORK.connect(CREDENTIALS, fake.url)
    yield connection
    connection.close()


def post(key="release-7-bluesky", text=f"El puerto reabre 🚢👍🏽 — café. {LINK}", **image):
    return Post(key, text, LINK, **image)


def created(fake):
    return [r for r in fake.requests if r.path.endswith("createRecord")]


def test_publish_puts_a_link_facet_on_the_address_by_utf8_bytes(fake, connection):
    posted = connection.publish(post())
    (seen,) = fake.posts()
    assert seen["text"] == f"El puerto reabre 🚢👍🏽 — café. {LINK}"
    assert seen["links"] == [(LINK, LINK)]  # the byte slice cuts out exactly the address
    assert seen["alts"] == [] and seen["langs"] is None
    assert posted.url == f"https://bsky.app/profile/{HANDLE}/post/{seen['rkey']}"
    assert posted.id == f"at://did:plc:pressagency0000000000000/app.bsky.feed.post/{seen['rkey']}"


def test_the_record_says_the_language_it_is_written_in(fake, connection):
    connection.publish(post(language="es"))
    (seen,) = fake.posts()
    assert seen["langs"] == ["es"]


def test_publish_with_photo_embeds_it_with_its_alt_text(fake, connection):
    photo = b"\xff\xd8\xff\xe0 a jpeg"
    connection.publish(post(image=photo, image_type="image/jpeg", alt="Ferris en el muelle"))
    (seen,) = fake.posts()
    assert seen["alts"] == ["Ferris en el muelle"]
    assert seen["blobs"] == [{"bytes": photo, "mimeType": "image/jpeg"}]


def test_the_session_is_opened_once_per_connection(fake, connection):
    connection.publish(post(key="a"))
    connection.publish(post(key="b"))
    connection.verify()
    logins = [r for r in fake.requests if r.path.endswith("createSession")]
    assert len(logins) == 1


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("👍🏽", 1),  # thumbs up with a skin tone
        ("👩‍👩‍👧", 1),  # a family joined by zero-width joiners
        ("Café", 4),
        ("Cafe\u0301", 4),  # decomposed é: two code points, one grapheme
        (LINK, len(LINK)),  # links count in full on Bluesky
        ("@press@agency.social", 20),  # no mention concession either
    ],
)
def test_length_counts_graphemes_of_the_whole_text(text, length):
    assert NETWORK.length(text) == length


def test_three_hundred_graphemes_of_emoji_fit(fake, connection):
    text = "👍🏽" * 300
    assert NETWORK.length(text) == 300 and len(text.encode()) == 2400
    connection.publish(post(text=text))
    assert len(fake.records) == 1


def test_over_the_limit_is_a_permanent_refusal(fake, connection):
    with pytest.raises(Refused) as refused:
        connection.publish(post(text="é" * 301))
    assert refused.value.permanent
    reason = "Bluesky refused the text: 301 characters, over its limit of 300 "
    assert refused.value.reason.startswith(reason)
    assert fake.records == {}


def test_rate_limit_is_temporary_with_the_time_to_wait(fake, connection):
    reset = str(int(time.time()) + 120)
    headers = {"ratelimit-limit": "5000", "ratelimit-remaining": "0",
               "ratelimit-reset": reset, "ratelimit-policy": "5000;w=3600"}  # fmt: skip
    body = {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
    fake.fail_next("createRecord", Answer(429, body, headers))
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert not refused.value.permanent
    assert 110 < refused.value.retry_after <= 120


def test_rate_limited_login_is_temporary(fake, connection):
    reset = {"ratelimit-reset": str(int(time.time()) + 300)}
    fake.fail_next("createSession", Answer(429, {"error": "RateLimitExceeded"}, reset))
    with pytest.raises(Refused) as refused:
        connection.verify()
    assert not refused.value.permanent and refused.value.retry_after > 290


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_temporary(fake, connection, status):
    fake.fail_next("createRecord", Answer(status, {"error": "InternalServerError"}))
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert not refused.value.permanent and refused.value.retry_after is None


def test_an_unreachable_pds_is_temporary():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connection = NETWORK.connect(CREDENTIALS, f"http://127.0.0.1:{port}")
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert not refused.value.permanent
    connection.close()


def test_a_revoked_app_password_is_permanent(fake, connection):
    fake.password = "a-new-app-password"
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert refused.value.permanent
    assert "Invalid identifier or password" in refused.value.reason


def test_an_expired_session_is_permanent(fake, connection):
    connection.verify()
    fake.fail_next(
        "createRecord", Answer(400, {"error": "ExpiredToken", "message": "Token has expired"})
    )
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert refused.value.permanent


def test_a_resend_after_a_crash_finds_the_post_and_never_posts_twice(fake, connection):
    assert connection.find(post()) is None
    first = connection.publish(post())
    again = NETWORK.connect(CREDENTIALS, fake.url)  # the engine's next try, after the crash
    assert again.find(post()) == first
    assert again.publish(post()) == first  # even unasked, the same key cannot post twice
    again.close()
    assert len(fake.records) == 1 and len(created(fake)) == 2


def test_different_keys_are_different_posts(fake, connection):
    connection.publish(post(key="a"))
    connection.publish(post(key="b"))
    assert len(fake.records) == 2


def test_record_keys_are_tids_the_same_for_the_same_key():
    keys = {record_key(f"release-{n}-bluesky") for n in range(2000)}
    assert len(keys) == 2000
    assert all(TID.fullmatch(key) for key in keys)
    assert record_key("release-7-bluesky") == record_key("release-7-bluesky")
    assert record_key("release-7-bluesky").startswith(("3j", "3k", "3l"))  # made in 2023


def test_delete_removes_the_record_and_a_missing_one_is_fine(fake, connection):
    posted = connection.publish(post())
    connection.delete(posted.id)
    assert fake.records == {}
    connection.delete(posted.id)
    assert connection.find(post()) is None


def test_verify_returns_the_handle(connection):
    assert connection.verify() == f"@{HANDLE}"


def test_bluesky_offers_no_test_post():
    assert not NETWORK.can_test_post


@pytest.mark.parametrize(
    ("credentials", "base_url", "message"),
    [
        ({"handle": HANDLE, "app_password": ""}, "https://bsky.social", "app password is missing"),
        ({"app_password": APP_PASSWORD}, "https://bsky.social", "handle or the app password"),
        (CREDENTIALS, "bsky.social", "is no http"),
    ],
)
def test_bad_input_is_a_clear_refusal(credentials, base_url, message):
    with pytest.raises(Refused, match=message):
        NETWORK.connect(credentials, base_url)


def test_a_handle_typed_with_its_at_sign_still_logs_in(fake):
    connection = NETWORK.connect({"handle": f"@{HANDLE}", "app_password": APP_PASSWORD}, fake.url)
    assert connection.verify() == f"@{HANDLE}"
    connection.close()
