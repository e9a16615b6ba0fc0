"""Who gets which edition of a piece of news (`audience` in subscriptions/readers/alerts.py):
readers of each language, of every release and of topics, for an English original whose Spanish
edition is in each state it can be in; one alert per family and reader; and the fan-out's
queries, which do not grow with the audience."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Release
from subscriptions.models import Alert, Delivery
from subscriptions.readers.alerts import fan_out

pytestmark = pytest.mark.django_db

Status = Release.Status


@pytest.fixture
def topics(db):
    return {
        "ports": Tag.objects.create(name="Ports", slug="ports"),
        "puertos": Tag.objects.create(name="Puertos", slug="puertos"),
    }


@pytest.fixture
def readers(subscriber, topics):
    """Readers of English and Spanish, of every release and of a topic the original carries
    ("Ports") or only its Spanish edition does ("Puertos"); and one of French, a language the
    family has no edition in (the database takes any code: a language added to the site later
    works the same)."""
    ports, puertos = topics["ports"], topics["puertos"]
    return {
        "en-all": subscriber("en-all@example.org", all_releases=True),
        "en-ports": subscriber("en-ports@example.org", topics=[ports]),
        "en-puertos": subscriber("en-puertos@example.org", topics=[puertos]),
        "es-all": subscriber("es-all@example.org", all_releases=True, language="es"),
        "es-ports": subscriber("es-ports@example.org", topics=[ports], language="es"),
        "es-puertos": subscriber("es-puertos@example.org", topics=[puertos], language="es"),
        "fr-all": subscriber("fr-all@example.org", all_releases=True, language="fr"),
        "es-pending": subscriber("es-pending@example.org", all_releases=True, language="es",
                                 confirmed=False),
    }  # fmt: skip


NOW = timezone.now
# The Spanish edition's fields for each state it can be in when the original goes out.
EDITION_STATES = {
    "draft": {"status": Status.DRAFT, "publish_at": None},
    "review": {"status": Status.IN_REVIEW, "publish_at": None},
    "scheduled": {"publish_at": lambda: NOW() + timedelta(hours=2)},
    "live": {"publish_at": lambda: NOW() - timedelta(minutes=5)},
    "expired": {"publish_at": lambda: NOW() - timedelta(days=2),
                "expire_at": lambda: NOW() - timedelta(days=1)},
    "withdrawn": {"status": Status.WITHDRAWN},
    "deleted": {"status": Status.DELETED},
}  # fmt: skip


@pytest.fixture
def family(make_release, topics):
    """family(edition_state=None): a live English original tagged "Ports", and its Spanish
    edition (tagged "Puertos") in that state, or none."""

    def make(edition_state=None):
        original = make_release("Port grants announced", tags=[topics["ports"]])
        if edition_state is None:
            return original, None
        fields = {
            key: value() if callable(value) else value
            for key, value in EDITION_STATES[edition_state].items()
        }
        edition = make_release("Anuncian subvenciones portuarias", language="es",
                               original=original, tags=[topics["puertos"]], **fields)  # fmt: skip
        assert edition.state == edition_state
        return original, edition

    return make


def alert_to(release):
    """The release's alert fanned out: the addresses it is for."""
    alert = Alert.objects.create(release=release)
    fan_out(alert)
    return sorted(alert.deliveries.values_list("subscriber__email", flat=True))


def emails(*keys):
    return sorted(f"{key}@example.org" for key in keys)


ENGLISH = ["en-all", "en-ports"]


def test_without_an_edition_every_reader_gets_the_original_in_its_language(readers, family):
    original, _ = family()
    # Spanish and French readers of every release or of its topic get it: nobody misses news
    # that is not translated. "Puertos" is no topic of this family.
    assert alert_to(original) == emails(*ENGLISH, "es-all", "es-ports", "fr-all")


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "live", "expired"])
def test_readers_of_a_language_with_an_edition_to_come_wait_for_it(readers, family, state):
    original, _ = family(state)
    # The family's topics are its members': "Puertos", on the edition, brings in its English
    # reader. The Spanish readers get nothing now; a French one gets the original.
    assert alert_to(original) == emails(*ENGLISH, "en-puertos", "fr-all")


@pytest.mark.parametrize("state", ["withdrawn", "deleted"])
def test_an_edition_withdrawn_or_deleted_holds_nobody_back(readers, family, state):
    original, _ = family(state)
    # As if it did not exist: its topics do not count either.
    assert alert_to(original) == emails(*ENGLISH, "es-all", "es-ports", "fr-all")


def test_an_editions_alert_goes_to_its_languages_readers_of_the_familys_topics(readers, family):
    original, edition = family("live")
    assert alert_to(edition) == emails("es-all", "es-ports", "es-puertos")


def test_an_edition_added_after_the_original_went_out_is_not_sent_again(
    readers, family, make_release, topics
):
    original, _ = family()
    assert "es-all@example.org" in alert_to(original)
    edition = make_release("Anuncian subvenciones portuarias", language="es", original=original,
                           tags=[topics["puertos"]])  # fmt: skip
    # Only the reader the original did not reach (its topic is the edition's alone) gets it.
    assert alert_to(edition) == emails("es-puertos")


def test_a_delivery_cancelled_is_no_alert_had(readers, family, make_release):
    """The original taken down while its alert went out cancels the rest: those readers had
    nothing of this news, and its Spanish edition reaches them."""
    original, _ = family()
    alert_to(original)
    Delivery.objects.filter(subscriber=readers["es-all"]).update(status="cancelled")
    Delivery.objects.filter(subscriber=readers["es-ports"]).update(status="sent")
    edition = make_release("Anuncian subvenciones portuarias", language="es", original=original)
    assert alert_to(edition) == emails("es-all")


def test_an_edition_withdrawn_after_the_originals_minute_sends_nothing_until_it_is_back(
    readers, family
):
    """Its readers waited at the original's minute; a withdrawal after it sends them nothing
    (no late alert of news hours old, and none at all if the edition comes back). Once it is
    published again, its own alert reaches them."""
    original, edition = family("scheduled")
    assert alert_to(original) == emails(*ENGLISH, "en-puertos", "fr-all")
    Release.objects.filter(pk=edition.pk).update(status=Status.WITHDRAWN)
    assert Alert.objects.get(release=original).deliveries.count() == 4  # nobody added
    Release.objects.filter(pk=edition.pk).update(status=Status.PUBLISHED, publish_at=NOW())
    edition.refresh_from_db()
    assert alert_to(edition) == emails("es-all", "es-ports", "es-puertos")


def test_readers_who_change_language_still_get_one_alert_of_a_family(readers, family):
    original, edition = family("live")
    alert_to(original)
    readers["en-all"].language = "es"
    readers["en-all"].save()
    assert "en-all@example.org" not in alert_to(edition)


def test_the_fan_out_costs_the_same_queries_whatever_the_audience(
    readers, family, subscriber, topics
):
    def queries(release):
        with CaptureQueriesContext(connection) as done:
            fan_out(Alert.objects.create(release=release))
        return len(done.captured_queries)

    original, edition = family("scheduled")
    queries(family()[0])  # the first fan-out of a process may look up the tags' content type
    few = queries(original)
    chosen = [topics["ports"], topics["puertos"]]
    for n in range(40):
        subscriber(f"more{n}@example.org", all_releases=n % 2 == 0,
                   language="es" if n % 3 else "en", topics=chosen[: n % 3])  # fmt: skip
    Release.objects.filter(pk=edition.pk).update(publish_at=NOW() - timedelta(minutes=1))
    edition.refresh_from_db()
    second_original, _ = family()
    assert queries(edition) == few and queries(second_original) == few
    assert Delivery.objects.filter(alert__release=edition).count() > 20
