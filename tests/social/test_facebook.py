"""A Facebook Page through the Graph API's loopback stand-in: posting with and without a photo,
the count, each kind of refusal read as the engine reads it, the resend after a crash,
deleting, verifying."""

import pytest

from subscriptions.social.networks import Post, Refused
from subscriptions.social.networks.facebook import GRAPH_VERSION, NETWORK
from tests.social.fake_facebook import (
    CREDENTIALS,
    DUPLICATE,
    LIMIT,
    PAGE_ID,
    REVOKED,
    TOKEN,
    FakeFacebook,
    graph_error,
)
from tests.social.fakes import Answer

LINK = "https://press.example.gov/news/2026/12/new-bridge-opens/"
TEXT = f"The new bridge opens on Monday; traffic moves to it at 6 a.m.\n\n{LINK}"
PHOTO = b"\xff\xd8\xff\xe0 a jpeg, as far as Facebook cares"


@pytest.fixture(scope="module")
def server():
    server = FakeFacebook().start()
    yield server
    server.stop()


@pytest.fixture
def fake(server):
    server.reset()
    return server


@pytest.fixture
def page(fake):
    return NETWORK.connect(CREDENTIALS, fake.url)


def post(text=TEXT, link=LINK, **photo):
    return Post(key="release-7-facebook", text=text, link=link, **photo)


def test_a_post_goes_to_the_pages_feed_with_its_link(fake, page):
    posted = page.publish(post())
    [stored] = fake.posts
    assert (stored["message"], stored["link"], stored["photo"]) == (TEXT, LINK, None)
    assert posted.id == stored["id"]
    number = posted.id.split("_")[1]
    assert posted.url == f"https://www.facebook.com/{PAGE_ID}/posts/{number}"
    assert all(r.path.startswith(f"/{GRAPH_VERSION}/") for r in fake.requests)


def test_a_photo_post_carries_the_text_as_caption_and_the_alt_text(fake, page):
    posted = page.publish(post(image=PHOTO, image_type="image/jpeg", alt="The bridge at dusk"))
    [stored] = fake.posts
    assert stored["message"] == TEXT
    assert stored["photo"]["bytes"] == PHOTO
    assert stored["photo"]["alt"] == "The bridge at dusk"
    assert stored["photo"]["published"] == "true"
    assert posted.id == stored["id"]  # the post's id, which deletes it, not the photo's


def test_the_permalink_falls_back_to_the_post_id_when_asking_fails(fake, page):
    fake.fail_next(rf"/{PAGE_ID}_\d+$", Answer(500, b"oops"))
    posted = page.publish(post())
    assert posted.url == f"https://www.facebook.com/{posted.id}"


def test_the_token_is_sent_and_never_in_a_posts_address(fake, page):
    page.publish(post())
    page.verify()
    for request in fake.requests:
        assert TOKEN in (request.query.get("access_token"), request.form().get("access_token"))
        if request.method == "POST":
            assert "access_token" not in request.query


def test_length_counts_code_points_against_facebooks_limit():
    assert NETWORK.limit == 63206
    assert NETWORK.length("Bridge 🌉 橋") == 10
    assert NETWORK.length(f"Bridge {LINK}") == 7 + len(LINK)  # links are not shortened


def test_a_text_past_the_limit_is_refused_for_good(fake, page):
    too_long = "a" * (LIMIT + 1)
    assert NETWORK.length(too_long) > NETWORK.limit
    with pytest.raises(Refused) as refused:
        page.publish(post(text=too_long))
    assert refused.value.permanent
    assert fake.posts == []


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_rate_limits_are_temporary_until_usage_says(fake, page, code):
    fake.rate_limit("/feed", minutes=7, code=code)
    with pytest.raises(Refused) as refused:
        page.publish(post())
    assert not refused.value.permanent
    assert refused.value.retry_after == 7 * 60
    assert page.publish(post()).id == fake.posts[0]["id"]


def test_a_rate_limit_without_usage_leaves_the_wait_to_the_engine(fake, page):
    fake.fail_next(
        "/feed", graph_error(400, 613, "Calls to this api have exceeded the rate limit.")
    )
    with pytest.raises(Refused) as refused:
        page.publish(post())
    assert (refused.value.permanent, refused.value.retry_after) == (False, None)


@pytest.mark.parametrize(
    "answer",
    [
        Answer(503, b"<html>Service Unavailable</html>"),
        graph_error(500, 1, "An unknown error has occurred."),
        graph_error(400, 2, "An unexpected error has occurred. Please retry your request later."),
    ],
)
def test_server_trouble_is_temporary(fake, page, answer):
    fake.fail_next("/feed", answer)
    with pytest.raises(Refused) as refused:
        page.publish(post())
    assert not refused.value.permanent
    assert fake.posts == []


def test_an_unreachable_graph_is_temporary_and_the_reason_keeps_the_token_out():
    stopped = FakeFacebook().start()
    url = stopped.url
    stopped.stop()
    with pytest.raises(Refused) as refused:
        NETWORK.connect(CREDENTIALS, url).verify()
    assert not refused.value.permanent
    assert TOKEN not in refused.value.reason
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_a_revoked_token_is_refused_for_good(fake, page):
    fake.revoked = True
    for attempt in (lambda: page.publish(post()), page.verify):
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.permanent
        assert "Error validating access token" in refused.value.reason


def test_a_revoked_token_answered_401_is_refused_for_good(fake, page):
    fake.fail_next("/feed", Answer(401, REVOKED.body))
    with pytest.raises(Refused) as refused:
        page.publish(post())
    assert refused.value.permanent


def test_a_permission_error_is_refused_for_good(fake, page):
    fake.fail_next("/feed", graph_error(403, 200, "(#200) The user hasn't authorized the "
                                        "application to perform this action"))  # fmt: skip
    with pytest.raises(Refused) as refused:
        page.publish(post())
    assert refused.value.permanent


@pytest.mark.parametrize("photo", [{}, {"image": PHOTO, "image_type": "image/png", "alt": "A"}])
def test_a_resend_after_a_crash_finds_the_post_instead_of_posting_twice(fake, page, photo):
    first = page.publish(post(**photo))
    # The worker died before it wrote `first` down; a new one asks before it posts again.
    again = NETWORK.connect(CREDENTIALS, fake.url)
    assert again.find(post()) == first
    # And a resend that skipped asking meets Facebook's 506 and finds it all the same.
    assert again.publish(post(**photo)) == first
    assert len(fake.posts) == 1


def test_find_knows_no_post_it_never_made(fake, page):
    page.publish(post(text="Road works on Elm Street all week", link=""))
    assert page.find(post()) is None


def test_a_duplicate_find_cannot_see_stays_refused_for_good(fake, page):
    fake.fail_next("/feed", DUPLICATE)
    with pytest.raises(Refused) as refused:
        page.publish(post())
    assert refused.value.permanent
    assert "Duplicate status message" in refused.value.reason


def test_delete_removes_the_post_and_a_missing_one_is_no_error(fake, page):
    posted = page.publish(post())
    page.delete(posted.id)
    assert fake.posts == []
    page.delete(posted.id)
    assert [r.method for r in fake.requests].count("DELETE") == 2


def test_delete_that_fails_otherwise_is_refused(fake, page):
    posted = page.publish(post())
    fake.fail_next("_", graph_error(400, 100, "(#100) Invalid parameter", subcode=None))
    with pytest.raises(Refused) as refused:
        page.delete(posted.id)
    assert refused.value.permanent
    with pytest.raises(Refused):
        page.delete("../me")


def test_verify_names_the_page(fake, page):
    assert page.verify() == "City of Springfield Press Office"


def test_a_bad_page_id_or_address_is_a_clear_refusal():
    with pytest.raises(Refused, match="Page ID is a number"):
        NETWORK.connect({**CREDENTIALS, "page_id": "../me"}, "https://graph.facebook.com")
    with pytest.raises(Refused, match="access token"):
        NETWORK.connect({**CREDENTIALS, "page_access_token": ""}, "https://graph.facebook.com")
    with pytest.raises(Refused, match="no http"):
        NETWORK.connect(CREDENTIALS, "graph.facebook.com")


def test_a_redirect_is_not_followed(fake, page):
    elsewhere = FakeFacebook().start()
    try:
        fake.fail_next("/feed", Answer(302, {}, {"Location": elsewhere.url + "/steal"}))
        with pytest.raises(Refused) as refused:
            page.publish(post())
        assert refused.value.permanent
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()
