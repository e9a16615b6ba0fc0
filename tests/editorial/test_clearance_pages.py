"""Clearance the way people take it: through the release page's forms as they are served, the
release list's filter, and the routes' admin page."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from articles.editorial import clearance
from articles.editorial.workflow import take_step
from articles.models import ClearanceRoute, SignOff
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from articles.states import State
from tests.subscriptions.pages import form_defaults

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def legal_and_front(people, office, django_user_model):
    """Press releases from the office: Legal first (a group), then the Front office (a person)."""
    found = {}
    for name in ["legal", "front"]:
        user = django_user_model.objects.create_user(name, is_staff=True)
        user.groups.add(Group.objects.get(name=REVIEWER))
        found[name] = user
    legal = Group.objects.create(name="Legal")
    found["legal"].groups.add(legal)
    route = ClearanceRoute.objects.create(name="OPA press", kind="press-release", office=office)
    route.required.create(stage=1, name="Legal", group=legal)
    route.required.create(stage=2, name="Front office").people.add(found["front"])
    return found


@pytest.fixture
def in_review(make_release, writer):
    release = make_release(
        "Harbor reopens", kind="press-release", status="draft", publish_at=None, created_by=writer
    )
    return take_step(release, "submit", writer)


def page(client, release):
    response = client.get(f"/admin/articles/release/{release.pk}/change/")
    assert response.status_code == 200
    return response


def answer(client, release, **typed):
    action, data = form_defaults(page(client, release), "clearance")
    return client.post(action, data | typed, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_a_reviewer_clears_with_the_forms_defaults_and_the_next_stage_opens(
    in_review, legal_and_front
):
    legal, front = signed_in(legal_and_front["legal"]), signed_in(legal_and_front["front"])
    assert "Your sign-off: <strong>Legal</strong>" in page(legal, in_review).text
    assert "clearance-form" not in page(front, in_review).text, "stage 2 waits for stage 1"

    response = answer(legal, in_review, answer="clear")
    assert messages_of(response) == ["Legal: cleared this version."]
    assert "clearance-form" not in response.text, "nothing more is waiting for Legal"
    assert "Your sign-off: <strong>Front office</strong>" in page(front, in_review).text


def test_asking_for_changes_without_a_note_is_refused_and_changes_nothing(
    in_review, legal_and_front
):
    legal = signed_in(legal_and_front["legal"])
    response = answer(legal, in_review, answer="changes", note="")
    assert any("Say what needs to change" in m for m in messages_of(response))
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW and not in_review.sign_offs.exists()

    response = answer(legal, in_review, answer="changes", note="Name the source of the quote.")
    in_review.refresh_from_db()
    assert in_review.state == State.DRAFT
    assert "Name the source of the quote." in response.text  # in the clearance trail


def test_an_edit_in_the_admins_form_voids_the_sign_off_and_the_page_shows_what_changed(
    in_review, legal_and_front, people
):
    answer(signed_in(legal_and_front["legal"]), in_review, answer="clear")
    writer = signed_in(people[WRITER])
    url = f"/admin/articles/release/{in_review.pk}/change/"
    _, data = form_defaults(page(writer, in_review), 'id="release_form"')
    data["tags"] = ["new:Harbors", "new:Ports"]  # a topic leaves the sign-off standing
    assert writer.post(url, data).status_code == 302
    assert [place.name for place in clearance.missing(in_review)] == ["Front office"]

    _, data = form_defaults(page(writer, in_review), 'id="release_form"')
    data["title"] = "Harbor reopens on Monday"
    assert writer.post(url, data).status_code == 302
    voided = SignOff.objects.get(name="Legal")
    assert voided.voided_at is not None and voided.voided_by == people[WRITER]
    text = page(signed_in(people[PUBLISHER]), in_review).text
    assert "Voided by later edits" in text
    assert "+Harbor reopens on Monday" in text and "-Harbor reopens" in text


def test_waiting_for_my_clearance_lists_what_each_reviewer_may_answer_now(
    in_review, legal_and_front
):
    listed = "/admin/articles/release/?clearance=mine"
    legal, front = signed_in(legal_and_front["legal"]), signed_in(legal_and_front["front"])
    assert "Harbor reopens" in legal.get(listed).text
    assert "Harbor reopens" not in front.get(listed).text
    answer(legal, in_review, answer="clear")
    assert "Harbor reopens" not in legal.get(listed).text
    assert "Harbor reopens" in front.get(listed).text


def test_an_emergency_publication_through_the_page_needs_the_reason_field(
    in_review, legal_and_front, people
):
    publisher, administrator = signed_in(people[PUBLISHER]), signed_in(people[ADMINISTRATOR])
    assert "Reason to publish before clearance is complete" not in page(publisher, in_review).text
    assert "Publish and Schedule wait for clearance: Legal, Front office." in (
        page(publisher, in_review).text
    )
    action, data = form_defaults(page(administrator, in_review), "workflow")
    response = administrator.post(action, data | {"step": "publish"}, follow=True)
    assert any("Not cleared yet" in m for m in messages_of(response))

    data["emergency_reason"] = "The storm reaches the coast tonight."
    response = administrator.post(action, data | {"step": "publish"}, follow=True)
    in_review.refresh_from_db()
    assert in_review.state == State.LIVE and in_review.published_without_clearance
    assert "Published without full clearance." in response.text


def test_an_answer_nobody_is_waiting_for_gets_a_message_not_an_error(in_review, people):
    # The statement needs a second reader; the writer may not be it.
    client = signed_in(people[WRITER])
    response = client.post(
        f"/admin/articles/release/{in_review.pk}/clearance/",
        {"sign_off": "second-reader", "answer": "clear", "version": in_review.lock_version},
        follow=True,
    )
    assert response.status_code == 200
    assert any("No sign-off of this release is waiting for you" in m for m in messages_of(response))
    assert not in_review.sign_offs.exists()


def test_an_administrator_defines_a_route_on_one_page(people, office):
    admin = signed_in(people[ADMINISTRATOR])
    legal = Group.objects.create(name="Legal")
    action, data = form_defaults(
        admin.get("/admin/articles/clearanceroute/add/"), 'id="clearanceroute_form"'
    )
    data |= {
        "name": "Statements", "kind": "statement",
        "required-0-stage": "1", "required-0-name": "Legal", "required-0-group": str(legal.pk),
        "required-0-due_hours": "4",
    }  # fmt: skip
    response = admin.post("/admin/articles/clearanceroute/add/", data)
    assert response.status_code == 302, response.context["errors"]
    route = ClearanceRoute.objects.get(name="Statements")
    assert [(r.stage, r.name, r.group) for r in route.required.all()] == [(1, "Legal", legal)]
