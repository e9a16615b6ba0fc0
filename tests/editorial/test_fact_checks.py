"""Outside fact-checkers: a personal link by mail that shows the text as sent, takes one answer,
and ends like a share link; its answer counts only where the route says so."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.editorial import clearance
from articles.editorial.workflow import take_step
from articles.models import ClearanceRoute, FactCheck, SignOff
from articles.roles import PUBLISHER, WRITER
from articles.states import State
from tests.subscriptions.pages import form_defaults
from tests.support import cleared

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(make_release, writer):
    release = make_release(
        "Harbor reopens", kind="press-release", status="draft", publish_at=None, created_by=writer
    )
    return take_step(release, "submit", writer)


@pytest.fixture
def publisher_client(people):
    client = Client()
    client.force_login(people[PUBLISHER])
    return client


def send(client, release, **typed):
    """The release page's fact-check form, with its defaults and what the publisher types."""
    page = client.get(f"/admin/articles/release/{release.pk}/change/")
    action, data = form_defaults(page, "fact-check-form")
    return client.post(action, data | typed, follow=True)


def link_in(mail):
    return re.search(r"http://[^\s]+/fact-check/[^\s/]+/", mail.body)[0].split("8000", 1)[-1]


def test_a_publisher_sends_a_request_and_the_expert_answers_through_the_link(
    in_review, publisher_client, deliver, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(publisher_client, in_review, email="expert@example.org",
                        question="Are the tonnage figures right?")  # fmt: skip
    assert "A fact-check link is on its way to expert@example.org." in response.text
    deliver()
    [mail] = mailoutbox
    assert (
        mail.to == ["expert@example.org"]
        and mail.subject == "Please check the facts: Harbor reopens"
    )
    url = link_in(mail)
    check = FactCheck.objects.get()
    assert url.split("/")[-2] not in (check.token, check.nonce), "only a hash is kept"

    expert = Client()
    page = expert.get(url)
    assert page.status_code == 200 and "Are the tonnage figures right?" in page.text
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "default-src 'none'" in page["Content-Security-Policy"]
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    _, data = form_defaults(page, "Send my answer")
    answered = expert.post(url, data | {"answer": "accurate", "comments": "Figures match."})
    assert "your answer (“Accurate”) was recorded" in answered.text
    again = expert.post(url, {"answer": "needs-changes", "comments": "Changed my mind"})
    assert FactCheck.objects.get().answer == "accurate", "one answer"
    assert "Changed my mind" not in again.text

    # Recorded in the trail, but advice only: no route lets it give a sign-off.
    answer = in_review.sign_offs.get()
    assert (answer.decision, answer.user) == (SignOff.Decision.ACCURATE, None)
    assert [place.name for place in clearance.missing(in_review)] == [clearance.SECOND_READER]
    assert (
        "Figures match."
        in publisher_client.get(f"/admin/articles/release/{in_review.pk}/change/").text
    )


def test_needs_changes_wants_comments(in_review, people):
    check = _check(in_review, people)
    expert = Client()
    response = expert.post(f"/fact-check/{check.secret()}/", {"answer": "needs-changes"})
    assert "Say what needs to change." in response.text
    assert FactCheck.objects.get().answered_at is None


def _check(release, people, **fields):
    from articles.editorial.factcheck import request_fact_check

    return request_fact_check(release, people[PUBLISHER], "expert@example.org", **fields)


def test_the_link_shows_the_text_it_was_sent_with_never_a_later_one(in_review, people):
    check = _check(in_review, people)
    in_review.title = "Harbor reopens on Monday"
    in_review.body = "<p>New text nobody sent.</p>"
    in_review.save()
    page = Client().get(f"/fact-check/{check.secret()}/").text
    assert "Harbor reopens" in page and "on Monday" not in page and "nobody sent" not in page


def test_an_accurate_answer_gives_the_sign_off_the_route_lets_it_give(in_review, people, office):
    route = ClearanceRoute.objects.create(name="Facts", kind="press-release", office=office)
    expert = route.required.create(stage=1, name="Programme expert", outside_answer_counts=True)
    route.required.create(stage=1, name="Legal")
    check = _check(in_review, people, required=expert)
    Client().post(f"/fact-check/{check.secret()}/", {"answer": "accurate"})
    assert [place.name for place in clearance.missing(in_review)] == ["Legal"]

    # On a text changed since it was sent, the same answer gives nothing.
    stale = _check(in_review, people, required=expert)
    in_review.refresh_from_db()
    in_review.summary = "A new summary."
    in_review.save()
    Client().post(f"/fact-check/{stale.secret()}/", {"answer": "accurate"})
    assert [place.name for place in clearance.missing(in_review)] == ["Legal", "Programme expert"]


def test_the_link_ends_with_a_withdrawal_and_stays_ended_when_published_again(make_release, people):
    release = cleared(make_release("Live one", status="draft", publish_at=None))
    take_step(release, "publish", people[PUBLISHER])
    check = _check(release, people)
    url = f"/fact-check/{check.secret()}/"
    assert Client().get(url).status_code == 200
    take_step(release, "withdraw", people[PUBLISHER])
    assert Client().get(url).status_code == 404
    take_step(cleared(release), "publish", people[PUBLISHER])
    assert Client().get(url).status_code == 404
    assert Client().get("/fact-check/not-a-token/").status_code == 404


def test_an_expired_or_revoked_link_answers_404(in_review, people, publisher_client):
    check = _check(in_review, people, hours=1)
    url = f"/fact-check/{check.secret()}/"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert Client().get(url).status_code == 404
    publisher_client.post(f"/admin/articles/release/{in_review.pk}/fact-check/{check.pk}/revoke/")
    assert Client().get(url).status_code == 404
    assert FactCheck.objects.get().revoked_at is not None


def test_only_publishers_send_requests_and_bad_input_gets_a_message(in_review, people):
    writer = Client()
    writer.force_login(people[WRITER])
    page = writer.get(f"/admin/articles/release/{in_review.pk}/change/").text
    assert "fact-check-form" not in page
    response = writer.post(
        f"/admin/articles/release/{in_review.pk}/fact-check/",
        {"email": "x@example.org", "hours": "72"},
    )
    assert response.status_code == 403
    publisher = Client()
    publisher.force_login(people[PUBLISHER])
    response = send(publisher, in_review, email="not an address")
    assert "Enter a valid email address." in response.text
    assert not FactCheck.objects.exists()
    assert in_review.state == State.IN_REVIEW


def test_nobody_sends_their_own_writing_to_an_address_that_gives_a_sign_off(
    make_release, people, office
):
    """A Publisher who wrote the release cannot clear it by answering "Accurate" themselves."""
    from articles.editorial.factcheck import request_fact_check
    from articles.errors import WorkflowError

    route = ClearanceRoute.objects.create(name="Facts", kind="press-release", office=office)
    expert = route.required.create(stage=1, name="Programme expert", outside_answer_counts=True)
    own = make_release("Own words", kind="press-release", status="review", publish_at=None,
                       created_by=people[PUBLISHER])  # fmt: skip
    with pytest.raises(WorkflowError, match="own writing"):
        request_fact_check(own, people[PUBLISHER], "me@example.org", required=expert)


def test_an_answer_to_a_later_stage_waits_for_its_stage(in_review, people, office):
    route = ClearanceRoute.objects.create(name="Facts", kind="press-release", office=office)
    route.required.create(stage=1, name="Legal")
    expert = route.required.create(stage=2, name="Programme expert", outside_answer_counts=True)
    check = _check(in_review, people, required=expert)
    Client().post(f"/fact-check/{check.secret()}/", {"answer": "accurate"})
    assert [place.name for place in clearance.missing(in_review)] == ["Legal", "Programme expert"]


def test_a_second_answer_posted_at_once_gets_the_answered_page_not_an_error(
    in_review, people, monkeypatch
):
    from articles.editorial import factcheck

    check = _check(in_review, people)
    url = f"/fact-check/{check.secret()}/"
    stale = FactCheck.objects.select_related("release__office").get(pk=check.pk)
    factcheck.answer_fact_check(check, "accurate", "")  # the first POST, landing in between
    # The second request read the row before the first one wrote its answer.
    monkeypatch.setattr(factcheck, "get_object_or_404", lambda *args, **kwargs: stale)
    response = Client().post(url, {"answer": "needs-changes", "comments": "Wrong date."})
    assert response.status_code == 200 and "was recorded" in response.text
    assert FactCheck.objects.get().answer == "accurate"
