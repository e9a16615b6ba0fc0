"""Mastodon against its loopback stand-in: what arrives, how the length is counted, and how
each refusal reads to the engine."""

import socket
from datetime import UTC, datetime, timedelta

import pytest

from subscriptions.social.networks import Post, Refused
from subscriptions.social.networks.mastodon import NETWORK
from tests.social.fake_mastodon import TOKEN, FakeMastodon
from tests.social.fakes import Answer

LINK = "https://press.example.org/en/releases/2026/harbour-reopens/"


@pytest.fixture
def fake():
    server = FakeMastodon().start()
    yield server
    server.stop()


@pytest.fixture
def connection(fake):
    connection = NETWORK.connect({"access_token": TOKEN}, fake.url)
    yield connection
    connection.close()


def post(key="release-7-mastodon", text=f"The harbour reopens. {LINK}", **image):
    return Post(key, text, LINK, **image)


def test_publish_without_photo_posts_the_text_publicly(fake, connection):
    posted = connection.publish(post())
    assert fake.statuses[posted.id] == {
        "text": f"The harbour reopens. {LINK}", "visibility": "public", "media": [],
        "language": None,
    }  # fmt: skip
    assert posted.url == f"{fake.url}/@press/{posted.id}"
    assert [r.path for r in fake.requests] == ["/api/v1/statuses"]


def test_the_status_says_the_language_it_is_written_in(fake, connection):
    posted = connection.publish(post(language="es"))
    assert fake.statuses[posted.id]["language"] == "es"


def test_publish_with_photo_uploads_it_with_its_alt_text(fake, connection):
    photo = b"\xff\xd8\xff\xe0 a jpeg"
    posted = connection.publish(
        post(image=photo, image_type="image/jpeg", alt="Ferries at the reopened quay")
    )
    (media,) = fake.statuses[posted.id]["media"]
    assert media == {"bytes": photo, "type": "image/jpeg",
                     "description": "Ferries at the reopened quay"}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("👍🏽", 1),  # thumbs up with a skin tone: one grapheme, two code points
        ("👩‍👩‍👧", 1),  # a family joined by zero-width joiners
        ("Café", 4),  # composed é
        ("Cafe\u0301", 4),  # e + combining acute: still four characters to a reader
        (LINK, 23),  # every link counts 23, however long
        ("http://a.b", 23),  # …however short
        (f"See {LINK}.", 4 + 23 + 1),  # the closing full stop is no part of the link
        ("Hi @press@agency.social!", len("Hi @press!")),  # a remote mention counts its @user
        ("mail press@agency.social", 24),  # an address is no mention
    ],
)
def test_length_counts_as_mastodon_does(text, length):
    assert NETWORK.length(text) == length


def test_five_hundred_characters_with_a_long_link_fit(fake, connection):
    text = "é" * (500 - 24) + " " + LINK + "?" + "x" * 200
    assert NETWORK.length(text) == 500
    assert connection.publish(post(text=text)).id in fake.statuses


def test_over_the_limit_is_a_permanent_refusal(fake, connection):
    with pytest.raises(Refused) as refused:
        connection.publish(post(text="x" * 501))
    assert refused.value.permanent
    assert "character limit of 500" in refused.value.reason
    assert fake.statuses == {}


def test_rate_limit_is_temporary_with_the_time_to_wait(fake, connection):
    reset = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    fake.fail_next("/api/v1/statuses", Answer(429, {"error": "Too many requests"},
                                              {"X-RateLimit-Reset": reset}))  # fmt: skip
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert not refused.value.permanent
    assert 280 < refused.value.retry_after <= 301  # the Date header rounds to the second
    assert len([r for r in fake.requests if r.path == "/api/v1/statuses"]) == 1  # no waiting


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_temporary(fake, connection, status):
    fake.fail_next("/api/v1/statuses", Answer(status, b"<html>down</html>"))
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert not refused.value.permanent and refused.value.retry_after is None


def test_an_unreachable_instance_is_temporary():
    connection = NETWORK.connect({"access_token": TOKEN}, f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert not refused.value.permanent
    assert "unreachable" in refused.value.reason
    connection.close()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_revoked_token_is_permanent(fake, connection):
    fake.revoked = True
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert refused.value.permanent
    assert "revoked" in refused.value.reason


def test_a_forbidden_action_is_permanent(fake, connection):
    fake.fail_next("/api/v1/statuses", Answer(403, {"error": "This action is not allowed"}))
    with pytest.raises(Refused) as refused:
        connection.publish(post())
    assert refused.value.permanent
    assert "403 This action is not allowed" in refused.value.reason


def test_a_resend_after_a_crash_returns_the_first_status(fake, connection):
    first = connection.publish(post(image=b"png", image_type="image/png", alt="Quay"))
    again = NETWORK.connect({"access_token": TOKEN}, fake.url)
    assert again.publish(post(image=b"png", image_type="image/png", alt="Quay")) == first
    again.close()
    assert list(fake.statuses) == [first.id]
    keys = {r.headers.get("idempotency-key") for r in fake.requests if r.path.endswith("statuses")}
    assert keys == {"release-7-mastodon"}


def test_find_reads_the_accounts_recent_statuses_for_the_releases_address(fake, connection):
    assert connection.find(post()) is None, "nothing posted yet"
    connection.publish(post(key="release-8-mastodon", text="Other https://press.example.org/x/"))
    assert connection.find(post()) is None, "another release's post is not this one"
    first = connection.publish(post())
    fake.by_key.clear()  # the instance has forgotten the Idempotency-Key (after an hour)
    assert connection.find(post()) == first


def test_different_keys_post_twice(fake, connection):
    connection.publish(post(key="a"))
    connection.publish(post(key="b"))
    assert len(fake.statuses) == 2


def test_delete_removes_the_status_and_a_missing_one_is_fine(fake, connection):
    posted = connection.publish(post())
    connection.delete(posted.id)
    assert fake.statuses == {}
    connection.delete(posted.id)
    assert [r.method for r in fake.requests][-2:] == ["DELETE", "DELETE"]


def test_delete_with_a_revoked_token_is_refused(fake, connection):
    posted = connection.publish(post())
    fake.revoked = True
    with pytest.raises(Refused) as refused:
        connection.delete(posted.id)
    assert refused.value.permanent


def test_verify_returns_the_handle_on_the_instance(connection):
    assert connection.verify() == "@press@127.0.0.1"


def test_verify_with_a_wrong_token_is_permanent(fake):
    connection = NETWORK.connect({"access_token": "wrong"}, fake.url)
    with pytest.raises(Refused) as refused:
        connection.verify()
    assert refused.value.permanent
    connection.close()


def test_test_post_is_a_direct_status_to_the_account_itself(fake, connection):
    posted = connection.test_post("Test from the press office")
    assert NETWORK.can_test_post
    assert fake.statuses[posted.id]["visibility"] == "direct"
    assert fake.statuses[posted.id]["text"] == "@press Test from the press office"


@pytest.mark.parametrize("base_url", ["mastodon.social", "ftp://mastodon.social", "https://"])
def test_a_bad_instance_address_is_a_clear_refusal(base_url):
    with pytest.raises(Refused, match=r"is no http\(s\) address"):
        NETWORK.connect({"access_token": TOKEN}, base_url)


def test_a_missing_token_is_a_clear_refusal():
    with pytest.raises(Refused, match="access token is missing"):
        NETWORK.connect({"access_token": "  "}, "https://mastodon.social")
