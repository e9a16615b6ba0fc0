"""Publishing at a past time: how an archive's releases (imported, or the demo's) enter the
record through the workflow, and why the admin's buttons can never do it."""

import datetime

import pytest
import time_machine

from articles.editorial.workflow import publish_due, take_step
from articles.errors import WorkflowError
from articles.models import Release
from articles.roles import PUBLISHER, WRITER
from articles.signals import release_went_live
from articles.states import State
from tests.support import NOW, cleared, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def went_live():
    heard = []

    def receiver(sender, release, **kwargs):
        heard.append(release.pk)

    release_went_live.connect(receiver)
    yield heard
    release_went_live.disconnect(receiver)


def test_a_past_publication_is_numbered_in_its_year_and_sends_no_alert(
    make_release, people, went_live, django_capture_on_commit_callbacks
):
    """Last year's release imported today: "No. 1-25", live since its day, and no alert."""
    last_year = local(2025, 6, 3, 10)
    with time_machine.travel(NOW, tick=False):
        release = make_release(kind="press-release", status="review", publish_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            take_step(release, "publish", people[PUBLISHER], published_at=last_year)
        assert publish_due() == []
    release.refresh_from_db()
    assert (release.state, release.publish_at) == (State.LIVE, last_year)
    assert release.release_number == "No. 1-25" and release.went_live_at == last_year
    assert went_live == [], "old news goes out to no subscriber"
    entry = release.audit_entries.get()
    assert (entry.action, entry.user, entry.from_state) == (
        "Publish now", people[PUBLISHER], State.IN_REVIEW,
    )  # fmt: skip
    assert entry.note.startswith("Published Tue 3 Jun 2025, 10:00 EDT, recorded afterwards.")


@pytest.mark.parametrize(
    ("step", "published_at", "who", "error"),
    [
        ("publish", NOW + datetime.timedelta(minutes=1), PUBLISHER, "cannot be in the future"),
        ("submit", NOW - datetime.timedelta(days=1), WRITER, "Only publishing"),
        ("publish", NOW - datetime.timedelta(days=1), WRITER, "permission"),
    ],
)
def test_a_past_publication_time_is_for_publishing_by_a_publisher_only(
    make_release, people, step, published_at, who, error
):
    with time_machine.travel(NOW, tick=False):
        release = make_release(status="draft", publish_at=None)
        with pytest.raises(WorkflowError, match=error):
            take_step(release, step, people[who], published_at=published_at)
    release.refresh_from_db()
    assert release.state == State.DRAFT and not release.audit_entries.exists()


def test_the_admins_publish_button_publishes_now_whatever_time_is_posted(
    client, make_release, people
):
    release = cleared(make_release(status="review", publish_at=None))
    client.force_login(people[PUBLISHER])
    with time_machine.travel(NOW, tick=False):
        client.post(
            f"/admin/articles/release/{release.pk}/workflow/",
            {"step": "publish", "when": "2025-06-03T10:00", "version": release.lock_version},
        )
    release.refresh_from_db()
    assert release.state == State.LIVE and release.publish_at == NOW
    assert Release.objects.get(pk=release.pk).went_live_at == NOW
