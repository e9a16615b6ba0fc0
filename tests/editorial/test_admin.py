"""The editors' admin (editorial/admin/releases.py and the release form, editorial/forms.py):
writing releases, never saving over a newer edit, finding them again in the change list, and
deleting them without losing their record."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from reversion.models import Version

from articles.editorial.previews import create_preview_link
from articles.editorial.workflow import add_correction, take_step
from articles.models import Office, Release, SocialLink
from articles.roles import ADMINISTRATOR, PUBLISHER
from articles.states import State
from tests.editorial.release_form import ADD_URL, change_url, form_data
from tests.subscriptions.pages import form_defaults
from tests.support import NOW, OFFICE_TZ

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/release/"


def release_form(office, **overrides):
    data = {
        "kind": "press-release",
        "title": "Secretary Announces Coastal Grants",
        "slug": "secretary-announces-coastal-grants",
        "summary": "",
        "dateline": "WASHINGTON",
        "body": "<p>The Secretary announced grants today. More follows.</p>",
        "byline": "",
        "expire_at_0": "",
        "expire_at_1": "",
        "office": office.pk,
        "tags": ["new:Grants", "new:Coastal Resilience"],  # chosen as "Create new topic"
    }
    data.update(overrides)
    return data


def test_editor_writes_a_release_in_the_admin(editor_client, editor, office):
    form = editor_client.get(ADD_URL)
    assert form.status_code == 200
    assert "America/New_York" in form.text, "the office zone is named next to the date inputs"
    assert f'<option value="{office.pk}" selected>' in form.text, "default office"

    response = editor_client.post(ADD_URL, release_form(office))
    assert response.status_code == 302, response.context and response.context["errors"]
    release = Release.objects.get()
    assert release.created_by == editor == release.updated_by
    assert release.state == State.DRAFT and release.publish_at is None
    assert release.summary == "The Secretary announced grants today."
    assert sorted(release.tags.names()) == ["Coastal Resilience", "Grants"]
    assert editor_client.get(f"/admin/articles/release/{release.pk}/change/").status_code == 200


@pytest.mark.parametrize("lead_image", ["abc", "99999999999999999999", "²", "12345"])
def test_a_lead_image_that_is_no_image_is_a_form_error_on_the_form_shown_again(
    client, writer, office, lead_image
):
    """Through the served add form, as a writer's browser would post it with one value changed."""
    client.force_login(writer)
    action, data = form_defaults(client.get(ADD_URL), 'id="release_form"')
    data.update(title="Coastal grants", body="<p>Grants today.</p>", lead_image=lead_image)
    response = client.post(action or ADD_URL, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Select a valid choice" in str(errors["lead_image"]), errors
    assert not Release.objects.exists()


def test_the_add_page_says_in_words_what_happens_after_the_first_save(editor_client, make_release):
    """The step buttons come with the first save; the Add page must not point at them."""
    add_page = editor_client.get(ADD_URL).text
    assert "Publish, schedule and withdraw with the buttons" not in add_page
    assert "saved as a draft that readers cannot see. Once it is saved, buttons" in add_page
    change_page = editor_client.get(f"/admin/articles/release/{make_release().pk}/change/").text
    assert "Publish, schedule and withdraw with the buttons at the top of the page" in change_page


def test_body_is_sanitised_on_save(editor_client, office):
    body = (
        '<h2>Heading</h2><p onclick="x()">Text <a href="javascript:alert(1)">bad</a> '
        '<a href="https://example.gov/a">good</a></p><script>alert(1)</script>'
        '<blockquote><p>Quote</p></blockquote><ul><li>One</li></ul><img src="x" onerror="y">'
    )
    editor_client.post(ADD_URL, release_form(office, body=body))
    stored = Release.objects.get().body
    assert "<script" not in stored and "onclick" not in stored and "onerror" not in stored
    assert "javascript:" not in stored and "<img" not in stored
    assert "<h2>Heading</h2>" in stored
    assert '<a href="https://example.gov/a">good</a>' in stored
    assert "<blockquote><p>Quote</p></blockquote>" in stored
    assert "<ul><li>One</li></ul>" in stored


def test_duplicate_slug_is_a_form_error_and_keeps_the_text(editor_client, make_release, office):
    make_release("Original", slug="taken")
    response = editor_client.post(
        ADD_URL, release_form(office, slug="taken", body="<p>My unsaved words.</p>")
    )
    assert response.status_code == 200
    assert "Release with this Slug already exists." in response.text
    assert "My unsaved words." in response.text
    assert Release.objects.count() == 1


def test_expiry_before_publication_is_a_form_error(editor_client, make_release, office):
    release = make_release(publish_at=datetime.datetime(2026, 11, 25, 9, tzinfo=OFFICE_TZ))
    data = release_form(
        office, slug=release.slug, expire_at_0="2026-11-24", expire_at_1="09:00",
        loaded_version=release.lock_version,
    )  # fmt: skip
    response = editor_client.post(f"/admin/articles/release/{release.pk}/change/", data)
    assert response.status_code == 200
    assert "The expiry time must be after the publish time." in response.text
    release.refresh_from_db()
    assert release.expire_at is None


def test_an_expiry_in_the_year_9999_is_a_form_error_not_a_crash(people, office):
    client = Client()
    client.force_login(people[PUBLISHER])
    action, data = form_defaults(client.get(ADD_URL), 'id="release_form"')
    data |= {"title": "Far", "slug": "far", "expire_at_0": "9999-12-31", "expire_at_1": "23:59"}
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Choose a time within the next ten years." in response.text
    assert not Release.objects.exists()


def test_expiry_time_that_does_not_exist_is_a_form_error(client, make_release, people):
    release = make_release("Expiring", publish_at=datetime.datetime(2027, 3, 1, tzinfo=OFFICE_TZ))
    client.force_login(people[PUBLISHER])
    url = f"/admin/articles/release/{release.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value() or ""
        for name in form.fields
        if name not in {"expire_at", "featured", "tags"}
    }
    data.update({"expire_at_0": "2027-03-14", "expire_at_1": "02:30"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "may be ambiguous or it may not exist" in response.text
    release.refresh_from_db()
    assert release.expire_at is None


def test_a_save_over_someone_elses_newer_edit_is_refused(make_release, writer, publisher):
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


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=live", {"Is live"}),
        ("state=scheduled", {"Is scheduled"}),
        ("state=expired", {"Is expired"}),
        ("state=draft", {"Is draft"}),
        ("state=withdrawn", {"Is withdrawn"}),
        ("kind=statement", {"Is withdrawn"}),
        ("tag=budget", {"Is live"}),
        ("q=zebra", {"Is draft"}),
        ("q=No.+7-26", {"Is scheduled"}),
        ("publish_at__year=2026&publish_at__month=11&publish_at__day=24", {"Is live"}),
    ],
)
def test_change_list_filters_and_search(editor_client, make_release, office, query, expected):
    other = Office.objects.create(name="Other Office")
    with time_machine.travel(NOW, tick=False):
        make_release("Is live", tags=["Budget"], publish_at=NOW - datetime.timedelta(days=1))
        make_release("Is scheduled", publish_at=NOW + datetime.timedelta(days=1),
                     release_number="No. 7-26")  # fmt: skip
        make_release("Is draft", status="draft", body="<p>A zebra crossing.</p>", publish_at=None)
        make_release("Is withdrawn", status="withdrawn", kind="statement", office=other,
                     publish_at=NOW - datetime.timedelta(days=3))  # fmt: skip
        make_release("Is expired", publish_at=NOW - datetime.timedelta(days=2),
                     expire_at=NOW - datetime.timedelta(days=1))  # fmt: skip
        response = editor_client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    shown = {release.title for release in response.context["cl"].result_list}
    assert shown == expected


def test_change_list_filter_by_office(editor_client, make_release, office):
    other = Office.objects.create(name="Other Office")
    make_release("Ours")
    make_release("Theirs", office=other)
    response = editor_client.get(f"{LIST_URL}?office__id__exact={other.pk}")
    assert [r.title for r in response.context["cl"].result_list] == ["Theirs"]


def test_change_list_query_count_does_not_grow_with_releases(
    editor_client, make_release, django_assert_max_num_queries
):
    for n in range(30):
        make_release(tags=[f"tag{n}", "shared"])
    with django_assert_max_num_queries(16):
        assert editor_client.get(LIST_URL).status_code == 200


def test_staff_manage_offices_and_social_links(editor_client):
    response = editor_client.post(
        "/admin/articles/office/add/",
        {
            "name": "Office of the Press Secretary",
            "parent_organisation": "Department of Examples",
            "contact_name": "Pat Doe",
            "contact_email": "pat@example.gov",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302
    response = editor_client.post(
        "/admin/articles/sociallink/add/",
        {
            "platform": "x",
            "url": "https://x.example/press",
            "label": "",
            "order": 1,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert SocialLink.objects.get().name == "X"
    assert "Follow us on <a" in editor_client.get("/news/").text


def test_only_one_default_office(editor_client, office):
    response = editor_client.post(
        "/admin/articles/office/add/", {"name": "Second", "is_default": "on"}
    )
    assert response.status_code == 200
    assert "Another office is already the default." in response.text


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


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
    assert list(client.get(LIST_URL).context["cl"].result_list) == []
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


def test_deleting_keeps_the_record_hides_the_release_and_ends_share_links(
    client, make_release, people
):
    """First security review, finding 3: deleting a release lost its public record."""
    release = make_release("To be deleted", tags=["Ports"])
    add_correction(release, people[PUBLISHER], "A date was wrong.")
    link = create_preview_link(release, people[PUBLISHER])
    address = release.get_absolute_url()
    assert client.get(address).status_code == 200

    client.force_login(people[PUBLISHER])
    delete_url = f"/admin/articles/release/{release.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.force_login(people[ADMINISTRATOR])
    client.post(delete_url, {"post": "yes"})
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
    """First security review, finding 3: deleting a release lost its public record; deleting
    one twice, or with others, records one deletion."""
    releases = [make_release(f"Release {n}") for n in range(3)]
    take_step(releases[0], "delete", people[ADMINISTRATOR])
    client.force_login(people[ADMINISTRATOR])
    response = client.post(f"/admin/articles/release/{releases[0].pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        LIST_URL,
        {"action": "delete_selected", "_selected_action": [r.pk for r in releases], "post": "yes"},
    )
    assert response.status_code == 302
    assert set(Release.objects.values_list("status", flat=True)) == {"deleted"}
    assert releases[0].audit_entries.filter(action="Delete").count() == 1
