"""How long the links in subscribers' mail work: manage and unsubscribe links for
SUBSCRIPTION_LINK_DAYS, and none from before an unsubscription, even after coming back."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.editorial.workflow import take_step
from articles.states import Status
from subscriptions.models import Subscriber
from tests.subscriptions.pages import form_defaults
from tests.support import cleared

pytestmark = pytest.mark.django_db


def links_in(message):
    text = message.get_body(("plain",)).get_content()
    manage = re.search(r"http://testserver(/subscriptions/[^\s]+/)", text).group(1)
    unsubscribe = re.search(r"http://testserver(/unsubscribe/[^\s]+/)", text).group(1)
    return manage, unsubscribe


@pytest.fixture
def alert_links(subscriber, make_release, publisher, smtp, deliver,
                django_capture_on_commit_callbacks):  # fmt: skip
    """alert_links(): the manage and unsubscribe links of a fresh alert to reader@example.org."""
    if not Subscriber.objects.filter(email="reader@example.org").exists():
        subscriber("reader@example.org", all_releases=True)

    def make():
        release = make_release(status=Status.DRAFT, publish_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            take_step(cleared(release), "publish", publisher)
        deliver()
        return links_in(smtp.to("reader@example.org")[-1])

    return make


def test_manage_and_unsubscribe_links_work_for_the_configured_days_then_say_how_to_get_new_ones(
    alert_links, settings
):
    settings.SUBSCRIPTION_LINK_DAYS = 90
    manage, unsubscribe = alert_links()
    client = Client()
    with time_machine.travel(timezone.now() + timedelta(days=89)):
        assert client.get(manage).status_code == 200
        assert client.get(unsubscribe).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        for address in (manage, unsubscribe):
            for answer in (client.get(address), client.post(address)):
                assert answer.status_code == 404
                assert "enter your address" in answer.text.lower()
    assert Subscriber.objects.get().receiving  # an old link unsubscribed nobody


def test_links_from_before_an_unsubscription_stay_dead_after_coming_back(
    alert_links, client, smtp, deliver
):
    manage, unsubscribe = alert_links()
    one_click = {"data": "List-Unsubscribe=One-Click",
                 "content_type": "application/x-www-form-urlencoded"}  # fmt: skip
    assert "You are unsubscribed" in client.post(unsubscribe, **one_click).text
    # A mail client repeating the one-click POST gets the same answer.
    assert "You are unsubscribed" in client.post(unsubscribe, **one_click).text
    assert client.get(manage).status_code == 404  # the old manage link is over
    # The reader comes back through the form, and confirms.
    action, data = form_defaults(client.get("/subscribe/"), containing="email")
    client.post(action, {**data, "email": "reader@example.org"})
    deliver()
    confirm = re.search(
        r"http://testserver(/subscribe/confirm/[^\s]+/)",
        smtp.to("reader@example.org")[-1].get_body(("plain",)).get_content(),
    )
    client.post(confirm.group(1))
    assert Subscriber.objects.get().receiving
    # The links of the old subscription neither manage nor end the new one.
    assert client.get(manage).status_code == 404
    assert client.post(unsubscribe, **one_click).status_code == 404
    assert Subscriber.objects.get().receiving
    fresh_manage, fresh_unsubscribe = alert_links()
    assert client.get(fresh_manage).status_code == 200
    assert "You are unsubscribed" in client.post(fresh_unsubscribe, **one_click).text
