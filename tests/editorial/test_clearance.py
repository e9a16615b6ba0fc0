"""Clearance: named reviewers sign off on the exact text, stage by stage, before Publish or
Schedule; an edit voids what was cleared; nobody clears their own writing."""

import contextlib
import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection, transaction  # noqa: F401 (needs_postgres reads connection)
from django.utils import timezone
from reversion.models import Version

from articles.editorial import clearance
from articles.editorial.clearance_notices import remind_overdue, tell_reviewers
from articles.editorial.workflow import clear, publish_due, take_step
from articles.errors import WorkflowError
from articles.models import ClearanceRoute, Release, RequiredSignOff, SignOff
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from articles.states import State
from tests.editorial.test_workflow_properties import needs_postgres, run_together
from tests.support import OFFICE_TZ, cleared

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(people, django_user_model):
    """Legal, Policy and the Front office: Reviewers, each in their own group."""
    found = {}
    for name in ["legal", "policy", "front"]:
        user = django_user_model.objects.create_user(name, password=f"pw-{name}", is_staff=True)
        user.groups.add(Group.objects.get(name=REVIEWER), Group.objects.create(name=name.title()))
        found[name] = user
    return found


@pytest.fixture
def route(office, reviewers):
    """Press releases from the office: Legal and Policy at once, then the Front office (held
    by a named person rather than a group)."""
    route = ClearanceRoute.objects.create(name="OPA press", kind="press-release", office=office)
    for stage, name in [(1, "Legal"), (1, "Policy")]:
        route.required.create(stage=stage, name=name, group=Group.objects.get(name=name))
    front = route.required.create(stage=2, name="Front office")
    front.people.add(reviewers["front"])
    return route


def sign_off(route, name):
    return RequiredSignOff.objects.get(route=route, name=name)


@pytest.fixture
def in_review(make_release, writer):
    release = make_release(
        "Harbor reopens", kind="press-release", status="draft", publish_at=None, created_by=writer
    )
    return take_step(release, "submit", writer)


@pytest.mark.usefixtures("route")
def test_a_publisher_alone_cannot_publish_or_schedule_an_uncleared_release(in_review, publisher):
    with pytest.raises(WorkflowError, match="Not cleared yet: waiting for Legal, Policy"):
        take_step(in_review, "publish", publisher)
    later = timezone.now() + datetime.timedelta(hours=3)
    with pytest.raises(WorkflowError, match="Front office"):
        take_step(in_review, "schedule", publisher, when=later)
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW


@pytest.mark.usefixtures("route")
def test_stages_run_in_order_and_sign_offs_in_one_stage_at_once(in_review, reviewers, publisher):
    legal, policy, front = reviewers["legal"], reviewers["policy"], reviewers["front"]
    route = clearance.route_for(in_review)
    with pytest.raises(WorkflowError, match="after the stage before"):
        clear(in_review, front, sign_off(route, "Front office"))
    clear(in_review, policy, sign_off(route, "Policy"))  # either order within a stage
    clear(in_review, legal, sign_off(route, "Legal"))
    with pytest.raises(WorkflowError, match="waiting for Front office"):
        take_step(in_review, "publish", publisher)
    clear(in_review, front, sign_off(route, "Front office"), note="Fine by the Secretary.")
    take_step(in_review, "publish", publisher)
    in_review.refresh_from_db()
    assert in_review.state == State.LIVE and not in_review.published_without_clearance
    assert [entry.action for entry in in_review.audit_entries.order_by("at", "id")] == [
        "Submit for review", "Cleared: Policy", "Cleared: Legal", "Cleared: Front office",
        "Publish now",
    ]  # fmt: skip


# Who may give which sign-off: a group's members, the people named, and never a writer.
@pytest.mark.usefixtures("route")
@pytest.mark.parametrize(
    ("who", "name", "allowed"),
    [
        ("legal", "Legal", True),
        ("legal", "Policy", False),
        ("policy", "Policy", True),
        ("front", "Legal", False),
        (WRITER, "Legal", False),
        (PUBLISHER, "Legal", False),  # a Publisher outside Legal
        (ADMINISTRATOR, "Legal", False),  # not a member either: roles grant no sign-off
    ],
)
def test_who_may_clear_which_sign_off(in_review, reviewers, people, who, name, allowed):
    user = reviewers.get(who) or people[who]
    required = sign_off(clearance.route_for(in_review), name)
    if allowed:
        assert clear(in_review, user, required).decision == SignOff.Decision.CLEARED
    else:
        with pytest.raises(WorkflowError):
            clear(in_review, user, required)
        assert not in_review.sign_offs.exists()


@pytest.mark.usefixtures("route")
def test_nobody_clears_their_own_writing_whatever_their_groups(in_review, reviewers, client):
    legal = reviewers["legal"]
    # Legal edits the text in the admin's form, then tries to clear it.
    in_review.title = "Harbor reopens to all ships"
    in_review.updated_by = legal
    in_review.save()
    with pytest.raises(WorkflowError, match="Nobody can clear their own writing"):
        clear(in_review, legal, sign_off(clearance.route_for(in_review), "Legal"))
    assert clearance.answerable(in_review, legal) == []


def test_without_a_route_a_second_reader_is_still_needed(make_release, people):
    publisher = people[PUBLISHER]
    draft = make_release("Statement", kind="statement", status="draft", publish_at=None,
                         created_by=publisher)  # fmt: skip
    take_step(draft, "submit", publisher)
    with pytest.raises(WorkflowError, match="Nobody can clear their own writing"):
        clear(draft, publisher)
    with pytest.raises(WorkflowError, match="Not cleared yet"):
        take_step(draft, "publish", publisher)
    clear(draft, people[REVIEWER])
    take_step(draft, "publish", publisher)
    draft.refresh_from_db()
    assert draft.state == State.LIVE


@pytest.mark.usefixtures("route")
def test_an_edit_to_the_text_voids_every_sign_off_on_it_and_others_do_not(
    in_review, reviewers, publisher
):
    route = clearance.route_for(in_review)
    clear(in_review, reviewers["legal"], sign_off(route, "Legal"))
    clear(in_review, reviewers["policy"], sign_off(route, "Policy"))
    in_review.refresh_from_db()

    in_review.featured = True
    in_review.expire_at = timezone.now() + datetime.timedelta(days=30)
    in_review.save()
    in_review.tags.add("Harbors")
    assert clearance.missing(in_review) == [
        place for place in clearance.standing(in_review) if place.name == "Front office"
    ]

    in_review.body += "<p>One sentence more.</p>"
    in_review.updated_by = publisher
    in_review.save()
    voided = in_review.sign_offs.filter(voided_at__isnull=False)
    assert sorted(voided.values_list("name", flat=True)) == ["Legal", "Policy"]
    assert all(given.voided_by == publisher for given in voided)
    assert "+One sentence more." in voided.first().voided_diff
    assert [place.name for place in clearance.missing(in_review)] == [
        "Legal", "Policy", "Front office",
    ]  # fmt: skip


@pytest.mark.usefixtures("route")
def test_a_scheduled_release_whose_text_changes_goes_back_to_review_and_never_goes_out(
    in_review, reviewers, publisher
):
    route = clearance.route_for(in_review)
    for who, name in [("legal", "Legal"), ("policy", "Policy"), ("front", "Front office")]:
        clear(in_review, reviewers[who], sign_off(route, name))
    minute = timezone.now() + datetime.timedelta(hours=1)
    release = take_step(in_review, "schedule", publisher, when=minute)
    assert release.state == State.SCHEDULED

    release.title = "Harbor reopens on Monday"
    release.updated_by = publisher
    release.save()
    release.refresh_from_db()
    assert release.state == State.IN_REVIEW
    assert publish_due(minute + datetime.timedelta(minutes=1)) == []
    assert not Release.objects.live(minute + datetime.timedelta(minutes=1)).exists()


@pytest.mark.usefixtures("route")
def test_request_changes_needs_a_note_and_sends_the_release_back_to_its_writer(
    in_review, reviewers
):
    legal = sign_off(clearance.route_for(in_review), "Legal")
    with pytest.raises(WorkflowError, match="Say what needs to change"):
        take_step(in_review, "request_changes", reviewers["legal"], sign_off=legal)
    take_step(in_review, "request_changes", reviewers["legal"], sign_off=legal,
              note="The second quote needs its source.")  # fmt: skip
    in_review.refresh_from_db()
    assert in_review.state == State.DRAFT
    answer = in_review.sign_offs.get()
    assert (answer.decision, answer.note) == (
        SignOff.Decision.CHANGES,
        "The second quote needs its source.",
    )


@pytest.mark.usefixtures("route")
def test_emergency_publication_needs_a_reason_and_the_right_person(in_review, people):
    publisher, administrator = people[PUBLISHER], people[ADMINISTRATOR]
    with pytest.raises(WorkflowError, match="Only an Administrator"):
        take_step(in_review, "publish", publisher, emergency_reason="The storm is here.")
    with pytest.raises(WorkflowError, match="Not cleared yet"):
        take_step(in_review, "publish", administrator)
    take_step(in_review, "publish", administrator, emergency_reason="The storm is here.")
    in_review.refresh_from_db()
    assert in_review.state == State.LIVE and in_review.published_without_clearance
    note = in_review.audit_entries.get(action="Publish now").note
    assert "The storm is here." in note and "Legal, Policy, Front office" in note


def test_a_route_may_let_publishers_publish_in_an_emergency(route, in_review, reviewers, people):
    route.publishers_may_override = True
    route.save()
    take_step(in_review, "publish", people[PUBLISHER], emergency_reason="Storm warning.")
    in_review.refresh_from_db()
    assert in_review.published_without_clearance
    # The missing sign-offs stay open as a review after the fact.
    assert in_review in clearance.waiting_for(reviewers["legal"])
    clear(in_review, reviewers["legal"], sign_off(route, "Legal"))
    assert in_review not in clearance.waiting_for(reviewers["legal"])


def test_a_past_publication_recorded_afterwards_needs_no_clearance(make_release, publisher):
    """Archives and imports record what happened; they decide nothing."""
    release = make_release("From the archive", status="draft", publish_at=None)
    take_step(
        release, "publish", publisher, published_at=timezone.now() - datetime.timedelta(days=400)
    )
    release.refresh_from_db()
    assert release.state == State.LIVE


@pytest.mark.usefixtures("route")
def test_the_clearance_trail_outlives_deletion(in_review, reviewers, people):
    clear(in_review, reviewers["legal"], sign_off(clearance.route_for(in_review), "Legal"))
    take_step(in_review, "delete", people[ADMINISTRATOR])
    with pytest.raises(Exception, match="protected"):
        Release.objects.filter(pk=in_review.pk).delete()
    assert in_review.sign_offs.get().user == reviewers["legal"]


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_publishers_racing_a_voiding_edit_never_publish_uncleared_text(
    make_release, people, django_user_model, attempt
):
    """Two Publishers press Publish while the writer saves a change to the cleared text: the
    row lock orders them, and whatever wins, the text that went out is the text cleared."""
    writer, reviewer = people[WRITER], people[REVIEWER]
    release = make_release("Racing", status="draft", publish_at=None, created_by=writer)
    take_step(release, "submit", writer)
    clear(release, reviewer)
    cleared_body = Release.objects.get(pk=release.pk).body
    second = django_user_model.objects.create_user("publisher-2", is_staff=True)
    second.groups.add(Group.objects.get(name=PUBLISHER))

    def publish(user):
        with contextlib.suppress(WorkflowError):
            take_step(Release.objects.get(pk=release.pk), "publish", user)

    def edit():
        with transaction.atomic():  # as the admin's form does: the row locked, then saved
            current = Release.objects.select_for_update().get(pk=release.pk)
            current.body += "<p>A late change nobody cleared.</p>"
            current.updated_by = writer
            current.save()

    run_together([lambda: publish(people[PUBLISHER]), lambda: publish(second), edit])

    release.refresh_from_db()
    published = [
        version.field_dict["body"]
        for version in Version.objects.get_for_object(release)
        if version.revision.comment == "Publish now"
    ]
    assert len(published) <= 1, "published once at most"
    assert all(body == cleared_body for body in published)
    if not published:
        assert release.state == State.IN_REVIEW and clearance.missing(release)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        ((2026, 11, 25, 10, 0), 4, (2026, 11, 25, 14, 0)),  # Wednesday, within the day
        ((2026, 11, 27, 16, 0), 4, (2026, 11, 30, 12, 0)),  # Friday afternoon to Monday
        ((2026, 11, 30, 7, 0), 2, (2026, 11, 30, 11, 0)),  # before opening
        ((2026, 11, 28, 12, 0), 8, (2026, 11, 30, 17, 0)),  # a Saturday: the week starts
        ((2026, 11, 25, 18, 30), 9, (2026, 11, 27, 10, 0)),  # after closing, two days
    ],
)
def test_due_times_count_working_hours_in_office_time(start, hours, due):
    start = datetime.datetime(*start, tzinfo=OFFICE_TZ)
    assert clearance.working_hours_after(start, hours) == datetime.datetime(*due, tzinfo=OFFICE_TZ)


def test_each_stage_is_due_from_when_it_opens(route, make_release, writer, reviewers):
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=OFFICE_TZ), tick=False):
        release = take_step(
            make_release("Due", kind="press-release", status="draft", publish_at=None,
                         created_by=writer),
            "submit", writer,
        )  # fmt: skip
    legal, policy = sign_off(route, "Legal"), sign_off(route, "Policy")
    legal.due_hours = 2
    legal.save()
    places = {place.name: place for place in clearance.standing(release)}
    assert places["Legal"].due_at == datetime.datetime(2026, 11, 25, 11, 0, tzinfo=OFFICE_TZ)
    assert places["Front office"].due_at is None, "its stage has not opened"
    assert places["Legal"].is_overdue(datetime.datetime(2026, 11, 25, 12, tzinfo=OFFICE_TZ))

    with time_machine.travel(datetime.datetime(2026, 11, 25, 13, 0, tzinfo=OFFICE_TZ), tick=False):
        clear(release, reviewers["legal"], legal)
        clear(release, reviewers["policy"], policy)
    places = {place.name: place for place in clearance.standing(release)}
    assert places["Front office"].due_at == datetime.datetime(2026, 11, 26, 13, tzinfo=OFFICE_TZ)


def test_reviewers_are_told_when_their_stage_opens_and_once_when_overdue(
    route, make_release, writer, reviewers, deliver, mailoutbox, django_capture_on_commit_callbacks
):
    for user in reviewers.values():
        user.email = f"{user.username}@example.gov"
        user.save()
    wednesday = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=OFFICE_TZ)
    with time_machine.travel(wednesday, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            release = take_step(
                make_release("Told", kind="press-release", status="draft", publish_at=None,
                             created_by=writer),
                "submit", writer,
            )  # fmt: skip
        deliver()
    assert sorted(mail.to[0] for mail in mailoutbox) == ["legal@example.gov", "policy@example.gov"]
    assert mailoutbox[0].subject == "Waiting for your clearance: Told"
    assert f"/admin/articles/release/{release.pk}/change/" in mailoutbox[0].body
    assert "due Wed 25 Nov 2026, 17:00 EST" in mailoutbox[0].body
    mailoutbox.clear()

    with time_machine.travel(wednesday + datetime.timedelta(days=1), tick=False):
        assert remind_overdue() == 2
        assert remind_overdue() == 0, "one reminder per sign-off and text"
        deliver()
    assert sorted(mail.subject for mail in mailoutbox) == ["Overdue: your clearance of Told"] * 2
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        clear(release, reviewers["legal"], sign_off(route, "Legal"))
        clear(release, reviewers["policy"], sign_off(route, "Policy"))
    deliver()
    assert [mail.to for mail in mailoutbox] == [["front@example.gov"]], "stage 2 opened"


def test_a_notice_for_text_that_changed_since_is_not_sent(
    route, in_review, reviewers, deliver, mailoutbox
):
    for user in reviewers.values():
        user.email = f"{user.username}@example.gov"
        user.save()
    stale = in_review.text_fingerprint
    in_review.title = "Harbor reopens on Monday"
    in_review.save()
    tell_reviewers.enqueue(in_review.pk, stale, [sign_off(route, "Legal").pk], False)
    deliver()
    assert mailoutbox == []


# A second read of the change found these; each test failed before its fix.


def test_a_route_without_sign_offs_still_needs_a_second_reader(in_review, office, publisher):
    ClearanceRoute.objects.create(name="Empty for now", kind="press-release", office=office)
    with pytest.raises(WorkflowError, match="a second reader"):
        take_step(in_review, "publish", publisher)


@pytest.mark.usefixtures("route")
@pytest.mark.parametrize(("field", "value"), [("kind", "news"), ("byline", "By someone else")])
def test_a_change_of_kind_or_byline_voids_what_was_cleared(
    in_review, reviewers, publisher, field, value
):
    """Changing the kind picks another route (a weaker one, perhaps): it is new text to clear."""
    route = clearance.route_for(in_review)
    clear(in_review, reviewers["legal"], sign_off(route, "Legal"))
    in_review.refresh_from_db()
    setattr(in_review, field, value)
    in_review.updated_by = publisher
    in_review.save()
    assert in_review.sign_offs.get().voided_at is not None


def test_an_edit_to_live_text_opens_a_review_after_the_fact(
    make_release, people, reviewers, django_capture_on_commit_callbacks, deliver, mailoutbox
):
    release = cleared(make_release("Live text", status="draft", publish_at=None))
    take_step(release, "publish", people[PUBLISHER])
    release.refresh_from_db()
    release.body = "<p>A sentence nobody cleared.</p>"
    release.updated_by = people[PUBLISHER]
    release.save()
    release.refresh_from_db()
    assert release.state == State.LIVE and release.published_without_clearance
    assert clearance.answerable(release, people[REVIEWER]), "a second reader may clear it now"


@pytest.mark.usefixtures("route")
def test_a_request_for_changes_is_recorded_on_the_version_the_reviewer_read(in_review, reviewers):
    read = in_review.lock_version
    take_step(in_review, "request_changes", reviewers["legal"], note="Source the quote.",
              sign_off=sign_off(clearance.route_for(in_review), "Legal"))  # fmt: skip
    assert in_review.sign_offs.get().version == read


def test_a_sign_off_whose_requirement_was_deleted_is_not_a_second_readers(
    route, in_review, reviewers, publisher
):
    legal = sign_off(route, "Legal")
    clear(in_review, reviewers["legal"], legal)
    route.delete()  # no route applies now: the old Legal sign-off must not stand in
    with pytest.raises(WorkflowError, match="a second reader"):
        take_step(in_review, "publish", publisher)
