"""Each path a reader or Publisher takes through the alerts and the press list, end to end,
through the real forms with their default choices: the form as served, what the person types
or picks, the mail the worker sends, and the link in it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.states import Status
from subscriptions.models import PressContact, PressList
from tests.subscriptions.pages import form_defaults, link_in, subscribe

pytestmark = pytest.mark.django_db


def subscribe_with_the_defaults(client, email, smtp, deliver):
    """A reader fills in only their address, confirms from the mail, and sees the thanks."""
    data = subscribe(client, email, smtp, deliver)
    assert data["scope"] == "all"  # "Every release" is what the form offers first


def test_a_reader_who_keeps_every_release_gets_the_next_alert(
    client, smtp, deliver, make_release, publisher, step_in_admin
):
    subscribe_with_the_defaults(client, "reader@example.org", smtp, deliver)
    release = make_release(status=Status.DRAFT, publish_at=None, title="Navy commissions a ship")
    step_in_admin(publisher, release, "publish")
    assert release.state == "live"
    deliver()
    [alert] = [m for m in smtp.to("reader@example.org") if "Confirm" not in m["Subject"]]
    assert alert["Subject"] == "Navy commissions a ship"


def test_a_reader_who_returns_after_leaving_gets_every_release_again(
    client, smtp, deliver, make_release, publisher, step_in_admin
):
    navy = Tag.objects.create(name="Navy", slug="navy")
    make_release(tags=[navy])
    action, data = form_defaults(client.get("/subscribe/"), containing="email")
    client.post(action, {**data, "email": "back@example.org", "scope": "topics",
                         "topics": [navy.pk]})  # fmt: skip
    deliver()
    thanks = client.post(link_in(smtp.to("back@example.org")[-1], "/subscribe/confirm/"))
    manage = re.search(r'href="(/subscriptions/[^"]+/)"', thanks.text).group(1)
    action, data = form_defaults(client.get(manage), containing="Unsubscribe")
    assert "You are unsubscribed" in client.post(action, data).text
    # They come back with the form's defaults: every release, not their old topic.
    subscribe_with_the_defaults(client, "back@example.org", smtp, deliver)
    release = make_release(status=Status.DRAFT, publish_at=None, title="Budget is out")
    step_in_admin(publisher, release, "publish")
    deliver()
    assert smtp.to("back@example.org")[-1]["Subject"] == "Budget is out"


def test_a_reader_changes_topics_to_every_release_from_the_manage_page(
    client, smtp, deliver, make_release, publisher, step_in_admin
):
    navy = Tag.objects.create(name="Navy", slug="navy")
    make_release(tags=[navy])
    action, data = form_defaults(client.get("/subscribe/"), containing="email")
    client.post(action, {**data, "email": "r@example.org", "scope": "topics",
                         "topics": [navy.pk]})  # fmt: skip
    deliver()
    client.post(link_in(smtp.to("r@example.org")[-1], "/subscribe/confirm/"))
    # An alert on their topic carries the manage link.
    step_in_admin(publisher, make_release(status=Status.DRAFT, publish_at=None, tags=[navy],
                                          title="Navy news"), "publish")  # fmt: skip
    deliver()
    navy_alert = smtp.to("r@example.org")[-1]
    assert navy_alert["Subject"] == "Navy news"
    manage = link_in(navy_alert, "/subscriptions/")
    page = client.get(manage)
    action, data = form_defaults(page, containing="Save my choice")
    assert data["scope"] == "topics" and data["topics"] == str(navy.pk)  # their choice, shown
    saved = client.post(action, {**data, "scope": "all"})
    assert "Saved" in saved.text
    step_in_admin(publisher, make_release(status=Status.DRAFT, publish_at=None,
                                          title="Budget is out"), "publish")  # fmt: skip
    deliver()
    assert smtp.to("r@example.org")[-1]["Subject"] == "Budget is out"


def test_a_publisher_sends_a_release_to_the_press_with_the_add_forms_defaults(
    client, smtp, deliver, make_release, publisher, step_in_admin
):
    press = PressList.objects.create(name="Pentagon press corps")
    press.contacts.add(PressContact.objects.create(name="Ada", email="ada@press.example"))
    release = make_release(status=Status.DRAFT, publish_at=None, title="Ship joins the fleet")
    minute = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    step_in_admin(publisher, release, "schedule", when=minute.strftime("%Y-%m-%dT%H:%M"))
    assert release.state == "scheduled"
    client.force_login(publisher)
    page = client.get("/admin/subscriptions/pressmailing/add/")
    action, data = form_defaults(page, containing='name="release"')
    done = client.post(action or "/admin/subscriptions/pressmailing/add/",
                       {**data, "release": release.pk, "lists": [press.pk]})  # fmt: skip
    assert done.status_code == 302
    deliver()
    [copy] = smtp.to("ada@press.example")
    assert (
        copy["Subject"].startswith("EMBARGOED UNTIL ") and "Ship joins the fleet" in copy["Subject"]
    )
    assert client.get(link_in(copy, "/embargoed/")).status_code == 200
