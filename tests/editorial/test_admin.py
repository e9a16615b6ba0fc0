"""The editors' admin: writing releases, and finding them again in the change list."""

import datetime

import pytest
import time_machine

from articles.models import Office, Release, SocialLink
from articles.states import State
from tests.support import NOW, OFFICE_TZ

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/release/add/"
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
        "tags": "Grants, Coastal Resilience",
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


def test_change_list_shows_state_in_words_and_office_time(editor_client, make_release):
    with time_machine.travel(NOW, tick=False):
        make_release("Is live", tags=["Budget"], publish_at=NOW - datetime.timedelta(days=1))
        make_release(
            "Is scheduled", publish_at=datetime.datetime(2026, 11, 26, 14, tzinfo=datetime.UTC)
        )
        make_release("Is draft", status="draft", publish_at=None)
        make_release("Is withdrawn", status="withdrawn")
        make_release("Is expired", publish_at=NOW - datetime.timedelta(days=2),
                     expire_at=NOW - datetime.timedelta(days=1))  # fmt: skip
        page = editor_client.get(LIST_URL).text
    for label in [
        "Live",
        "Scheduled — Thu 26 Nov 2026, 09:00 EST",
        "Draft",
        "Withdrawn",
        "Expired",
    ]:
        assert f">{label}<" in page, label
    assert "Publish time (America/New_York)" in page
    assert "Tue 24 Nov 2026, 12:00 EST" in page
    assert "Budget" in page and "Office of Public Affairs" in page


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
