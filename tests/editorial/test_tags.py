"""Tags that do not multiply (editorial/tags.py, editorial/admin/tags.py): spellings that differ
only in case or accents are one tag, merging moves every release in one go, and renaming keeps
a topic's address."""

import pytest
from taggit.models import Tag

from tests.editorial.release_form import change_url, form_data

pytestmark = pytest.mark.django_db


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
