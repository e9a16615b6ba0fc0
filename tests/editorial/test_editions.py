"""Editions from the editor's side, the way the newsroom works them: "Add a Spanish edition" on
the original's page, translating in the served change form, the family panel on each member's
page in every state it can be in, the release list's language, the family's one release number,
the delete page of an original with editions, and one edition taken from the button to its
minute on the Spanish site by real role users."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.editorial import editions
from articles.editorial.workflow import WorkflowError, publish_due, take_step
from articles.models import AuditEntry, Release, ReleaseNumberCounter
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from articles.states import State
from tests.editorial.release_form import change_url
from tests.editorial.release_states import Newsroom
from tests.editorial.test_release_page import Markup
from tests.editorial.test_workflow_properties import needs_postgres, run_together
from tests.subscriptions.pages import form_defaults
from tests.support import cleared

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/release/"
SPANISH = {
    "title": "Reabre el puerto", "summary": "El puerto reabrió hoy.",
    "body": "<p>El puerto reabrió hoy. Los barcos se mueven.</p>", "byline": "Por la oficina",
}  # fmt: skip


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


class Translators(Newsroom):
    """The newsroom's clients, adding and translating editions through the release page."""

    def page(self, role, release):
        response = self.clients[role].get(change_url(release))
        assert response.status_code == 200, (role, response.status_code)
        return response

    def add_edition(self, role, original, language="es", follow=True):
        """Press "Add a … edition" on the original's page: its form as served."""
        marker = f'name="language" value="{language}"'
        action, data = form_defaults(self.page(role, original), marker)
        return self.clients[role].post(action, data, follow=follow)

    def added(self, role, original, language="es"):
        response = self.add_edition(role, original, language)
        assert response.status_code == 200
        return Release.objects.get(original=original, language=language)

    def translate(self, role, edition, **typed):
        """Save the edition's change form as served, with the translation typed in."""
        _, data = form_defaults(self.page(role, edition), 'id="release_form"')
        response = self.clients[role].post(change_url(edition), data | (typed or SPANISH))
        assert response.status_code == 302, response.context and response.context["errors"]
        edition.refresh_from_db()
        return edition

    def edit_original(self, role, original, title):
        _, data = form_defaults(self.page(role, original), 'id="release_form"')
        assert self.clients[role].post(change_url(original), data | {"title": title}).status_code
        original.refresh_from_db()

    def published(self, title, office):
        """A release written, cleared by a second person and published, through the pages."""
        release = self.write(WRITER, office, title)
        self.step(WRITER, release, "submit")
        self.answer(REVIEWER, release)
        self.step(PUBLISHER, release, "publish")
        release.refresh_from_db()
        return release


# Each state of the family panel, and what it says on the page shown. (The release's own
# states are tests/editorial/test_release_page.py's.)
EDITION_STATES = {
    "original-alone": ["Editions in other languages", "No editions yet."],
    "original-with-draft-edition": ["Editions in other languages", "Spanish", "Draft",
                                    "Up to date", "(this page)"],
    "original-with-live-edition": ["Spanish", "Reabre el puerto", "Live", "Up to date"],
    "edition-up-to-date": ["Spanish edition", "This is the Spanish edition of", "Up to date"],
    "edition-original-changed": ["Original changed since", "See what changed in the original"],
}  # fmt: skip


def release_in_edition_state(newsroom, state, office):
    """The release whose page shows the family panel in `state`, reached through the admin."""
    if state == "original-with-live-edition":
        original = newsroom.published("Harbor reopens", office)
    else:
        original = newsroom.write(WRITER, office, "Harbor reopens")
    if state == "original-alone":
        return original
    edition = newsroom.translate(PUBLISHER, newsroom.added(WRITER, original))
    if state == "original-with-live-edition":
        newsroom.step(PUBLISHER, edition, "submit")
        newsroom.answer(REVIEWER, edition)
        newsroom.step(PUBLISHER, edition, "publish")
    if state == "edition-original-changed":
        newsroom.edit_original(WRITER, original, "Harbor reopens on Monday")
    return original if state.startswith("original") else edition


@pytest.mark.parametrize("state", EDITION_STATES)
def test_the_family_panel_says_where_each_member_stands_in_every_state(people, office, state):
    newsroom = Translators(people)
    release = release_in_edition_state(newsroom, state, office)
    for role in [WRITER, REVIEWER, PUBLISHER, ADMINISTRATOR]:
        html = newsroom.page(role, release).text
        panel = re.search(r'<section class="family-panel".*?</section>', html, re.S).group()
        for words in EDITION_STATES[state]:
            assert words in panel, (state, role, words)
        offered = "Add a Spanish edition" in panel
        assert offered == (state == "original-alone" and role != REVIEWER), (state, role)
        markup = Markup()
        markup.feed(html)
        assert not [n for n in markup.ids.values() if n > 1], (state, role)
        assert not markup.forms_without_submit, (state, role)


def test_a_writer_adds_a_spanish_edition_and_is_told_what_to_do_next(people, office, library_image):
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    photo = library_image()
    _, data = form_defaults(newsroom.page(WRITER, original), 'id="release_form"')
    data |= {"lead_image": photo.pk, "byline": "By the Media Desk"}
    assert newsroom.clients[WRITER].post(change_url(original), data).status_code == 302
    original.refresh_from_db()

    response = newsroom.add_edition(WRITER, original, follow=False)
    edition = Release.objects.get(original=original)
    assert response.status_code == 302 and response["Location"] == change_url(edition)
    response = newsroom.clients[WRITER].get(response["Location"])
    [message] = messages_of(response)
    assert message.startswith("Spanish edition added as a draft copy of the original.")
    assert "translate its headline, summary, dateline, byline and body" in message
    assert "then submit it for review" in message

    assert (edition.language, edition.status, edition.slug) == ("es", "draft", "harbor-reopens-es")
    for field in editions.TRANSLATED_FIELDS + editions.SHARED_FIELDS:
        assert getattr(edition, field) == getattr(original, field), field
    assert edition.lead_image == photo and edition.kind == "press-release"
    assert list(edition.tags.names()) == list(original.tags.names()) == ["Harbors"]
    assert edition.created_by == edition.updated_by == people[WRITER]
    assert edition.release_number == "" and not edition.original_changed_since()
    assert AuditEntry.objects.filter(release=original, action="Spanish edition added").exists()
    assert AuditEntry.objects.filter(release=edition, action="Spanish edition added").exists()
    history = newsroom.clients[WRITER].get(f"/admin/articles/release/{edition.pk}/history/")
    assert "Spanish edition added" in history.text, "the edition's first revision"

    # Translated through its own change form: the original's text and address stay its own.
    edition = newsroom.translate(WRITER, edition, slug="reabre-el-puerto", **SPANISH)
    original.refresh_from_db()
    assert (edition.title, original.title) == ("Reabre el puerto", "Harbor reopens")
    assert edition.get_absolute_url().startswith("/es/noticias/")
    assert not edition.original_changed_since()


def test_the_edition_slug_never_looks_like_a_clash_and_fits_the_column(people, office):
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    Release.objects.create(title="Someone else's", slug="harbor-reopens-es", office=office)
    edition = newsroom.added(WRITER, original)
    assert re.fullmatch(r"harbor-reopens-es-[0-9a-f]{6}", edition.slug)
    long = Release(slug="a" * 200, language="en")
    assert len(editions.edition_slug(long, "es")) <= 193 + 7


def test_refusals_are_messages_or_403_never_a_500(people, office, monkeypatch):
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    add = f"/admin/articles/release/{original.pk}/editions/add/"

    assert newsroom.clients[REVIEWER].post(add, {"language": "es"}).status_code == 403
    assert newsroom.clients[WRITER].get(add).status_code == 404
    for language in ["", "fr", "en", "x" * 50]:
        response = newsroom.clients[WRITER].post(add, {"language": language}, follow=True)
        assert messages_of(response)[-1] == (
            "Choose a language the site publishes in, other than the original's."
        )
    assert not Release.objects.filter(original=original).exists()

    edition = newsroom.added(WRITER, original)
    # A second click (the page opened before the first): the existing one, linked.
    response = newsroom.clients[WRITER].post(add, {"language": "es"}, follow=True)
    [message] = messages_of(response)
    assert message.startswith("This release already has a Spanish edition.")
    assert f'href="{change_url(edition)}"' in response.text
    # Two people at once: the other's edition was not there when this one looked.
    looked, really = [], editions.existing_edition

    def not_there_yet(original, language):
        looked.append(language)
        return None if len(looked) == 1 else really(original, language)

    monkeypatch.setattr(editions, "existing_edition", not_there_yet)
    response = newsroom.clients[PUBLISHER].post(add, {"language": "es"}, follow=True)
    assert looked == ["es", "es"], "the insert met the constraint, then found the other's"
    assert messages_of(response)[0].startswith("This release already has a Spanish edition.")
    assert f'href="{change_url(edition)}"' in response.text
    assert Release.objects.filter(original=original).count() == 1
    monkeypatch.undo()

    # No edition of an edition: the original is named instead.
    nested = f"/admin/articles/release/{edition.pk}/editions/add/"
    response = newsroom.clients[WRITER].post(nested, {"language": "es"}, follow=True)
    assert "an edition has no editions of its own" in messages_of(response)[0]
    assert f'href="{change_url(original)}"' in response.text
    assert Release.objects.count() == 2

    missing = "/admin/articles/release/999999/editions/add/"
    assert newsroom.clients[WRITER].post(missing, {"language": "es"}).status_code == 404


def test_what_changed_in_the_original_opens_as_a_comparison_of_its_revisions(people, office):
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    edition = newsroom.translate(PUBLISHER, newsroom.added(WRITER, original))
    since = f"/admin/articles/release/{edition.pk}/original-changes/"
    response = newsroom.clients[WRITER].get(since, follow=True)
    assert messages_of(response) == ["The edition follows the original's latest text."]

    newsroom.edit_original(WRITER, original, "Harbor reopens on Monday")
    edition.refresh_from_db()
    assert edition.original_changed_since()
    response = newsroom.clients[WRITER].get(since)
    compare = rf"/admin/articles/release/{original.pk}/history/\d+/"
    assert re.fullmatch(compare, response["Location"])
    response = newsroom.clients[WRITER].get(response["Location"])
    assert response.status_code == 200
    assert "<span>Harbor reopens</span> <ins>on Monday</ins>" in response.text
    assert "since the Spanish edition was last written" in messages_of(response)[-1]

    # Saving the translation again: it follows the original as it stands now.
    edition = newsroom.translate(PUBLISHER, edition, title="Reabre el puerto el lunes")
    assert not edition.original_changed_since()
    assert "Original changed since" not in newsroom.page(WRITER, edition).text

    # A text no revision kept (changed outside the admin): the history, with a word why.
    Release.objects.filter(pk=edition.pk).update(original_fingerprint="0" * 64)
    response = newsroom.clients[WRITER].get(since, follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/articles/release/{original.pk}/history/"
    assert "not among the original's revisions kept" in messages_of(response)[-1]
    original_since = f"/admin/articles/release/{original.pk}/original-changes/"
    assert newsroom.clients[WRITER].get(original_since).status_code == 404


def _page_queries(client, release):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(change_url(release)).status_code == 200
    return len(queries)


def test_a_family_costs_the_release_page_one_query_however_many_members(people, office, settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français")]
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    client = newsroom.clients[PUBLISHER]
    settings.LANGUAGES = [("en", "English")]
    alone_one_language = _page_queries(client, original)
    settings.LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français")]
    alone = _page_queries(client, original)
    spanish = newsroom.added(WRITER, original, "es")
    with_one = _page_queries(client, original), _page_queries(client, spanish)
    french = newsroom.added(WRITER, original, "fr")
    with_two = _page_queries(client, original), _page_queries(client, spanish)
    assert alone == alone_one_language + 1, "the family: one query"
    assert with_one == with_two, "not one query per member"
    assert with_one[0] == alone
    assert _page_queries(client, french) == with_two[1]
    page = newsroom.page(PUBLISHER, french).text
    assert "French edition" in page and "Spanish" in page


def test_the_release_list_shows_and_filters_by_language_and_saved_views_still_work(
    people, office, settings
):
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    newsroom.translate(PUBLISHER, newsroom.added(WRITER, original))
    newsroom.write(PUBLISHER, office, "Bridge opens")
    client = newsroom.clients[WRITER]

    def titles(query):
        response = client.get(LIST_URL + query)
        assert response.status_code == 200
        return {row.title for row in response.context["cl"].result_list}, response.text

    shown, html = titles("")
    assert shown == {"Harbor reopens", "Reabre el puerto", "Bridge opens"}
    assert "column-language_display" in html
    assert (
        '<td class="field-language_display"><span aria-hidden="true">ES</span>'
        '<span class="visually-hidden">Spanish</span></td>'
    ) in html
    assert 'language=es">Spanish</a>' in html, "the filter's link"
    assert titles("?language=es")[0] == {"Reabre el puerto"}
    assert titles("?language=en")[0] == {"Harbor reopens", "Bridge opens"}
    # The writer's own: they wrote the original and added the edition (the publisher translated).
    assert titles("?view=mine")[0] == {"Harbor reopens", "Reabre el puerto"}
    assert titles("?view=mine&language=en")[0] == {"Harbor reopens"}
    assert titles("?language=es&state=draft")[0] == {"Reabre el puerto"}
    assert titles("?language=zz")[0] == shown, "an unknown language filters nothing"

    settings.LANGUAGES = [("en", "English")]
    shown, html = titles("")
    assert "column-language_display" not in html and "language=" not in html


def test_a_family_shares_one_release_number_original_numbered_first(people, office):
    newsroom = Translators(people)
    original = newsroom.published("Harbor reopens", office)
    assert original.release_number.startswith("No. ")
    edition = cleared(newsroom.translate(PUBLISHER, newsroom.added(WRITER, original)))
    edition = take_step(edition, "publish", people[PUBLISHER])
    assert edition.release_number == original.release_number
    other = newsroom.published("Bridge opens", office)
    assert other.release_number != original.release_number, "the next one takes a new number"


def test_a_family_shares_one_release_number_edition_numbered_first(people, office):
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    edition = cleared(newsroom.translate(PUBLISHER, newsroom.added(WRITER, original)))
    edition = take_step(edition, "publish", people[PUBLISHER])
    assert edition.release_number.startswith("No. ")
    original = take_step(cleared(original), "publish", people[PUBLISHER])
    assert original.release_number == edition.release_number
    # A statement in the family takes none: numbers are for press releases.
    statement = Release.objects.create(
        title="A statement", office=office, kind="statement", original=original, language="fr"
    )
    assert take_step(cleared(statement), "publish", people[PUBLISHER]).release_number == ""


def test_an_original_with_editions_is_not_deleted_and_the_delete_page_says_why(people, office):
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    edition = newsroom.added(WRITER, original)
    admin = newsroom.clients[ADMINISTRATOR]
    delete = f"/admin/articles/release/{original.pk}/delete/"

    response = admin.get(delete)
    assert response.status_code == 200
    text = response.text
    assert "would require deleting the following protected related objects" in text
    assert f'Spanish edition <a href="{change_url(edition)}">“Harbor reopens”</a> (Draft)' in text
    assert "delete it first" in text
    response = admin.post(delete, {"post": "yes"})
    assert response.status_code == 200
    original.refresh_from_db()
    assert original.status == "draft", "nothing was deleted"
    with pytest.raises(WorkflowError, match="has editions in other languages"):
        take_step(original, "delete", people[ADMINISTRATOR])

    # The list's bulk action: the original alone is refused; with its edition, both go.
    action = {"action": "delete_selected", "_selected_action": [original.pk], "post": "yes"}
    response = admin.post(LIST_URL, action)
    assert response.status_code == 200 and "delete it first" in response.text
    original.refresh_from_db()
    assert original.status == "draft"
    response = admin.post(LIST_URL, action | {"_selected_action": [original.pk, edition.pk]})
    assert response.status_code == 302
    assert set(Release.objects.values_list("status", flat=True)) == {"deleted"}

    # Recovered the way round it went: the original first.
    edition.refresh_from_db()
    with pytest.raises(WorkflowError, match="recover the original first"):
        take_step(edition, "recover", people[ADMINISTRATOR])
    take_step(original, "recover", people[ADMINISTRATOR])
    assert take_step(edition, "recover", people[ADMINISTRATOR]).state == State.DRAFT


def test_an_original_whose_editions_are_deleted_may_be_deleted(people, office):
    newsroom = Translators(people)
    original = newsroom.write(WRITER, office, "Harbor reopens")
    edition = newsroom.added(WRITER, original)
    newsroom.step(ADMINISTRATOR, edition, "delete")
    response = newsroom.clients[ADMINISTRATOR].get(f"/admin/articles/release/{original.pk}/delete/")
    assert "protected" not in response.text
    newsroom.clients[ADMINISTRATOR].post(
        f"/admin/articles/release/{original.pk}/delete/", {"post": "yes"}
    )
    original.refresh_from_db()
    assert original.status == "deleted"
    panel = newsroom.page(ADMINISTRATOR, original).text
    assert "Deleted" in panel and "Add a Spanish edition" not in panel
    add = f"/admin/articles/release/{original.pk}/editions/add/"
    response = newsroom.clients[ADMINISTRATOR].post(add, {"language": "es"}, follow=True)
    assert messages_of(response)[-1] == "A deleted release gets no new edition: recover it first."


def test_a_spanish_edition_from_the_button_to_its_minute_on_the_spanish_site(people, office):
    """End to end through the served pages, each step by the person whose step it is: the
    original goes live; a writer adds the Spanish edition; a publisher translates it; the
    writer submits it; the translator may not clear their own text, a reviewer does; the
    publisher schedules it for a minute ahead; at that minute (publish_due) it is on the Spanish
    site with the family's number, and the English page names it only from then on."""
    newsroom = Translators(people)
    original = newsroom.published("Harbor reopens", office)
    reader = Client()
    assert "Read this release in" not in reader.get(original.get_absolute_url()).text

    edition = newsroom.translate(
        PUBLISHER, newsroom.added(WRITER, original), slug="reabre-el-puerto", **SPANISH
    )
    newsroom.step(WRITER, edition, "submit")
    assert "clearance-form" not in newsroom.page(PUBLISHER, edition).text, "their own text"
    refused = newsroom.clients[PUBLISHER].post(
        f"/admin/articles/release/{edition.pk}/clearance/",
        {"answer": "clear", "sign_off": "", "note": "", "version": edition.lock_version},
        follow=True,
    )
    assert "No sign-off of this release is waiting for you." in messages_of(refused)
    newsroom.answer(REVIEWER, edition)

    minute = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(minutes=2)
    action, data = form_defaults(newsroom.page(PUBLISHER, edition), "workflow-form")
    data |= {"step": "schedule", "when": f"{minute:%Y-%m-%dT%H:%M}"}
    response = newsroom.clients[PUBLISHER].post(action, data, follow=True)
    assert messages_of(response)[0].startswith("Schedule: the release is now Scheduled")
    edition.refresh_from_db()
    spanish = edition.get_absolute_url()
    assert spanish.startswith("/es/noticias/") and spanish.endswith("/reabre-el-puerto/")
    assert reader.get(spanish).status_code == 404
    english = reader.get(original.get_absolute_url()).text
    assert spanish not in english and "Read this release in" not in english

    with time_machine.travel(minute + datetime.timedelta(seconds=1)):
        call_command("publish_due")
        page = reader.get(spanish)
        assert page.status_code == 200 and "Reabre el puerto" in page.text
        english = reader.get(original.get_absolute_url()).text
        assert f'href="{spanish}" hreflang="es"' in english, "the switcher names it now"
        edition.refresh_from_db()
        assert edition.state == State.LIVE and edition.went_live_at is not None
        assert edition.release_number == original.release_number != ""
        panel = newsroom.page(WRITER, original).text
        assert "Reabre el puerto" in panel and "Live" in panel


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_an_original_and_its_edition_published_at_once_take_one_number(
    make_release, publisher, attempt
):
    original = make_release("Harbor reopens", kind="press-release", status="draft", publish_at=None)
    edition = make_release(
        "Reabre el puerto", kind="press-release", status="draft", publish_at=None,
        original=original, language="es",
    )  # fmt: skip
    members = [cleared(original), cleared(edition)]
    run_together([lambda r=r: take_step(r, "publish", publisher) for r in members])
    numbers = set(Release.objects.values_list("release_number", flat=True))
    assert len(numbers) == 1 and "" not in numbers, numbers
    assert ReleaseNumberCounter.objects.get().last_number == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_family_going_live_in_concurrent_publish_due_runs_takes_one_number(make_release):
    past = timezone.now() - datetime.timedelta(minutes=5)
    original = make_release("Harbor reopens", kind="press-release", publish_at=past)
    make_release("Reabre", kind="press-release", publish_at=past, original=original, language="es")
    run_together([publish_due, publish_due, publish_due])
    numbers = list(Release.objects.values_list("release_number", flat=True))
    assert len(set(numbers)) == 1 and "" not in numbers, numbers


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_adding_the_same_edition_at_once_make_one(people, office):
    original = Release.objects.create(title="Harbor reopens", office=office)
    refused = []

    def add(user):
        try:
            editions.add_edition(original, "es", user)
        except editions.EditionExists as error:
            refused.append(error.edition)

    run_together([lambda: add(people[WRITER]), lambda: add(people[PUBLISHER])])
    [edition] = Release.objects.filter(original=original)
    assert refused == [edition]
