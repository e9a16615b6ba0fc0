"""Readers of each language, end to end: they subscribe through the real form (the English page,
or the Spanish pages' link to it with ?language=es) with its defaults, confirm from the real
mail, and get each piece of news once, in their language when it has an edition in it, at that
edition's minute; the manage page changes the language."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from taggit.models import Tag

from articles.editorial.workflow import publish_due
from articles.states import Status
from subscriptions.models import Alert, Subscriber
from tests.subscriptions.pages import form_defaults, link_in, subscribe

pytestmark = pytest.mark.django_db

# The Spanish dateline: the place, then the date as Spanish writes it.
SPANISH_DATELINE = re.compile(r"WASHINGTON, \d{1,2} de [a-z]+ de \d{4} —")
# The words an alert's Python makes, in Spanish.
SPANISH_WORDS = {
    "%(site)s alerts": "Alertas de %(site)s",
    "[Test] %(headline)s": "[Prueba] %(headline)s",
}


@pytest.fixture
def spanish_words(monkeypatch):
    """The Spanish catalogue (locale/es/) with the alert's words: any it does not hold yet is
    added here for the test, so what is checked is that the mail asks in the edition's
    language."""
    catalogue = translation.trans_real.translation("es")._catalog
    for msgid, msgstr in SPANISH_WORDS.items():
        if msgid not in catalogue:
            monkeypatch.setitem(catalogue._catalogs[0], msgid, msgstr)


@pytest.fixture
def ports(make_release):
    """A topic that a live release carries, so the form offers it (its going-live steps done
    days ago, so the publish timer leaves it be)."""
    topic = Tag.objects.create(name="Ports", slug="ports")
    days_ago = timezone.now() - timedelta(days=3)
    make_release("Earlier port news", tags=[topic], publish_at=days_ago, went_live_at=days_ago)
    return topic


@pytest.fixture
def news(make_release, ports):
    """news(title, spanish=None): an English draft on ports, and, given a Spanish headline, its
    Spanish edition as a draft beside it (the newsroom makes editions; readers meet them)."""

    def make(title, spanish=None):
        draft = {"status": Status.DRAFT, "publish_at": None, "tags": [ports]}
        original = make_release(title, summary="Ports will get money for their docks.", **draft)
        if spanish is None:
            return original
        summary = "Los puertos recibirán fondos para modernizar sus muelles."
        edition = make_release(spanish, language="es", original=original, summary=summary, **draft)
        return original, edition

    return make


@pytest.fixture
def readers(client, smtp, deliver, ports):
    """Ann keeps the English form's defaults (English, every release); Beto follows the
    Spanish pages' link and keeps Spanish, choosing the topic "Ports"."""
    offered = subscribe(client, "ann@example.org", smtp, deliver)
    assert offered["language"] == "en" and offered["scope"] == "all"
    offered = subscribe(client, "beto@example.org", smtp, deliver, "/subscribe/?language=es",
                        scope="topics", topics=[ports.pk])  # fmt: skip
    assert offered["language"] == "es"  # preselected from the address
    assert Subscriber.objects.get(email="beto@example.org").language == "es"
    return ["ann@example.org", "beto@example.org"]


def alerts_to(smtp, email):
    return [m for m in smtp.to(email) if "subscription" not in m["Subject"]]


def minute_from_now(hours):
    return timezone.localtime(timezone.now() + timedelta(hours=hours)).replace(
        second=0, microsecond=0
    )


def at_the_minute(minute, deliver, django_capture_on_commit_callbacks):
    """The publish timer runs at `minute`, and then the worker."""
    with time_machine.travel(minute + timedelta(seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            publish_due()
        deliver()


def test_each_reader_gets_the_news_in_their_language_at_their_editions_minute(
    client, readers, news, publisher, step_in_admin, smtp, deliver,
    django_capture_on_commit_callbacks, spanish_words,
):  # fmt: skip
    original, edition = news("Port grants announced", spanish="Anuncian subvenciones portuarias")
    minute = minute_from_now(hours=2)
    step_in_admin(publisher, edition, "schedule", when=minute.strftime("%Y-%m-%dT%H:%M"))
    step_in_admin(publisher, original, "publish")
    deliver()
    [english] = alerts_to(smtp, "ann@example.org")
    assert english["Subject"] == "Port grants announced"
    assert english["List-Id"] == "Press Office alerts <alerts.testserver>"
    assert link_in(english, "/news/") == original.get_absolute_url()
    assert alerts_to(smtp, "beto@example.org") == []  # the Spanish edition is coming

    at_the_minute(minute, deliver, django_capture_on_commit_callbacks)
    [spanish] = alerts_to(smtp, "beto@example.org")
    assert spanish["Subject"] == "Anuncian subvenciones portuarias"
    assert spanish["List-Id"] == "Alertas de Press Office <alerts.testserver>"  # the same list
    text = spanish.get_body(("plain",)).get_content()
    html = spanish.get_body(("html",)).get_content()
    address = link_in(spanish, "/es/noticias/")
    assert address == edition.get_absolute_url() and address.startswith("/es/noticias/20")
    assert "http://testserver/es/noticias/temas/ports/" in text  # its topic, in Spanish
    assert "Los puertos recibirán fondos" in text and SPANISH_DATELINE.search(text)
    assert '<h1 lang="es"' in html and SPANISH_DATELINE.search(html)
    with time_machine.travel(minute + timedelta(minutes=1)):
        assert client.get(address).status_code == 200
    assert len(alerts_to(smtp, "ann@example.org")) == 1  # nothing more for Ann


def test_news_without_a_spanish_edition_reaches_spanish_readers_in_english(
    readers, news, publisher, step_in_admin, smtp, deliver
):
    original = news("Harbour dredging begins")
    step_in_admin(publisher, original, "publish")
    deliver()
    for email in readers:
        [alert] = alerts_to(smtp, email)
        assert alert["Subject"] == "Harbour dredging begins"
        assert link_in(alert, "/news/") == original.get_absolute_url()


def test_an_edition_added_after_the_original_went_out_is_not_sent_again(
    client, readers, news, publisher, step_in_admin, smtp, deliver, make_release
):
    original = news("Harbour dredging begins")
    step_in_admin(publisher, original, "publish")
    deliver()
    assert alerts_to(smtp, "beto@example.org")[0]["Subject"] == "Harbour dredging begins"
    # A reader who subscribes in Spanish only now has had nothing of this news yet.
    subscribe(client, "carla@example.org", smtp, deliver, "/subscribe/?language=es")
    edition = make_release("Comienza el dragado del puerto", language="es", original=original,
                           status=Status.DRAFT, publish_at=None)  # fmt: skip
    step_in_admin(publisher, edition, "publish")
    deliver()
    assert [m["Subject"] for m in alerts_to(smtp, "beto@example.org")] == [
        "Harbour dredging begins"
    ]
    [carlas] = alerts_to(smtp, "carla@example.org")
    assert carlas["Subject"] == "Comienza el dragado del puerto"
    assert len(alerts_to(smtp, "ann@example.org")) == 1


def test_a_spanish_edition_withdrawn_before_its_minute_sends_nothing_more(
    readers, news, publisher, step_in_admin, smtp, deliver, django_capture_on_commit_callbacks
):
    """The Spanish reader waited at the original's minute; the edition is withdrawn before its
    own: nothing is sent at its minute, and no late alert of the original either."""
    original, edition = news("Port grants announced", spanish="Anuncian subvenciones portuarias")
    minute = minute_from_now(hours=2)
    step_in_admin(publisher, edition, "schedule", when=minute.strftime("%Y-%m-%dT%H:%M"))
    step_in_admin(publisher, original, "publish")
    deliver()
    assert alerts_to(smtp, "beto@example.org") == []
    step_in_admin(publisher, edition, "withdraw")
    deliver()
    at_the_minute(minute, deliver, django_capture_on_commit_callbacks)
    assert alerts_to(smtp, "beto@example.org") == []
    assert not Alert.objects.filter(release=edition).exists()
    assert len(alerts_to(smtp, "ann@example.org")) == 1


def test_a_spanish_edition_withdrawn_before_the_originals_minute_holds_nobody_back(
    readers, news, publisher, step_in_admin, smtp, deliver
):
    original, edition = news("Port grants announced", spanish="Anuncian subvenciones portuarias")
    minute = minute_from_now(hours=2)
    step_in_admin(publisher, edition, "schedule", when=minute.strftime("%Y-%m-%dT%H:%M"))
    step_in_admin(publisher, edition, "withdraw")
    step_in_admin(publisher, original, "publish")
    deliver()
    [alert] = alerts_to(smtp, "beto@example.org")
    assert alert["Subject"] == "Port grants announced"


def test_a_reader_changes_their_language_on_the_manage_page(
    client, readers, news, publisher, step_in_admin, smtp, deliver
):
    step_in_admin(publisher, news("Harbour dredging begins"), "publish")
    deliver()
    [alert] = alerts_to(smtp, "ann@example.org")
    page = client.get(link_in(alert, "/subscriptions/"))
    assert 'lang="es">Español</label>' in page.text
    action, data = form_defaults(page, containing="Save my choice")
    assert data["language"] == "en" and data["scope"] == "all"  # her choices, shown
    assert "Saved" in client.post(action, {**data, "language": "es"}).text
    assert form_defaults(client.get(action), containing="Save my choice")[1]["language"] == "es"
    original, edition = news("Port grants announced", spanish="Anuncian subvenciones portuarias")
    step_in_admin(publisher, original, "publish")
    step_in_admin(publisher, edition, "publish")
    deliver()
    assert [m["Subject"] for m in alerts_to(smtp, "ann@example.org")] == [
        "Harbour dredging begins", "Anuncian subvenciones portuarias"
    ]  # fmt: skip


@pytest.mark.parametrize("value", ["fr", "ES", "", "es-mx", "<b>es</b>", "es/../en", "x" * 300])
def test_a_language_the_site_does_not_have_is_ignored(client, value):
    page = client.get("/subscribe/", {"language": value})
    assert page.status_code == 200
    assert form_defaults(page, containing="email")[1]["language"] == "en"
    assert "&lt;b&gt;" not in page.text and "<b>es</b>" not in page.text


def test_a_test_alert_of_a_spanish_edition_is_in_spanish(
    client, news, publisher, smtp, deliver, spanish_words
):
    publisher.email = "me@office.example"
    publisher.save()
    _, edition = news("Port grants announced", spanish="Anuncian subvenciones portuarias")
    client.force_login(publisher)
    action, data = form_defaults(client.get("/admin/subscriptions/alert/test/"),
                                 containing='name="release"')  # fmt: skip
    client.post(action or "/admin/subscriptions/alert/test/", {**data, "release": edition.pk})
    deliver()
    [mail] = smtp.to("me@office.example")
    assert mail["Subject"] == "[Prueba] Anuncian subvenciones portuarias"
    assert link_in(mail, "/es/noticias/") == edition.get_absolute_url()
