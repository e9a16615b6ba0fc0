"""The rest of a social post's paths: an account's page and its actions, posts cleared with the
release's text, a post added to a release already live, a release withdrawn while the network
answers, and Bluesky's record key asked after a crash."""

import json
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.utils import timezone

from articles.editorial.workflow import take_step
from articles.models import SignOff
from articles.roles import ADMINISTRATOR, PUBLISHER
from articles.states import State, Status
from subscriptions.models import SocialAccount, SocialDelivery, SocialPost
from subscriptions.social.networks.mastodon import MastodonConnection
from tests.editorial.release_form import change_url
from tests.social.conftest import ACCOUNTS, Died, die_when_recording
from tests.social.fake_bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.social.fake_mastodon import TOKEN
from tests.social.test_posts import publish_now, social_form
from tests.support import cleared

pytestmark = pytest.mark.django_db


def action(client, name, account):
    return client.post(ACCOUNTS, {"action": name, "_selected_action": [account.pk]}, follow=True)


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_accounts_page_keeps_its_credentials_when_left_empty_and_checks_new_ones(
    clients, account, mastodon
):
    admin = clients[ADMINISTRATOR]
    page = f"{ACCOUNTS}{account.pk}/change/"
    response = admin.post(page, {"base_url": mastodon.url, "active": "on"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.credentials() == {"access_token": TOKEN}
    response = admin.post(page, {"base_url": mastodon.url, "active": "on",
                                 "mastodon__access_token": "a-wrong-one"})  # fmt: skip
    assert response.status_code == 200 and "did not accept these credentials" in response.text
    account.refresh_from_db()
    assert account.credentials() == {"access_token": TOKEN}, "a refused token replaces nothing"


def test_verify_and_the_test_post_are_the_accounts_actions(clients, account, mastodon):
    admin = clients[ADMINISTRATOR]
    assert said(action(admin, "verify_credentials", account))[-1:] == [
        f"{account}: the network knows these credentials as {account.handle}."
    ]
    messages = said(action(admin, "send_test_post", account))
    assert messages[-1].startswith(f"{account}: test post sent")
    (status,) = mastodon.statuses.values()
    assert status["visibility"] == "direct", "only the account sees it"
    mastodon.revoked = True
    assert "refused" in said(action(admin, "verify_credentials", account))[-1]


def test_a_network_without_a_private_post_says_so_instead_of_posting(clients):
    from tests.support import connected_account

    x = connected_account(network="x", handle="@press")
    messages = said(action(clients[ADMINISTRATOR], "send_test_post", x))
    assert messages == [f"{x}: X has no post only its author sees; use Verify credentials."]


def test_keys_rotate_over_the_accounts_credentials_too(settings, account):
    from cryptography.fernet import Fernet

    old = settings.CHANNEL_SECRET_KEYS
    settings.CHANNEL_SECRET_KEYS = [Fernet.generate_key().decode(), *old]
    call_command("rotate_channel_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.CHANNEL_SECRET_KEYS = settings.CHANNEL_SECRET_KEYS[:1]
    assert SocialAccount.objects.get().credentials() == {"access_token": TOKEN}


def test_unreadable_credentials_refuse_the_post_for_good_and_say_why(
    goes_live, settings, account, deliver
):
    from cryptography.fernet import Fernet

    settings.CHANNEL_SECRET_KEYS = [Fernet.generate_key().decode()]  # the old key dropped
    goes_live(account)
    deliver()
    delivery = SocialDelivery.objects.get()
    assert delivery.status == "undeliverable" and "enter them again" in delivery.last_error


def test_a_post_written_after_clearance_voids_it_and_sends_a_scheduled_release_back(
    clients, account, make_release, publisher
):
    release = make_release(status=Status.DRAFT, publish_at=None, title="Harbor reopens")
    take_step(cleared(release), "schedule", publisher, when=timezone.now() + timedelta(hours=3))
    _page, data = social_form(clients[PUBLISHER], release, chosen="on", text="The harbor is open")
    response = clients[PUBLISHER].post(change_url(release), data)
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.state == State.IN_REVIEW, "the posts are cleared with the text"
    voided = SignOff.objects.get(release=release)
    assert voided.voided_at is not None
    assert "social posts" in voided.voided_diff and "The harbor is open" in voided.voided_diff
    text = release.cleared_text()["social posts"]
    assert text == f"{account}: The harbor is open (with the lead photo)"


def test_a_post_added_to_a_live_release_goes_at_once(
    clients, account, mastodon, make_release, publisher, deliver, django_capture_on_commit_callbacks
):
    release = make_release(status=Status.DRAFT, publish_at=None)
    publish_now(release, publisher, django_capture_on_commit_callbacks)
    _page, data = social_form(clients[PUBLISHER], release, chosen="on", text="Now on Mastodon")
    with django_capture_on_commit_callbacks(execute=True):
        assert clients[PUBLISHER].post(change_url(release), data).status_code == 302
    deliver()
    (status,) = mastodon.statuses.values()
    assert status["text"].startswith("Now on Mastodon https://press.example.gov/news/")


def test_a_release_withdrawn_while_the_network_answers_has_its_post_taken_down(
    goes_live,
    account,
    mastodon,
    deliver,
    monkeypatch,
):
    release = goes_live(account)
    publish = MastodonConnection.publish

    def withdrawn_meanwhile(connection, post):
        posted = publish(connection, post)
        type(release).objects.filter(pk=release.pk).update(status=Status.WITHDRAWN)
        return posted

    monkeypatch.setattr(MastodonConnection, "publish", withdrawn_meanwhile)
    deliver()
    assert not mastodon.statuses, "posted, then deleted at once"
    assert SocialPost.objects.get().deleted_at is not None


@pytest.fixture
def bluesky(settings):
    settings.SITE_URL = "https://press.example.gov"
    server = FakeBluesky().start()
    yield server
    server.stop()


def test_bluesky_after_a_crash_asks_for_its_record_key_before_posting_again(
    goes_live,
    clients,
    bluesky,
    deliver,
    monkeypatch,
):
    response = clients[ADMINISTRATOR].post(f"{ACCOUNTS}add/", {
        "network": "bluesky", "base_url": bluesky.url, "active": "on",
        "bluesky__handle": HANDLE, "bluesky__app_password": APP_PASSWORD,
    })  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    account = SocialAccount.objects.get()
    assert json.loads(json.dumps(account.credentials()))["handle"] == HANDLE
    goes_live(account, text="Harbor reopens", title="Harbor reopens")

    die_when_recording(monkeypatch, lambda: bluesky.records)
    with pytest.raises(Died):
        deliver()
    monkeypatch.undo()
    assert len(bluesky.records) == 1
    SocialDelivery.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    deliver()
    assert len(bluesky.records) == 1, "found by its record key, not posted again"
    post = SocialPost.objects.get()
    assert post.url.startswith(f"https://bsky.app/profile/{HANDLE}/post/")
    assert SocialDelivery.objects.get().status == "sent"
