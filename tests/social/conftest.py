"""The social posts' shared fixtures: the Mastodon stand-in on loopback, a signed-in client per
role, and an account an Administrator connected through the admin's add form."""

import pytest
from django.test import Client

from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from subscriptions.models import SocialAccount
from tests.social.fake_mastodon import TOKEN, FakeMastodon

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
