"""Regression tests for the first security review, one or more per finding; each failed on
the code the review attacked."""

import datetime
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import time_machine
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.db.models import ProtectedError
from django.utils import timezone
from reversion.models import Version

from articles.editorial import workflow
from articles.editorial.previews import create_preview_link
from articles.editorial.workflow import publish_due, take_step
from articles.models import Correction, Image, Office, Release
from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from articles.states import State
from tests.editorial.test_nothing_lost import form_data
from tests.support import NOW, photo_bytes

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


# 1. Reversion's recover view rolled any release back to any old revision ------------------------


def _saved_in_admin(client, user, release, **changes):
    client.force_login(user)
    data = form_data(client, release, **changes)
    response = client.post(f"/admin/articles/release/{release.pk}/change/", data)
    assert response.status_code == 302
    release.refresh_from_db()
    return Version.objects.get_for_object(release).first()


@pytest.mark.parametrize(("role", "then"), [(WRITER, "publish"), (PUBLISHER, "withdraw")])
def test_the_recover_view_never_rolls_back_an_existing_release(
    client, make_release, people, role, then
):
    release = make_release("Press release", kind="press-release", status="draft", publish_at=None)
    first_draft = _saved_in_admin(client, people[PUBLISHER], release, summary="First draft.")
    take_step(release, "publish", people[PUBLISHER])
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
    release = make_release("Live release", kind="press-release")
    version = _saved_in_admin(client, people[ADMINISTRATOR], release, summary="Edited.")
    take_step(release, "withdraw", people[ADMINISTRATOR])
    before = Release.objects.values().get(pk=release.pk)
    response = client.post(f"/admin/articles/release/recover/{version.pk}/", {})
    assert response.status_code == 302 and "state=deleted" in response["Location"]
    assert Release.objects.values().get(pk=release.pk) == before


def test_a_writer_restoring_a_revision_never_sets_publisher_only_fields(
    client, make_release, people
):
    release = make_release("Draft headline", status="draft", publish_at=None)
    featured = _saved_in_admin(client, people[PUBLISHER], release, featured="on",
                               expire_at_0="2030-01-01", expire_at_1="09:00")  # fmt: skip
    _saved_in_admin(client, people[PUBLISHER], release, title="Newer headline")
    assert featured.field_dict["featured"] and featured.field_dict["expire_at"]
    type(release).objects.filter(pk=release.pk).update(featured=False, expire_at=None)

    client.force_login(people[WRITER])
    client.post(f"/admin/articles/release/{release.pk}/history/{featured.pk}/")
    release.refresh_from_db()
    assert release.title == "Draft headline", "the text is restored"
    assert not release.featured and release.expire_at is None
    assert release.audit_entries.filter(action="Revision restored").count() == 1


# 3. Deleting a release lost its public record ------------------------------------------------


def test_deleting_keeps_the_record_hides_the_release_and_ends_share_links(
    client, make_release, people
):
    release = make_release("To be deleted", tags=["Ports"])
    workflow.add_correction(release, people[PUBLISHER], "A date was wrong.")
    link = create_preview_link(release, people[PUBLISHER])
    address = release.get_absolute_url()
    assert client.get(address).status_code == 200

    client.force_login(people[PUBLISHER])
    assert (
        client.post(f"/admin/articles/release/{release.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.force_login(people[ADMINISTRATOR])
    client.post(f"/admin/articles/release/{release.pk}/delete/", {"post": "yes"})
    client.logout()

    release.refresh_from_db()
    assert release.state == State.DELETED
    assert client.get(address).status_code == 404
    assert client.get(link.url).status_code == 404
    assert release.corrections.count() == 1
    assert [tag.name for tag in release.tags.all()] == ["Ports"]
    actions = list(release.audit_entries.values_list("action", flat=True))
    assert actions[0] == "Delete" and "Correction added" in actions


def test_deleting_again_or_in_bulk_is_harmless(client, make_release, people):
    releases = [make_release(f"Release {n}") for n in range(3)]
    take_step(releases[0], "delete", people[ADMINISTRATOR])
    client.force_login(people[ADMINISTRATOR])
    response = client.post(f"/admin/articles/release/{releases[0].pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        "/admin/articles/release/",
        {"action": "delete_selected", "_selected_action": [r.pk for r in releases], "post": "yes"},
    )
    assert response.status_code == 302
    assert set(Release.objects.values_list("status", flat=True)) == {"deleted"}
    assert releases[0].audit_entries.filter(action="Delete").count() == 1


def test_the_record_cannot_be_erased_by_deleting_rows_or_people(make_release, people):
    release = make_release("On the record")
    workflow.add_correction(release, people[PUBLISHER], "A date was wrong.")
    with pytest.raises(ProtectedError):
        release.delete()
    with pytest.raises(ProtectedError):
        people[PUBLISHER].delete()
    assert release.audit_entries.get().user == people[PUBLISHER]


def test_the_admin_says_why_a_person_with_a_record_cannot_be_deleted(
    client, make_release, people, admin_user
):
    workflow.add_correction(make_release("On the record"), people[PUBLISHER], "Fixed.")
    client.force_login(admin_user)
    url = f"/admin/auth/user/{people[PUBLISHER].pk}/delete/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Cannot delete user" in response.text  # the page names what is protected
    assert "audit entr" in response.text or "security event" in response.text
    client.post(url, {"post": "yes"})
    assert type(people[PUBLISHER]).objects.filter(pk=people[PUBLISHER].pk).exists()


# 2. Publishing is bound to the text that was reviewed -------------------------------------------


def _change_page(client, release):
    return client.get(f"/admin/articles/release/{release.pk}/change/")


def _seen_version(page):
    return int(re.search(r'name="version" value="(\d+)"', page.text)[1])


def _writer_saves(client, people, release, title):
    client.force_login(people[WRITER])
    data = {
        "kind": release.kind, "title": title, "slug": release.slug, "summary": "",
        "dateline": release.dateline, "body": "<p>Unreviewed words.</p>", "byline": "",
        "office": release.office_id, "tags": "", "loaded_version": release.lock_version,
    }  # fmt: skip
    response = client.post(f"/admin/articles/release/{release.pk}/change/", data)
    assert response.status_code == 302, "the writer's save went through"


def test_publishing_text_changed_since_the_publisher_read_it_is_refused(
    client, make_release, people
):
    release = make_release("Reviewed headline", status="review", publish_at=None)
    client.force_login(people[PUBLISHER])
    seen = _seen_version(_change_page(client, release))
    _writer_saves(client, people, release, "Unreviewed headline")

    client.force_login(people[PUBLISHER])
    response = client.post(
        f"/admin/articles/release/{release.pk}/workflow/",
        {"step": "publish", "version": seen},
        follow=True,
    )
    assert "saved this release at" in response.text
    assert "Nothing was done" in response.text
    release.refresh_from_db()
    assert release.state == State.IN_REVIEW and release.title == "Unreviewed headline"
    assert not release.audit_entries.exists()

    # Having read the new text, the publisher can publish it.
    seen = _seen_version(_change_page(client, release))
    client.post(
        f"/admin/articles/release/{release.pk}/workflow/", {"step": "publish", "version": seen}
    )
    release.refresh_from_db()
    assert release.state == State.LIVE


def test_a_correction_on_an_out_of_date_page_is_refused(client, make_release, people):
    release = make_release("Published headline")
    client.force_login(people[PUBLISHER])
    seen = _seen_version(_change_page(client, release))
    take_step(release, "withdraw", people[PUBLISHER])
    take_step(release, "publish", people[PUBLISHER])
    response = client.post(
        f"/admin/articles/release/{release.pk}/correct/",
        {"text": "An earlier version misstated the date.", "version": seen},
        follow=True,
    )
    assert "after you opened it" in response.text
    assert not Correction.objects.exists()


def test_a_correction_never_saves_over_a_concurrent_edit(make_release, people):
    release = make_release("Original headline")
    stale_copy = type(release).objects.get(pk=release.pk)
    type(release).objects.filter(pk=release.pk).update(title="Edited meanwhile")
    workflow.add_correction(stale_copy, people[PUBLISHER], "A date was wrong.")
    release.refresh_from_db()
    assert release.title == "Edited meanwhile"
    assert release.corrections.count() == 1


# 4. One control character takes the feeds down --------------------------------------------------

WORD_BREAKS = "Shift+Enter\x0bfrom Word\x0cand a form feed"


def test_control_characters_are_stripped_from_text_on_save(make_release, people):
    release = make_release(
        f"Title {WORD_BREAKS}",
        summary=f"Summary {WORD_BREAKS}",
        body=f"<p>Body {WORD_BREAKS}</p>",
        dateline="WASH\x0bINGTON",
        byline="By\x0c Jane",
        tags=["Ports\x0b"],
    )
    release.refresh_from_db()
    for text in [release.title, release.summary, release.body, release.dateline, release.byline]:
        assert "\x0b" not in text and "\x0c" not in text
    assert "Shift+Enter from Word and a form feed" in release.title
    assert [tag.name for tag in release.tags.all()] == ["Ports"]
    correction = workflow.add_correction(release, people[PUBLISHER], "Fixed\x0b date")
    assert Correction.objects.get(pk=correction.pk).text == "Fixed date"
    office = Office.objects.create(name="Office\x0c of Ports")
    assert Office.objects.get(pk=office.pk).name == "Office of Ports"


@pytest.mark.parametrize("url", ["/news/feed/", "/news/feed/atom/", "/sitemap-news.xml"])
def test_feeds_and_sitemaps_stay_well_formed_even_if_a_control_character_got_in(
    client, make_release, url
):
    release = make_release("Clean title")
    # Written past save(), as a raw script or an old row would be.
    type(release).objects.filter(pk=release.pk).update(
        title=f"Title {WORD_BREAKS}", body=f"<p>Body {WORD_BREAKS}</p>"
    )
    response = client.get(url)
    assert response.status_code == 200
    ET.fromstring(response.content)  # well-formed XML
    if "feed" in url:
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo and parsed.entries[0].title.startswith("Title Shift+Enter")


# 5. A photo could not be taken down --------------------------------------------------------------


def test_deleting_a_photo_deletes_its_files_and_its_addresses_answer_404(
    client, people, library_image, django_capture_on_commit_callbacks, settings
):
    image = library_image()
    addresses = [image.url(width, ext) for width in image.rendition_widths()
                 for ext in ("webp", image.extension)] + image.share_urls()  # fmt: skip
    assert all(client.get(address).status_code == 200 for address in addresses)
    media = Path(settings.MEDIA_ROOT)
    assert (media / image.file.name).exists()

    client.force_login(people[PUBLISHER])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Image.objects.exists()
    client.logout()
    assert [client.get(address).status_code for address in addresses] == [404] * len(addresses)
    assert not (media / image.file.name).exists()
    assert not (media / "renditions" / image.key).exists() or not any(
        (media / "renditions" / image.key).iterdir()
    )


# 7. publish_due claims only what is still live ---------------------------------------------------


def test_a_release_withdrawn_between_listing_and_claim_does_not_go_live(
    make_release, people, monkeypatch
):
    with time_machine.travel(NOW, tick=False):
        release = make_release(publish_at=NOW - HOUR)
        listed = workflow._due_ids

        def list_then_withdraw(now):
            ids = listed(now)
            take_step(release, "withdraw", people[PUBLISHER])
            return ids

        monkeypatch.setattr(workflow, "_due_ids", list_then_withdraw)
        sent = []
        workflow.release_went_live.connect(
            lambda **kw: sent.append(kw), weak=False, dispatch_uid="t7"
        )
        try:
            assert publish_due() == []
        finally:
            workflow.release_went_live.disconnect(dispatch_uid="t7")
    release.refresh_from_db()
    assert release.went_live_at is None
    assert not release.audit_entries.filter(action="Went live").exists()
    assert sent == []


# 8. Error pages without a database ---------------------------------------------------------------


def test_an_unknown_address_is_a_404_even_with_the_database_down(client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_an_unwritable_media_folder_is_a_form_error_not_a_500(editor_client, settings, tmp_path):
    # A folder inside a plain file cannot be written, even by root (these tests may run as root).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker / "media")
    response = editor_client.post(
        "/admin/articles/image/add/",
        {"upload": _upload(), "alt_text": "Sailors on deck", "caption": "", "credit": ""},
    )
    assert response.status_code == 200
    assert "could not be stored" in response.text
    assert not Image.objects.exists()


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", photo_bytes(), content_type="image/jpeg")


# 9. A live release's slug hinted at a hidden one ------------------------------------------------


@pytest.mark.parametrize("hidden", ["draft", "review", "withdrawn", "deleted"])
def test_a_live_release_never_carries_a_suffix_because_of_a_hidden_one(
    client, make_release, people, hidden
):
    make_release("Harbor dredging begins", status=hidden, slug="")
    release = make_release("Harbor dredging begins", status="draft", publish_at=None, slug="")
    assert re.fullmatch(r"harbor-dredging-begins-[0-9a-f]{6}", release.slug), "no counter"
    take_step(release, "publish", people[PUBLISHER])
    release.refresh_from_db()
    assert release.slug == "harbor-dredging-begins"
    assert client.get(release.get_absolute_url()).status_code == 200
    other = Release.objects.exclude(pk=release.pk).get()
    assert other.slug.startswith("harbor-dredging-begins-")


def test_a_live_holder_keeps_its_slug(make_release, people):
    live = make_release("Harbor dredging begins", slug="")
    release = make_release("Harbor dredging begins", status="draft", publish_at=None, slug="")
    take_step(release, "publish", people[PUBLISHER])
    release.refresh_from_db()
    live.refresh_from_db()
    assert live.slug == "harbor-dredging-begins"
    assert re.fullmatch(r"harbor-dredging-begins-[0-9a-f]{6}", release.slug)


# 10. Photo permissions per role -------------------------------------------------------------------

PHOTO_ACTIONS = {
    # action: roles that may take it
    "view": {WRITER, PUBLISHER, ADMINISTRATOR},
    "add": {WRITER, PUBLISHER, ADMINISTRATOR},
    "change": {WRITER, PUBLISHER, ADMINISTRATOR},
    "delete": {PUBLISHER, ADMINISTRATOR},
}


@pytest.mark.parametrize("role", [WRITER, PUBLISHER, ADMINISTRATOR])
@pytest.mark.parametrize("action", PHOTO_ACTIONS)
def test_photo_permissions_per_role(client, people, library_image, role, action):
    image = library_image()
    client.force_login(people[role])
    allowed = role in PHOTO_ACTIONS[action]
    assert people[role].has_perm(f"articles.{action}_image") is allowed
    url = {
        "view": f"/admin/articles/image/{image.pk}/change/",
        "add": "/admin/articles/image/add/",
        "change": f"/admin/articles/image/{image.pk}/change/",
        "delete": f"/admin/articles/image/{image.pk}/delete/",
    }[action]
    assert (client.get(url).status_code == 200) is allowed


def test_a_writer_can_pick_a_lead_photo_through_the_autocomplete(client, people, library_image):
    library_image(alt_text="Harbor cranes at dawn")
    client.force_login(people[WRITER])
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "release", "field_name": "lead_image", "term": ""},
    )
    assert response.status_code == 200
    assert response.json()["results"]
