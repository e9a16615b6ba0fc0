"""Revisions in the admin (editorial/admin/revisions.py): every save keeps one, an old one opens
as a comparison and is restored as a new revision, never onto a release's place in the
workflow; reversion's own recovery of old revisions is closed."""

import pytest
from django.utils import timezone
from reversion.models import Version

from articles.editorial.workflow import take_step
from articles.models import Release
from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from articles.states import State
from tests.editorial.release_form import change_url, form_data
from tests.support import cleared

pytestmark = pytest.mark.django_db


def saved_in_admin(client, user, release, **changes):
    """Save `release` through its change page as `user`; returns the revision it made."""
    client.force_login(user)
    response = client.post(change_url(release), form_data(client, release, **changes))
    assert response.status_code == 302
    release.refresh_from_db()
    return Version.objects.get_for_object(release).first()


def test_every_admin_save_keeps_a_revision_and_restoring_adds_one(client, make_release, publisher):
    release = make_release("First headline", status="draft", publish_at=None,
                           body="<p>The original paragraph about harbors.</p>")  # fmt: skip
    client.force_login(publisher)
    client.post(change_url(release), form_data(client, release, title="Second headline"))
    release.refresh_from_db()
    client.post(
        change_url(release),
        form_data(client, release, body="<p>The rewritten paragraph about ports.</p>"),
    )
    versions = Version.objects.get_for_object(release)
    assert versions.count() == 2
    oldest = versions.last()

    compare = client.get(f"/admin/articles/release/{release.pk}/history/{oldest.pk}/")
    assert compare.status_code == 200
    text = compare.text
    assert "<del>harbors.</del>" in text or "<del>original paragraph about harbors.</del>" in text
    assert "<ins>" in text and "ports." in text

    history = client.get(f"/admin/articles/release/{release.pk}/history/")
    assert history.status_code == 200

    client.post(f"/admin/articles/release/{release.pk}/history/{oldest.pk}/")
    release.refresh_from_db()
    assert release.title == "Second headline"  # the oldest revision already had it
    assert "original paragraph about harbors" in release.body
    assert release.state == State.DRAFT, "restoring text never changes the workflow state"
    assert Version.objects.get_for_object(release).count() == 3, "history is kept"


def test_writers_cannot_restore_text_onto_a_cleared_release(
    client, make_release, publisher, writer
):
    release = make_release("Live text", body="<p>Approved.</p>")
    client.force_login(publisher)
    client.post(change_url(release), form_data(client, release, summary="Approved summary."))
    version = Version.objects.get_for_object(release).first()
    client.force_login(writer)
    assert (
        client.get(f"/admin/articles/release/{release.pk}/history/{version.pk}/").status_code == 200
    )
    before = Release.objects.get(pk=release.pk).lock_version
    assert (
        client.post(f"/admin/articles/release/{release.pk}/history/{version.pk}/").status_code
        == 403
    )
    assert Release.objects.get(pk=release.pk).lock_version == before


@pytest.mark.parametrize(("role", "then"), [(WRITER, "publish"), (PUBLISHER, "withdraw")])
def test_the_recover_view_never_rolls_back_an_existing_release(
    client, make_release, people, role, then
):
    """First security review, finding 1: reversion's recover view rolled any release back to
    any old revision (its state, publish time and number with it)."""
    release = make_release("Press release", kind="press-release", status="draft", publish_at=None)
    first_draft = saved_in_admin(client, people[PUBLISHER], release, summary="First draft.")
    take_step(cleared(release), "publish", people[PUBLISHER])
    if then == "withdraw":
        take_step(release, "withdraw", people[PUBLISHER])
    release.refresh_from_db()
    before = (release.status, release.publish_at, release.release_number, release.lock_version)
    assert release.release_number == f"No. 1-{timezone.localdate().year % 100:02d}"

    client.force_login(people[role])
    response = client.post(f"/admin/articles/release/recover/{first_draft.pk}/", {})
    assert response.status_code == 403
    assert client.get("/admin/articles/release/recover/").status_code == 403
    release.refresh_from_db()
    assert (release.status, release.publish_at, release.release_number, release.lock_version) == (
        before
    )


def test_even_an_administrator_cannot_recover_a_revision_over_a_release(
    client, make_release, people
):
    """First security review, finding 1: reversion's recover view rolled any release back to
    any old revision; an Administrator is sent to the deleted releases instead."""
    release = make_release("Live release", kind="press-release")
    version = saved_in_admin(client, people[ADMINISTRATOR], release, summary="Edited.")
    take_step(release, "withdraw", people[ADMINISTRATOR])
    before = Release.objects.values().get(pk=release.pk)
    response = client.post(f"/admin/articles/release/recover/{version.pk}/", {})
    assert response.status_code == 302 and "state=deleted" in response["Location"]
    assert Release.objects.values().get(pk=release.pk) == before


def test_a_writer_restoring_a_revision_never_sets_publisher_only_fields(
    client, make_release, people
):
    """First security review, finding 1: reversion's recover view rolled any release back to
    any old revision; restoring one as a Writer brings back its text, never featured or
    expiry."""
    release = make_release("Draft headline", status="draft", publish_at=None)
    featured = saved_in_admin(client, people[PUBLISHER], release, featured="on",
                              expire_at_0="2030-01-01", expire_at_1="09:00")  # fmt: skip
    saved_in_admin(client, people[PUBLISHER], release, title="Newer headline")
    assert featured.field_dict["featured"] and featured.field_dict["expire_at"]
    type(release).objects.filter(pk=release.pk).update(featured=False, expire_at=None)

    client.force_login(people[WRITER])
    client.post(f"/admin/articles/release/{release.pk}/history/{featured.pk}/")
    release.refresh_from_db()
    assert release.title == "Draft headline", "the text is restored"
    assert not release.featured and release.expire_at is None
    assert release.audit_entries.filter(action="Revision restored").count() == 1
