"""Readers subscribe, confirm, change and leave, with no account; the form reveals nothing."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from subscriptions.models import Subscriber
from subscriptions.readers import tokens

pytestmark = pytest.mark.django_db


def link(message, path):
    """The first link to `path` in the plain-text part of `message`."""
    text = message.get_body(("plain",)).get_content()
    found = re.search(rf"http://testserver({re.escape(path)}[^\s]+)", text)
    assert found, f"no {path} link in:\n{text}"
    return found.group(1)


def ask(client, email, **data):
    return client.post("/subscribe/", {"email": email, "scope": "all", "language": "en", **data})


def without_csrf(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_subscribe_page_offers_every_release_or_the_live_topics(client, make_release):
    defence = Tag.objects.create(name="Defense", slug="defense")
    Tag.objects.create(name="Unused", slug="unused")
    make_release(tags=[defence])
    response = client.get("/subscribe/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Every release" in page and "Defense" in page and "Unused" not in page
    assert "no-store" in response["Cache-Control"]
    assert '<html lang="en">' in page and "<legend>" in page


def test_subscribing_asks_for_confirmation_and_sends_nothing_else_until_then(
    client, smtp, deliver, make_release, django_capture_on_commit_callbacks
):
    response = ask(client, "Reader@Example.ORG")
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    person = Subscriber.objects.get()
    assert person.email == "Reader@example.org" and person.confirmed_at is None
    assert person.consented_at is not None
    deliver()
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "Reader@example.org" and "Confirm" in mail["Subject"]
    confirm = link(mail, "/subscribe/confirm/")

    # A release going live now sends nothing to the unconfirmed address.
    with django_capture_on_commit_callbacks(execute=True):
        from articles.editorial.workflow import publish_due

        make_release(went_live_at=None)
        publish_due()
    deliver()
    assert len(smtp.messages) == 1

    # The link shows a button (a scanner's GET confirms nothing); the POST confirms.
    page = client.get(confirm)
    assert page.status_code == 200 and "Confirm my subscription" in page.content.decode()
    person.refresh_from_db()
    assert person.confirmed_at is None
    done = client.post(confirm)
    assert done.status_code == 200 and "You are subscribed" in done.content.decode()
    person.refresh_from_db()
    assert person.confirmed_at is not None
    # Used once: the same link no longer works.
    assert client.get(confirm).status_code == 404


def test_the_confirmation_token_is_stored_only_as_a_hash(client, smtp, deliver):
    ask(client, "reader@example.org")
    deliver()
    token = link(smtp.messages[0], "/subscribe/confirm/").split("/")[-2]
    assert len(token) >= 43  # 256 random bits
    person = Subscriber.objects.get()
    assert token not in str(Subscriber.objects.values().get())
    assert person.confirm_token_hash and person.confirm_token_hash != token


def test_a_task_queued_under_the_tasks_old_address_still_runs(client, smtp, deliver):
    from django_tasks_db.models import DBTaskResult

    ask(client, "reader@example.org")
    queued = DBTaskResult.objects.filter(task_path__endswith=".answer_subscriber")
    assert queued.update(task_path="subscriptions.tasks.answer_subscriber") == 1
    deliver()
    assert len(smtp.messages) == 1 and "Confirm" in smtp.messages[0]["Subject"]


def test_a_confirmation_link_expires(client, smtp, deliver, settings):
    ask(client, "reader@example.org")
    deliver()
    confirm = link(smtp.messages[0], "/subscribe/confirm/")
    later = timezone.now() + timedelta(hours=settings.SUBSCRIPTION_CONFIRM_HOURS, minutes=1)
    with time_machine.travel(later):
        assert client.get(confirm).status_code == 404
        assert client.post(confirm).status_code == 404
    assert Subscriber.objects.get().confirmed_at is None


def test_the_form_answers_alike_for_new_pending_and_subscribed_addresses(
    client, smtp, deliver, subscriber
):
    news = Tag.objects.create(name="News", slug="news")
    subscriber("old@example.org", topics=[news])
    subscriber("pending@example.org", confirmed=False)
    answers = {email: ask(client, email) for email in
               ["new@example.org", "pending@example.org", "old@example.org"]}  # fmt: skip
    assert {response.status_code for response in answers.values()} == {200}
    assert len({without_csrf(response) for response in answers.values()}) == 1
    # The subscribed address is not changed by someone typing it in: its owner is told.
    old = Subscriber.objects.get(email="old@example.org")
    assert not old.all_releases and list(old.topics.all()) == [news]
    deliver()
    [note] = smtp.to("old@example.org")
    assert "already subscribed" in note.get_body(("plain",)).get_content()
    assert "/subscribe/confirm/" not in note.as_string()


def test_bad_input_is_a_form_error(client):
    response = ask(client, "not an address")
    assert response.status_code == 200 and "Enter a valid email address" in response.text
    response = ask(client, "a@example.org", scope="topics")
    assert "Choose at least one topic" in response.text
    response = ask(client, "a@example.org", scope="topics", topics=["99999"])
    assert "Select a valid choice" in response.text
    for language in ["fr", "", "es-es"]:
        response = ask(client, "a@example.org", language=language)
        assert response.status_code == 200 and 'id="id_language_error"' in response.text
    assert not Subscriber.objects.exists()


def test_confirmation_mail_is_limited_per_address_per_day(client, smtp, deliver, settings):
    settings.SUBSCRIBE_LIMIT_PER_ADDRESS_DAY = 3
    for _ in range(5):
        response = ask(client, "target@example.org")
        assert "Check your inbox" in response.text  # the same answer, past the limit too
    deliver()
    assert len(smtp.to("target@example.org")) == 3
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        ask(client, "target@example.org")
        deliver()
    assert len(smtp.to("target@example.org")) == 4


def test_requests_are_limited_per_client_per_hour(smtp, settings):
    settings.SUBSCRIBE_LIMIT_PER_CLIENT_HOUR = 3
    client = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(3):
        assert ask(client, f"person{n}@example.org").status_code == 200
    refused = ask(client, "person9@example.org")
    assert refused.status_code == 429 and "Too many requests" in refused.text
    assert not Subscriber.objects.filter(email="person9@example.org").exists()
    assert ask(Client(REMOTE_ADDR="192.0.2.8"), "other@example.org").status_code == 200


def test_a_subscriber_changes_topics_with_the_link_alone(client, subscriber, make_release):
    news = Tag.objects.create(name="News", slug="news")
    ships = Tag.objects.create(name="Ships", slug="ships")
    make_release(tags=[news, ships])
    person = subscriber("reader@example.org", all_releases=True)
    page = client.get(f"/subscriptions/{tokens.manage_token(person.pk)}/")
    assert page.status_code == 200 and "reader@example.org" not in page.text
    response = client.post(f"/subscriptions/{tokens.manage_token(person.pk)}/",
                           {"scope": "topics", "topics": [news.pk, ships.pk],
                            "language": "en"})  # fmt: skip
    assert response.status_code == 200 and "Saved" in response.text
    person.refresh_from_db()
    assert not person.all_releases and set(person.topics.all()) == {news, ships}


def test_a_language_the_site_does_not_have_is_a_form_error_on_the_manage_page(client, subscriber):
    person = subscriber("reader@example.org", all_releases=True, language="es")
    address = f"/subscriptions/{tokens.manage_token(person.pk)}/"
    for language in ["fr", "", "es-mx"]:
        response = client.post(address, {"scope": "all", "language": language})
        assert response.status_code == 200 and 'id="id_language_error"' in response.text
        assert "Saved" not in response.text
    person.refresh_from_db()
    assert person.language == "es"


@pytest.mark.parametrize("token", ["nope", "1:forged", "MQ:1kabcd:" + "x" * 43, "x" * 500])
def test_a_wrong_token_is_a_404(client, subscriber, token):
    subscriber("reader@example.org")
    for path in ["/subscriptions/", "/unsubscribe/", "/subscribe/confirm/"]:
        assert client.get(f"{path}{token}/").status_code == 404
        assert client.post(f"{path}{token}/").status_code == 404


def test_unsubscribing_needs_a_post_and_takes_one_click_without_a_cookie(subscriber):
    person = subscriber("reader@example.org", all_releases=True)
    address = f"/unsubscribe/{tokens.manage_token(person.pk)}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(address)
    assert page.status_code == 200 and "Unsubscribe" in page.text
    person.refresh_from_db()
    assert person.unsubscribed_at is None  # a mail scanner's GET changes nothing
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no cookie or token.
    done = client.post(address, "List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    person.refresh_from_db()
    assert person.unsubscribed_at is not None and not person.receiving
    assert client.post(address).status_code == 200  # twice is fine


def test_unsubscribed_addresses_are_forgotten_after_the_retention_period(
    subscriber, settings, deliver
):
    settings.SUBSCRIBER_RETENTION_DAYS = 30
    gone = subscriber("gone@example.org", unsubscribed_at=timezone.now())
    subscriber("never-confirmed@example.org", confirmed=False)
    subscriber("stays@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        deliver()
    assert Subscriber.objects.count() == 3
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        deliver()
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["stays@example.org"]
    assert tokens.subscriber_for(tokens.manage_token(gone.pk)) is None


def test_resubscribing_after_leaving_needs_a_new_confirmation(client, smtp, deliver, subscriber):
    subscriber("back@example.org", unsubscribed_at=timezone.now())
    ask(client, "back@example.org")
    person = Subscriber.objects.get()
    assert person.unsubscribed_at is None and person.confirmed_at is None
    deliver()
    assert "Confirm" in smtp.to("back@example.org")[0]["Subject"]
