"""X through its loopback stand-in: posting with and without a photo, X's weighted count, each
kind of refusal read as the engine reads it, the resend after a crash, deleting, verifying."""

import time

import pytest

from subscriptions.social.networks import Post, Refused
from subscriptions.social.networks.x import NETWORK
from tests.social.fake_x import CREDENTIALS, DUPLICATE, FakeX, problem
from tests.social.fakes import Answer

LINK = "https://press.example.gov/news/2026/12/new-bridge-opens/"
TEXT = f"The new bridge opens on Monday & traffic moves to it at 6 a.m. {LINK}"
PHOTO = b"\xff\xd8\xff\xe0 a jpeg, as far as X cares"


@pytest.fixture(scope="module")
def server():
    server = FakeX().start()
    yield server
    server.stop()


@pytest.fixture
def fake(server):
    server.reset()
    return server


@pytest.fixture
def x(fake):
    return NETWORK.connect(CREDENTIALS, fake.url)


def post(text=TEXT, link=LINK, **photo):
    return Post(key="release-7-x", text=text, link=link, **photo)


def test_a_post_goes_out_signed_and_its_address_names_the_account(fake, x):
    posted = x.publish(post())
    assert [t["text"] for t in fake.tweets] == [TEXT]
    assert posted.id == fake.tweets[0]["id"]
    assert posted.url == f"https://x.com/cityoffice/status/{posted.id}"
    assert all(r.headers["authorization"].startswith("OAuth ") for r in fake.requests)


def test_a_photo_is_uploaded_with_its_alt_text_and_attached(fake, x):
    x.publish(post(image=PHOTO, image_type="image/jpeg", alt="The bridge at dusk, from the river"))
    [tweet] = fake.tweets
    [media_id] = tweet["media_ids"]
    media = fake.media[media_id]
    assert media["bytes"] == PHOTO
    assert media["type"] == "image/jpeg"
    assert media["category"] == "tweet_image"
    assert media["alt"] == "The bridge at dusk, from the river"


def test_a_photo_without_alt_text_sends_no_metadata(fake, x):
    x.publish(post(image=PHOTO, image_type="image/jpeg"))
    assert fake.tweets[0]["media_ids"]
    assert not [r for r in fake.requests if r.path == "/2/media/metadata"]


@pytest.mark.parametrize(
    "text, length",
    [
        ("Bridge opens", 12),
        (f"Bridge opens {LINK}", 13 + 23),  # any link is a t.co link of 23
        ("https://bit.ly", 23),  # a short link counts 23 too
        ("橋が開通", 8),  # CJK counts 2
        ("Bridge 🌉", 7 + 2),  # an emoji counts 2
    ],
)
def test_length_is_xs_weighted_count(text, length):
    assert NETWORK.length(text) == length


def test_a_text_at_the_limit_goes_out_and_one_past_it_is_refused_for_good(fake, x):
    fits = "a" * (280 - 24) + " " + LINK  # a long link still counts 23
    assert NETWORK.length(fits) == 280
    x.publish(post(text=fits))
    too_long = "橋" * 141  # 282 by X's count, 141 characters
    assert NETWORK.length(too_long) > NETWORK.limit
    with pytest.raises(Refused) as refused:
        x.publish(post(text=too_long, link=""))
    assert refused.value.permanent
    assert "too long" in refused.value.reason
    assert [t["text"] for t in fake.tweets] == [fits]


def test_a_rate_limit_is_temporary_until_xs_reset_time(fake, x):
    fake.rate_limit("/2/tweets", seconds=120)
    with pytest.raises(Refused) as refused:
        x.publish(post())
    assert not refused.value.permanent
    assert 115 <= refused.value.retry_after <= 120
    assert x.publish(post()).id == fake.tweets[0]["id"]


def test_the_daily_posting_limit_waits_for_its_own_reset(fake, x):
    now = int(time.time())
    limited = problem(429, "Too Many Requests", "Too Many Requests")
    limited.headers = {"x-rate-limit-remaining": 99, "x-rate-limit-reset": now + 60,
                       "x-user-limit-24hour-remaining": 0,
                       "x-user-limit-24hour-reset": now + 5 * 3600}  # fmt: skip
    fake.fail_next("/2/tweets", limited)
    with pytest.raises(Refused) as refused:
        x.publish(post())
    assert 5 * 3600 - 5 <= refused.value.retry_after <= 5 * 3600


def test_a_rate_limit_without_a_reset_header_leaves_the_wait_to_the_engine(fake, x):
    fake.fail_next("/2/tweets", problem(429, "Too Many Requests", "Too Many Requests"))
    with pytest.raises(Refused) as refused:
        x.publish(post())
    assert (refused.value.permanent, refused.value.retry_after) == (False, None)


@pytest.mark.parametrize("answer", [problem(503, "Service Unavailable", "Over capacity"),
                                    Answer(502, b"<html>Bad gateway</html>")])  # fmt: skip
def test_server_errors_are_temporary(fake, x, answer):
    fake.fail_next("/2/tweets", answer)
    with pytest.raises(Refused) as refused:
        x.publish(post())
    assert not refused.value.permanent
    assert not fake.tweets


def test_a_proxys_page_in_place_of_json_is_temporary(fake, x):
    fake.fail_next("/2/users/me", Answer(200, b"<html>Sign in to the hotel wifi</html>"))
    with pytest.raises(Refused) as refused:
        x.verify()
    assert not refused.value.permanent


def test_an_unreachable_api_is_temporary():
    stopped = FakeX().start()
    url = stopped.url
    stopped.stop()
    with pytest.raises(Refused) as refused:
        NETWORK.connect(CREDENTIALS, url).publish(post())
    assert not refused.value.permanent
    assert "127.0.0.1" in refused.value.reason


def test_revoked_keys_are_refused_for_good(fake, x):
    fake.revoked = True
    for attempt in (lambda: x.publish(post()), x.verify):
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.permanent
        assert "Unauthorized" in refused.value.reason


def test_a_forbidden_post_is_refused_for_good(fake, x):
    fake.fail_next("/2/tweets", problem(403, "Forbidden", "You are not permitted to perform "
                                        "this action."))  # fmt: skip
    with pytest.raises(Refused) as refused:
        x.publish(post())
    assert refused.value.permanent


def test_a_resend_after_a_crash_finds_the_post_instead_of_posting_twice(fake, x):
    first = x.publish(post(image=PHOTO, image_type="image/jpeg", alt="The bridge"))
    # The worker died before it wrote `first` down; a new one asks before it posts again.
    again = NETWORK.connect(CREDENTIALS, fake.url)
    assert again.find(post()) == first
    # And a resend that skipped asking meets X's duplicate refusal and finds it all the same.
    assert again.publish(post(image=PHOTO, image_type="image/jpeg", alt="The bridge")) == first
    assert len(fake.tweets) == 1


def test_find_knows_no_post_it_never_made(fake, x):
    x.publish(post(text="Road works on Elm Street all week", link=""))
    assert x.find(post()) is None


def test_find_tells_two_releases_with_the_same_words_apart_by_their_link(fake, x):
    other = "https://press.example.gov/news/2025/06/old-bridge-closes/"
    x.publish(post(text=f"The new bridge opens on Monday & traffic moves to it at 6 a.m. {other}",
                   link=other))  # fmt: skip
    assert x.find(post()) is None


def test_a_duplicate_find_cannot_see_stays_refused_for_good(fake, x):
    fake.fail_next("/2/tweets", DUPLICATE)
    with pytest.raises(Refused) as refused:
        x.publish(post())
    assert refused.value.permanent
    assert "duplicate" in refused.value.reason
    assert not fake.tweets


def test_delete_removes_the_post_and_a_missing_one_is_no_error(fake, x):
    posted = x.publish(post())
    x.delete(posted.id)
    assert fake.tweets == []
    x.delete(posted.id)
    assert [r.method for r in fake.requests].count("DELETE") == 2


def test_delete_refuses_what_is_no_post_id(fake, x):
    with pytest.raises(Refused) as refused:
        x.delete("../2/users/me")
    assert refused.value.permanent
    assert not [r for r in fake.requests if r.method == "DELETE"]


def test_verify_names_the_account(fake, x):
    assert x.verify() == "@cityoffice"


def test_missing_keys_and_a_bad_address_are_clear_refusals():
    with pytest.raises(Refused, match="access_token_secret"):
        NETWORK.connect({**CREDENTIALS, "access_token_secret": ""}, "https://api.x.com")
    with pytest.raises(Refused, match="no http"):
        NETWORK.connect(CREDENTIALS, "ftp://api.x.com")


def test_a_redirect_is_not_followed(fake, x):
    elsewhere = FakeX().start()
    try:
        fake.fail_next("/2/tweets", Answer(307, {}, {"Location": elsewhere.url + "/2/tweets"}))
        with pytest.raises(Refused) as refused:
            x.publish(post())
        assert refused.value.permanent
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()


def test_there_is_no_private_test_post():
    assert NETWORK.can_test_post is False
