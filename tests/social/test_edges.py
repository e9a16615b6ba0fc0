"""The edges of social posts: what a post that went keeps, an account switched off, who may do
what on the accounts' pages, a new server address, what reviewers see, and take-downs that
must ask the network or wait for it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.editorial.workflow import take_step
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER
from articles.states import Status
from subscriptions.models import SocialAccount, SocialDelivery, SocialPost
from subscriptions.social.messages import public_address
from tests.editorial.release_form import change_url
from tests.social.conftest import ACCOUNTS
from tests.social.fakes import Answer
from tests.social.test_posts import social_form

pytestmark = pytest.mark.django_db


def test_a_post_that_went_cannot_be_deleted_from_the_panel(
    goes_live, clients, account, mastodon, deliver
):
    release = goes_live(account)
    deliver()
    post = SocialPost.objects.get()
    _page, data = social_form(clients[PUBLISHER], release)
    data["social_posts-0-DELETE"] = "on"  # as a hand-made request would send it
    assert clients[PUBLISHER].post(change_url(release), data).status_code == 302
    assert SocialPost.objects.filter(pk=post.pk).exists(), "what went stays on record"
    assert SocialDelivery.objects.get().status == "sent"


def test_a_post_not_yet_gone_can_be_dropped(clients, account, make_release):
    release = make_release(status=Status.DRAFT, publish_at=None)
    SocialPost.objects.create(release=release, account=account, text="Maybe")
    _page, data = social_form(clients[PUBLISHER], release, DELETE="on")
    assert clients[PUBLISHER].post(change_url(release), data).status_code == 302
    assert not SocialPost.objects.exists()


def test_an_account_switched_off_after_a_post_was_written_leaves_the_release_editable(
    clients, account, make_release
):
    release = make_release(status=Status.DRAFT, publish_at=None)
    SocialPost.objects.create(release=release, account=account, text="Written")
    SocialAccount.objects.update(active=False)
    _page, data = social_form(clients[PUBLISHER], release)
    data["title"] = "Edited after the account was switched off"
    response = clients[PUBLISHER].post(change_url(release), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    release.refresh_from_db()
    assert release.title == "Edited after the account was switched off"


def test_a_publisher_reads_an_account_but_neither_changes_it_nor_posts_with_it(
    clients, account, mastodon
):
    page = clients[PUBLISHER].get(f"{ACCOUNTS}{account.pk}/change/")
    assert page.status_code == 200 and account.handle in page.text
    listing = clients[PUBLISHER].get(ACCOUNTS)
    assert "send_test_post" not in listing.text and "verify_credentials" not in listing.text
    clients[PUBLISHER].post(ACCOUNTS, {"action": "send_test_post",
                                      "_selected_action": [account.pk]})  # fmt: skip
    assert not mastodon.statuses


def test_a_new_server_address_needs_the_credentials_again(clients, account, mastodon):
    page = f"{ACCOUNTS}{account.pk}/change/"
    response = clients[ADMINISTRATOR].post(page, {"base_url": "https://elsewhere.example",
                                                  "active": "on"})  # fmt: skip
    assert response.status_code == 200
    assert "A new server address needs the credentials entered again." in response.text
    account.refresh_from_db()
    assert account.base_url == mastodon.url


def test_a_reviewer_reads_the_posts_they_clear(clients, people, account, make_release):
    from django.test import Client

    release = make_release(status=Status.DRAFT, publish_at=None)
    SocialPost.objects.create(release=release, account=account, text="Words to be cleared")
    reviewer = Client()
    reviewer.force_login(people[REVIEWER])
    page = reviewer.get(change_url(release))
    assert page.status_code == 200 and "Words to be cleared" in page.text


def test_a_withdrawal_after_a_try_whose_answer_never_came_finds_the_post_and_deletes_it(
    goes_live, account, mastodon, publisher, deliver, django_capture_on_commit_callbacks,
    monkeypatch,
):  # fmt: skip
    from subscriptions.social.networks.mastodon import MastodonConnection

    publish = MastodonConnection.publish

    def answer_lost(connection, post):
        publish(connection, post)
        raise OSError("timed out")  # the network took it; its answer never arrived

    monkeypatch.setattr(MastodonConnection, "publish", answer_lost)
    release = goes_live(account)
    deliver()
    monkeypatch.undo()
    assert len(mastodon.statuses) == 1 and not SocialPost.objects.get().network_id
    with django_capture_on_commit_callbacks(execute=True):
        take_step(release, "withdraw", publisher)
    deliver()
    assert not mastodon.statuses, "found by its address and deleted"
    assert SocialPost.objects.get().deleted_at is not None


def test_a_take_down_the_network_puts_off_is_asked_again_later(
    goes_live, account, mastodon, publisher, deliver, django_capture_on_commit_callbacks
):
    release = goes_live(account)
    deliver()
    post = SocialPost.objects.get()
    mastodon.fail_next(r"/api/v1/statuses/\d+", Answer(503, {"error": "Try later"}))
    with django_capture_on_commit_callbacks(execute=True):
        take_step(release, "withdraw", publisher)
    deliver()
    post.refresh_from_db()
    assert len(mastodon.statuses) == 1 and post.deleted_at is None and post.delete_error
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        deliver()
    post.refresh_from_db()
    assert not mastodon.statuses and post.deleted_at is not None and not post.delete_error


@pytest.mark.parametrize(
    ("answered", "kept"),
    [("https://social.example/@press/1", "https://social.example/@press/1"),
     ("javascript:alert(1)", ""), ("", ""), (None, "")],
)  # fmt: skip
def test_only_a_web_address_from_the_network_becomes_a_link(answered, kept):
    assert public_address(answered) == kept
