"""Registering a partner's webhook endpoint: Administrators only, the secret shown once and
kept encrypted, and addresses inside the network refused, in the form and when sending."""

import re
import socket

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client
from standardwebhooks.webhooks import Webhook

from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from subscriptions.models import WebhookEndpoint
from subscriptions.sending import keys
from subscriptions.webhooks import addresses
from tests.subscriptions.test_webhooks import PUBLIC, add_endpoint

pytestmark = pytest.mark.django_db
LIST = "/admin/subscriptions/webhookendpoint/"


@pytest.fixture
def admin_client(people):
    client = Client()
    client.force_login(people[ADMINISTRATOR])
    return client


@pytest.fixture
def public_dns(monkeypatch):
    """partner.example resolves to a public address (no DNS is asked in tests)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "partner.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def raw_secret_column(endpoint):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret_encrypted FROM subscriptions_webhookendpoint WHERE id = %s",
            [endpoint.pk],
        )
        return cursor.fetchone()[0]


def test_an_administrator_registers_an_endpoint_and_sees_its_secret_once(admin_client, public_dns):
    form = admin_client.get(LIST + "add/")
    assert form.status_code == 200
    for kind in PUBLIC:  # the public events are ticked by default; the embargoed ones not
        assert re.search(rf'value="{kind}"[^>]*checked', form.text), kind
    assert not re.search(r'value="release.scheduled"[^>]*checked', form.text)
    page = add_endpoint(admin_client, "https://partner.example/hooks", description="Wire")
    assert page.status_code == 200 and "shown this once" in page.text
    assert "no-store" in page["Cache-Control"]
    secret = re.search(r'value="(whsec_[^"]+)"', page.text).group(1)
    Webhook(secret)  # a valid Standard Webhooks secret
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == PUBLIC and endpoint.active and not endpoint.embargo_trusted
    stored = raw_secret_column(endpoint)
    assert secret not in stored and secret.removeprefix("whsec_") not in stored
    assert keys.decrypt(stored) == secret
    change = admin_client.get(f"{LIST}{endpoint.pk}/change/")
    assert change.status_code == 200 and "whsec_" not in change.text
    assert "Shown once, when the endpoint was made" in change.text
    listing = admin_client.get(LIST)
    assert listing.status_code == 200 and "Wire" in listing.text and "whsec_" not in listing.text


def test_other_roles_cannot_see_or_add_endpoints(people, public_dns):
    endpoint = WebhookEndpoint.objects.create(
        url="https://partner.example/", description="Wire", secret_encrypted="x"
    )
    for role in [WRITER, PUBLISHER]:
        client = Client()
        client.force_login(people[role])
        for path in [LIST, LIST + "add/", f"{LIST}{endpoint.pk}/change/"]:
            assert client.get(path).status_code == 403, (role, path)
        assert add_endpoint(client, "https://partner.example/").status_code == 403
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize(
    "url, says",
    [
        ("https://127.0.0.1/hooks", "127.0.0.1"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("https://10.0.0.1/", "10.0.0.1"),
        ("https://localhost:8443/", "localhost resolves to"),
        ("https://[::1]/", "::1"),
        ("http://partner.example/hooks", "Only https"),
        ("https://user:pw@partner.example/", "user name or password"),
        ("https://no-such-host.invalid/", "could not be resolved"),
        ("not an address", "Enter a valid URL"),
    ],
)
def test_the_form_refuses_addresses_inside_the_network(admin_client, public_dns, url, says):
    page = add_endpoint(admin_client, url)
    assert page.status_code == 200 and "errornote" in page.text
    assert says in page.text.replace("&#x27;", "'")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/", "https://169.254.169.254/", "https://10.0.0.1/",
            "https://localhost/", "https://[::ffff:127.0.0.1]/", "https://0.0.0.0/"],
)  # fmt: skip
def test_sending_refuses_them_before_connecting(url, monkeypatch):
    def connect(*args, **kwargs):
        raise AssertionError("connected")

    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(addresses.Refused, match="public addresses"):
        addresses.post(url, b"{}", {}, 5)


def test_a_setting_allows_named_hosts_and_networks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = ["10.0.0.0/8", "localhost"]
    assert addresses.resolve("10.1.2.3", 443) == [addresses.ipaddress.ip_address("10.1.2.3")]
    assert addresses.resolve("localhost", 443)
    with pytest.raises(addresses.Refused):
        addresses.resolve("127.0.0.1", 443)  # allowed by name as localhost, not as an address


def test_the_connection_goes_to_the_checked_address(monkeypatch, public_dns):
    """A name that resolves again differently at connect time cannot move the request."""
    seen = []

    def connect(address, timeout=None, *args):
        seen.append(address)
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(ConnectionRefusedError):
        addresses.post("https://partner.example/hooks", b"{}", {}, 5)
    assert seen == [("93.184.215.14", 443)]


def test_without_keys_production_refuses_and_check_deploy_says_so(settings):
    settings.CHANNEL_SECRET_KEYS = []
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="CHANNEL_SECRET_KEYS"):
        keys.encrypt(keys.new_secret())
    assert [error.id for error in keys.check_keys()] == ["subscriptions.E001"]
    settings.DEBUG = True  # a developer's machine: a key derived from SECRET_KEY
    assert keys.decrypt(keys.encrypt("whsec_dev")) == "whsec_dev" and not keys.check_keys()


def test_keys_rotate(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CHANNEL_SECRET_KEYS = [old]
    endpoint = WebhookEndpoint.objects.create(
        url="https://partner.example/", description="Wire", secret_encrypted=keys.encrypt("s")
    )
    settings.CHANNEL_SECRET_KEYS = [new, old]
    call_command("rotate_channel_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.CHANNEL_SECRET_KEYS = [new]
    endpoint.refresh_from_db()
    assert keys.decrypt(endpoint.secret_encrypted) == "s"
