"""The social posts' shared fixtures: the Mastodon stand-in on loopback, a signed-in client per
role, and an account an Administrator connected through the admin's add form."""

import pytest
from django.test import Client

from articles.editorial.workflow import take_step
from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from articles.states import Status
from subscriptions.models import SocialAccount, SocialPost
from tests.social.fake_mastodon import TOKEN, FakeMastodon
from tests.support import cleared

ACCOUNTS = "/admin/subscriptions/socialaccount/"


@pytest.fixture
def mastodon(settings):
    settings.SITE_URL = "https://press.example.gov"
    server = FakeMastodon().start()
    yield server
    server.stop()


@pytest.fixture
def clients(people):
    made = {}
    for role in (WRITER, PUBLISHER, ADMINISTRATOR):
        made[role] = Client()
        made[role].force_login(people[role])
    return made


def connect(client, mastodon, token=TOKEN):
    """The add form as an Administrator fills it: the network, the instance, the token."""
    return client.post(f"{ACCOUNTS}add/", {
        "network": "mastodon", "base_url": mastodon.url, "active": "on",
        "mastodon__access_token": token,
    })  # fmt: skip


@pytest.fixture
def account(clients, mastodon):
    response = connect(clients[ADMINISTRATOR], mastodon)
    assert response.status_code == 302, response.content[:3000]
    return SocialAccount.objects.get()


@pytest.fixture
def goes_live(make_release, publisher, django_capture_on_commit_callbacks):
    """goes_live(account, text=…, **fields): a release with one post to `account`, cleared and
    published now through the workflow, its on-commit work (the queueing) run."""

    def make(account, text="Going out", **fields):
        release = make_release(status=Status.DRAFT, publish_at=None, **fields)
        SocialPost.objects.create(release=release, account=account, text=text)
        with django_capture_on_commit_callbacks(execute=True):
            take_step(cleared(release), "publish", publisher)
        return release

    return make


class Died(BaseException):
    """What a SIGKILL looks like from inside the worker: nothing after it runs."""


def die_when_recording(monkeypatch, taken):
    """The worker dies as it goes to record the network's answer, once `taken()` is true."""
    original = SocialPost.objects.filter

    def filter_then_die(*args, **kwargs):
        if "pk" in kwargs and taken():
            raise Died
        return original(*args, **kwargs)

    monkeypatch.setattr(SocialPost.objects, "filter", filter_then_die)
