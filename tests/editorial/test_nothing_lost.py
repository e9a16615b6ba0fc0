"""Nothing lost: revisions, restoring, recovering deleted releases, refusing lost updates,
and tags that do not multiply."""

import re

import pytest
from reversion.models import Version
from taggit.models import Tag

from articles.editorial.workflow import take_step
from articles.models import Release
from articles.states import State

pytestmark = pytest.mark.django_db


def change_url(release):
    return f"/admin/articles/release/{release.pk}/change/"


def form_data(client, release, **changes):
    """What the change form would post back: the fields as loaded, with `changes` applied."""
    response = client.get(change_url(release))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "tags":
            value = ", ".join(t.name for t in release.tags.all())
        if value is None:
            value = ""
        if name == "featured":
            if value:
                data[name] = "on"
            continue
        if name == "expire_at":
            data["expire_at_0"], data["expire_at_1"] = "", ""
            continue
        data[name] = value
    data.update(changes)
    return data


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


def test_deleted_release_can_be_recovered(client, make_release, publisher, admin_user):
    release = make_release("Deleted by mistake", status="draft", publish_at=None, tags=["Ports"])
    client.force_login(admin_user)
    client.post(change_url(release), form_data(client, release, summary="Saved once."))
    guid = release.guid
    confirm = client.get(f"/admin/articles/release/{release.pk}/delete/")
    assert "Are you sure" in confirm.text
    client.post(f"/admin/articles/release/{release.pk}/delete/", {"post": "yes"})
    release.refresh_from_db()
    assert release.state == State.DELETED
    assert list(client.get("/admin/articles/release/").context["cl"].result_list) == []
    deleted_list = client.get("/admin/articles/release/recover/", follow=True)
    assert list(deleted_list.context["cl"].result_list) == [release]
    page = client.get(change_url(release))
    assert "Recover as a draft" in page.text
    client.post(
        f"/admin/articles/release/{release.pk}/workflow/",
        {"step": "recover", "version": release.lock_version},
    )
    recovered = Release.objects.get()
    assert recovered.title == "Deleted by mistake" and recovered.summary == "Saved once."
    assert recovered.guid == guid and recovered.state == State.DRAFT
    assert [tag.name for tag in recovered.tags.all()] == ["Ports"]
    assert list(recovered.audit_entries.values_list("action", flat=True)) == [
        "Recover as a draft",
        "Delete",
    ]
    assert Version.objects.get_for_object(recovered).count() >= 2, "history is kept"


def test_a_save_over_someone_elses_newer_edit_is_refused(client, make_release, writer, publisher):
    from django.test import Client

    release = make_release("Shared headline", status="draft", publish_at=None)
    first, second = Client(), Client()
    first.force_login(publisher)
    second.force_login(writer)
    # Both open the release.
    first_data = form_data(first, release)
    second_data = form_data(second, release)
    # The publisher saves first.
    first_data["title"] = "Publisher's headline"
    assert first.post(change_url(release), first_data).status_code == 302
    # The writer saves on the copy they opened earlier.
    second_data["body"] = "<p>The writer's new paragraph, not to be lost.</p>"
    response = second.post(change_url(release), second_data)
    assert response.status_code == 200
    assert re.search(r"publisher saved this release at .+, after you opened it", response.text)
    assert "The writer&#x27;s new paragraph, not to be lost." in response.text or (
        "The writer's new paragraph, not to be lost." in response.text
    )
    release.refresh_from_db()
    assert release.title == "Publisher's headline", "their version is untouched"
    assert "writer's new paragraph" not in release.body
    # Reloading and saving again works: neither edit is lost.
    retry = form_data(second, release, body="<p>The writer's new paragraph, not to be lost.</p>")
    assert second.post(change_url(release), retry).status_code == 302
    release.refresh_from_db()
    assert release.title == "Publisher's headline" and "writer's new paragraph" in release.body


def test_a_workflow_step_in_between_also_counts_as_a_newer_edit(client, make_release, publisher):
    release = make_release("Stepped", status="draft", publish_at=None)
    client.force_login(publisher)
    stale = form_data(client, release, title="Edited on a stale copy")
    take_step(release, "submit", publisher)
    assert client.post(change_url(release), stale).status_code == 200
    release.refresh_from_db()
    assert release.title == "Stepped" and release.state == State.IN_REVIEW


def test_tags_differing_in_case_or_accents_are_one_tag(client, make_release, publisher, office):
    client.force_login(publisher)
    release = make_release("Tagged", status="draft", publish_at=None, tags=["Defense"])
    client.post(
        change_url(release), form_data(client, release, tags="défense, DEFENSE, Trade, trade")
    )
    release.refresh_from_db()
    assert sorted(release.tags.names()) == ["Defense", "Trade"]
    assert Tag.objects.count() == 2


def test_merging_tags_moves_every_release_in_one_go(client, make_release, publisher):
    a = make_release("A", tags=["Harbours", "Ports"])
    b = make_release("B", tags=["Harbors"])
    c = make_release("C", tags=["Ports"])
    keep = Tag.objects.get(name="Ports")
    client.force_login(publisher)
    selected = list(
        Tag.objects.filter(name__in=["Harbours", "Harbors", "Ports"]).values_list("pk", flat=True)
    )
    page = client.post("/admin/taggit/tag/", {"action": "merge_into", "_selected_action": selected})
    assert page.status_code == 200 and "Keep this tag" in page.text
    done = client.post(
        "/admin/taggit/tag/",
        {"action": "merge_into", "_selected_action": selected, "target": keep.pk},
        follow=True,
    )
    assert "Merged 2 tag(s) into “Ports”." in done.text
    assert list(Tag.objects.values_list("name", flat=True)) == ["Ports"]
    for release in (a, b, c):
        assert list(release.tags.names()) == ["Ports"]


def test_renaming_a_tag_keeps_its_address(client, make_release, publisher):
    make_release("Renamed tag", tags=["Harbours"])
    tag = Tag.objects.get()
    client.force_login(publisher)
    client.post(f"/admin/taggit/tag/{tag.pk}/change/", {"name": "Harbors", "slug": tag.slug})
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Harbors", "harbours")
    assert "Topic: Harbors" in client.get("/news/tags/harbours/").text


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
