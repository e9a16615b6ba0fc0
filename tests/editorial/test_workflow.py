"""The editorial workflow: who may do what, in which state, and what each step leaves behind."""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.forms.models import model_to_dict

from articles.editorial import workflow
from articles.editorial.workflow import (
    STEPS,
    WorkflowError,
    add_correction,
    available_steps,
    publish_due,
    take_step,
)
from articles.models import AuditEntry, Correction, Release
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from articles.signals import release_went_live
from articles.states import State, Status
from tests.support import NOW, OFFICE_TZ, cleared

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


STATE_FIELDS = {
    State.DRAFT: {"status": "draft", "publish_at": None},
    State.IN_REVIEW: {"status": "review", "publish_at": None},
    State.SCHEDULED: {"status": "published", "publish_at": NOW + HOUR},
    State.LIVE: {"status": "published", "publish_at": NOW - HOUR},
    State.EXPIRED: {"status": "published", "publish_at": NOW - 3 * HOUR, "expire_at": NOW - HOUR},
    State.WITHDRAWN: {"status": "withdrawn", "publish_at": NOW - HOUR},
    State.DELETED: {"status": "deleted", "publish_at": None},
}

UNPUBLISHED_OR_SCHEDULED = [State.DRAFT, State.IN_REVIEW, State.SCHEDULED, State.WITHDRAWN]
# Which states each step starts from, and who may take it (None: nobody in that state).
ALLOWED = {
    "submit": {State.DRAFT: {WRITER, PUBLISHER, ADMINISTRATOR}},
    "publish": {s: {PUBLISHER, ADMINISTRATOR} for s in UNPUBLISHED_OR_SCHEDULED},
    "schedule": {s: {PUBLISHER, ADMINISTRATOR} for s in UNPUBLISHED_OR_SCHEDULED},
    "withdraw": {
        s: {PUBLISHER, ADMINISTRATOR} for s in [State.LIVE, State.SCHEDULED, State.EXPIRED]
    },
    "return_to_draft": {
        State.IN_REVIEW: {WRITER, PUBLISHER, ADMINISTRATOR},
        State.WITHDRAWN: {PUBLISHER, ADMINISTRATOR},
    },
    "delete": {s: {ADMINISTRATOR} for s in State if s != State.DELETED},
    "recover": {State.DELETED: {ADMINISTRATOR}},
    # Anyone who may clear and did not write it (clearance.py says who, per route).
    "request_changes": {State.IN_REVIEW: {REVIEWER, PUBLISHER, ADMINISTRATOR}},
}  # fmt: skip
EXPECTED_STATE = {
    "submit": State.IN_REVIEW,
    "publish": State.LIVE,
    "schedule": State.SCHEDULED,
    "withdraw": State.WITHDRAWN,
    "return_to_draft": State.DRAFT,
    "delete": State.DELETED,
    "recover": State.DRAFT,
    "request_changes": State.DRAFT,
}


def snapshot(release):
    release.refresh_from_db()
    return model_to_dict(release, exclude=["tags"]), AuditEntry.objects.count()


@pytest.mark.parametrize("role", [WRITER, REVIEWER, PUBLISHER, ADMINISTRATOR])
@pytest.mark.parametrize("state", STATE_FIELDS)
@pytest.mark.parametrize("step", STEPS)
def test_each_role_each_step_each_state(make_release, people, role, state, step):
    with time_machine.travel(NOW, tick=False):
        release = make_release(kind="statement", **STATE_FIELDS[state])
        if step in {"publish", "schedule"}:
            cleared(release)  # so that what decides is the role and the state alone
        state_now = release.state
        before = snapshot(release)
        allowed = role in ALLOWED[step].get(state_now, set())
        when = NOW + 2 * HOUR if step == "schedule" else None
        if allowed:
            take_step(release, step, people[role], note="Cleared by legal", when=when)
            release.refresh_from_db()
            assert release.state == EXPECTED_STATE[step]
            entry = release.audit_entries.get(action=STEPS[step].label)
            assert (entry.user, entry.from_state, entry.to_state, entry.note) == (
                people[role],
                state_now,
                EXPECTED_STATE[step],
                "Cleared by legal",
            )
        else:
            with pytest.raises(WorkflowError):
                take_step(release, step, people[role], when=when)
            assert snapshot(release) == before, "a refused step changes nothing"


def test_writer_cannot_forge_publication_through_the_admin_form(client, make_release, people):
    release = make_release("Writer's draft", status="draft", publish_at=None)
    client.force_login(people[WRITER])
    before = snapshot(release)
    url = f"/admin/articles/release/{release.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="status"' not in form.text and 'name="publish_at_0"' not in form.text
    for forged in [
        {"status": "published"},
        {"publish_at_0": "2026-11-25", "publish_at_1": "09:00"},
        {"expire_at_0": "2030-01-01", "expire_at_1": "09:00"},
        {"release_number": "No. 1-26"},
    ]:
        data = {
            "kind": "news", "title": "Changed title", "slug": release.slug, "summary": "",
            "dateline": "", "body": "<p>x</p>", "byline": "", "office": release.office_id,
            "tags": "", "loaded_version": release.lock_version, **forged,
        }  # fmt: skip
        assert client.post(url, data).status_code == 403, forged
        assert snapshot(release) == before
    workflow = f"/admin/articles/release/{release.pk}/workflow/"
    assert client.post(workflow, {"step": "publish"}).status_code == 403
    changelist = client.post(
        "/admin/articles/release/", {"action": "publish_selected", "_selected_action": [release.pk]}
    )
    assert changelist.status_code in {200, 302}
    assert snapshot(release) == before


@pytest.mark.parametrize(
    ("when", "why"),
    [
        ("2027-03-14T02:30", "does not exist"),  # clocks jump from 02:00 to 03:00
        ("2026-11-01T01:30", "ambiguous"),  # 01:00–02:00 happens twice
    ],
)
def test_daylight_saving_gaps_and_overlaps_are_refused(client, make_release, people, when, why):
    release = make_release("DST", status="draft", publish_at=None)
    client.force_login(people[PUBLISHER])
    before = snapshot(release)
    with time_machine.travel(datetime.datetime(2026, 10, 1, tzinfo=OFFICE_TZ), tick=False):
        response = client.post(
            f"/admin/articles/release/{release.pk}/workflow/",
            {"step": "schedule", "when": when, "version": release.lock_version},
            follow=True,
        )
    assert "may be ambiguous or it may not exist" in response.text, why
    assert snapshot(release) == before


def test_schedule_needs_a_future_time_and_publishing_needs_a_later_expiry(make_release, people):
    publisher = people[PUBLISHER]
    with time_machine.travel(NOW, tick=False):
        release = make_release(status="draft", publish_at=None)
        with pytest.raises(WorkflowError, match="in the future"):
            take_step(cleared(release), "schedule", publisher, when=NOW - HOUR)
        expired = make_release(publish_at=NOW - 3 * HOUR, expire_at=NOW - HOUR)
        with pytest.raises(WorkflowError, match="expiry time"):
            take_step(cleared(expired), "publish", publisher)
        scheduled = make_release(publish_at=NOW + HOUR, expire_at=NOW + 2 * HOUR)
        with pytest.raises(WorkflowError, match="expiry time is not after"):
            take_step(cleared(scheduled), "schedule", publisher, when=NOW + 3 * HOUR)


def test_release_numbers_are_sequential_per_year_and_never_change(make_release, people):
    publisher = people[PUBLISHER]
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=OFFICE_TZ), tick=False):
        first = make_release(kind="press-release", status="draft", publish_at=None)
        second = make_release(kind="press-release", status="draft", publish_at=None)
        statement = make_release(kind="statement", status="draft", publish_at=None)
        next_year = make_release(kind="press-release", status="draft", publish_at=None)
        take_step(cleared(first), "publish", publisher)
        take_step(cleared(second), "publish", publisher)
        take_step(cleared(statement), "publish", publisher)
        # 23:30 on New Year's Eve in Washington is already 2027 in UTC: the office's year counts.
        take_step(
            cleared(next_year),
            "schedule",
            publisher,
            when=datetime.datetime(2027, 1, 2, 9, tzinfo=OFFICE_TZ),
        )
        take_step(first, "withdraw", publisher)
        take_step(cleared(first), "publish", publisher)  # republished: keeps its number
    numbers = {r.pk: r.release_number for r in Release.objects.all()}
    assert numbers == {
        first.pk: "No. 1-26",
        second.pk: "No. 2-26",
        statement.pk: "",
        next_year.pk: "No. 1-27",
    }


def test_publish_due_runs_going_live_steps_once_and_never_revives_expired(make_release, people):
    received = []

    def receiver(sender, release, **kwargs):
        received.append(release.pk)

    release_went_live.connect(receiver)
    try:
        with time_machine.travel(NOW, tick=False):
            scheduled = take_step(
                cleared(make_release(kind="press-release", status="draft", publish_at=None)),
                "schedule",
                people[PUBLISHER],
                when=NOW + HOUR,
            )
            expired = make_release(publish_at=NOW - 3 * HOUR, expire_at=NOW - HOUR)
            assert publish_due() == []
        # The site was down for a day: publish_due catches up when it comes back.
        with time_machine.travel(NOW + 25 * HOUR, tick=False):
            out = StringIO()
            call_command("publish_due", stdout=out)
            assert "1 release(s) went live." in out.getvalue()
            call_command("publish_due", stdout=StringIO())
            assert publish_due() == []
    finally:
        release_went_live.disconnect(receiver)
    scheduled.refresh_from_db()
    assert scheduled.went_live_at == NOW + 25 * HOUR
    assert scheduled.audit_entries.filter(action="Went live").count() == 1
    expired.refresh_from_db()
    assert expired.went_live_at is None and expired.state == State.EXPIRED
    assert not expired.audit_entries.exists()


def test_withdrawn_release_is_a_404_like_one_that_never_existed(client, make_release, people):
    # Documented choice: 404, not 410 — a 410 would confirm the release once existed.
    release = make_release("To withdraw")
    url = release.get_absolute_url()
    assert client.get(url).status_code == 200
    take_step(release, "withdraw", people[PUBLISHER], note="Superseded")
    assert client.get(url).status_code == 404


def test_audit_entries_are_append_only(make_release, people):
    release = take_step(make_release(status="draft", publish_at=None), "submit", people[WRITER])
    entry = release.audit_entries.get()
    entry.note = "rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_corrections_show_on_the_page_and_in_feeds_and_move_updated(client, make_release, people):
    with time_machine.travel(NOW - 24 * HOUR, tick=False):
        release = make_release("Corrected", publish_at=NOW - 25 * HOUR)
    before = release.last_modified
    with pytest.raises(WorkflowError):
        add_correction(release, people[WRITER], "Writers cannot.")
    with time_machine.travel(NOW, tick=False):
        add_correction(release, people[PUBLISHER], "An earlier version misstated the date.")
    release.refresh_from_db()
    assert release.last_modified == NOW > before
    page = client.get(release.get_absolute_url()).text
    assert "An earlier version misstated the date." in page
    assert "Correction, <time" in page
    feed = client.get("/news/feed/").content.decode()
    assert "An earlier version misstated the date." in feed
    assert release.audit_entries.filter(action="Correction added").exists()
    draft = make_release(status="draft", publish_at=None)
    with pytest.raises(WorkflowError, match="published"):
        add_correction(draft, people[PUBLISHER], "x")
    assert Correction.objects.count() == 1


def test_roles_command_is_idempotent():
    call_command("setup_roles", stdout=StringIO())
    call_command("setup_roles", stdout=StringIO())
    publisher = Group.objects.get(name=PUBLISHER)
    writer = Group.objects.get(name=WRITER)
    assert publisher.permissions.filter(codename="publish_release").exists()
    assert not writer.permissions.filter(codename="publish_release").exists()
    assert not writer.permissions.filter(codename="delete_release").exists()
    assert Group.objects.filter(name__in=[WRITER, PUBLISHER, ADMINISTRATOR]).count() == 3


def test_writers_cannot_change_the_text_of_a_cleared_release(client, make_release, people):
    live = make_release("Cleared and live", body="<p>Approved words.</p>")
    client.force_login(people[WRITER])
    page = client.get(f"/admin/articles/release/{live.pk}/change/")
    assert page.status_code == 200 and 'name="title"' not in page.text  # view only
    before = snapshot(live)
    response = client.post(
        f"/admin/articles/release/{live.pk}/change/",
        {"title": "Unreviewed words", "loaded_version": live.lock_version},
    )
    assert response.status_code == 403
    assert snapshot(live) == before
    client.force_login(people[PUBLISHER])
    assert 'name="title"' in client.get(f"/admin/articles/release/{live.pk}/change/").text


def _who_may_do_what(make_release, people):
    """{(role, state): step names} for every role in every state."""
    table = {}
    for state, fields in STATE_FIELDS.items():
        release = make_release(kind="statement", **fields)
        for role, user in people.items():
            table[role, state] = sorted(step.name for step in available_steps(release, user))
    return table


def test_renaming_a_state_label_changes_what_people_read_never_what_they_may_do(
    make_release, people, monkeypatch
):
    with time_machine.travel(NOW, tick=False):
        before = _who_may_do_what(make_release, people)
        monkeypatch.setattr(State.IN_REVIEW, "_label_", "Awaiting clearance")
        monkeypatch.setattr(Status.IN_REVIEW, "_label_", "Awaiting clearance")
        assert _who_may_do_what(make_release, people) == before
        assert before[WRITER, State.IN_REVIEW] == ["return_to_draft"]

        release = make_release(kind="statement", status="draft", publish_at=None)
        take_step(release, "submit", people[WRITER])
        release.refresh_from_db()
        assert release.state == State.IN_REVIEW
        assert release.state_label == "Awaiting clearance"
        entry = release.audit_entries.get()
        assert (entry.from_state, entry.to_state) == ("draft", "review")
        assert entry.to_state_label == "Awaiting clearance"
        take_step(release, "return_to_draft", people[WRITER])
        assert Release.objects.get(pk=release.pk).state == State.DRAFT


def test_a_correction_never_saves_over_a_concurrent_edit(make_release, people):
    """First security review, finding 2: publishing is bound to the text that was reviewed; a
    correction re-reads the release under a lock instead of saving the copy it was given."""
    release = make_release("Original headline")
    stale_copy = type(release).objects.get(pk=release.pk)
    type(release).objects.filter(pk=release.pk).update(title="Edited meanwhile")
    add_correction(stale_copy, people[PUBLISHER], "A date was wrong.")
    release.refresh_from_db()
    assert release.title == "Edited meanwhile"
    assert release.corrections.count() == 1


def test_a_release_withdrawn_between_listing_and_claim_does_not_go_live(
    make_release, people, monkeypatch
):
    """First security review, finding 7: publish_due claims only what is still live."""
    with time_machine.travel(NOW, tick=False):
        release = make_release(publish_at=NOW - HOUR)
        listed = workflow._due_ids

        def list_then_withdraw(now):
            ids = listed(now)
            take_step(release, "withdraw", people[PUBLISHER])
            return ids

        monkeypatch.setattr(workflow, "_due_ids", list_then_withdraw)
        sent = []
        release_went_live.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="t7")
        try:
            assert publish_due() == []
        finally:
            release_went_live.disconnect(dispatch_uid="t7")
    release.refresh_from_db()
    assert release.went_live_at is None
    assert not release.audit_entries.filter(action="Went live").exists()
    assert sent == []


@pytest.mark.parametrize("hidden", ["draft", "review", "withdrawn", "deleted"])
def test_a_live_release_never_carries_a_suffix_because_of_a_hidden_one(
    client, make_release, people, hidden
):
    """First security review, finding 9: a live release's slug hinted at a hidden one."""
    make_release("Harbor dredging begins", status=hidden, slug="")
    release = make_release("Harbor dredging begins", status="draft", publish_at=None, slug="")
    assert re.fullmatch(r"harbor-dredging-begins-[0-9a-f]{6}", release.slug), "no counter"
    take_step(cleared(release), "publish", people[PUBLISHER])
    release.refresh_from_db()
    assert release.slug == "harbor-dredging-begins"
    assert client.get(release.get_absolute_url()).status_code == 200
    other = Release.objects.exclude(pk=release.pk).get()
    assert other.slug.startswith("harbor-dredging-begins-")


def test_a_live_holder_keeps_its_slug(make_release, people):
    """First security review, finding 9: a live release's slug hinted at a hidden one; the
    slug of one that is live already stays its own."""
    live = make_release("Harbor dredging begins", slug="")
    release = make_release("Harbor dredging begins", status="draft", publish_at=None, slug="")
    take_step(cleared(release), "publish", people[PUBLISHER])
    release.refresh_from_db()
    live.refresh_from_db()
    assert live.slug == "harbor-dredging-begins"
    assert re.fullmatch(r"harbor-dredging-begins-[0-9a-f]{6}", release.slug)
