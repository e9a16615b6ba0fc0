"""Topics that do not multiply (editorial/tags.py, editorial/forms.py, editorial/admin/tags.py):
spellings that differ only in case or accents are one topic; the release form suggests topics
with their use counts and makes a new one only on purpose (choosing "Create new topic", or
ticking its box), warning of a near-duplicate; publishers find topics used once or by nothing
live, merge them or retire them; a topic's description reaches its page and the readers' form."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.models import Release, TopicDescription
from articles.roles import ADMINISTRATOR, REVIEWER
from tests.editorial.release_form import change_url, form_data
from tests.subscriptions.pages import form_defaults

pytestmark = pytest.mark.django_db

SUGGEST = "/admin/taggit/tag/suggest/"
FOR_RELEASES = {"app_label": "articles", "model_name": "release", "field_name": "tags"}


@pytest.fixture
def hurricanes(make_release):
    """Three releases on "Hurricanes", one of them on "Floods" as well."""
    for n in range(3):
        make_release(f"Storm {n}", tags=["Hurricanes", "Floods"] if n == 0 else ["Hurricanes"])
    return Tag.objects.get(name="Hurricanes")


@pytest.fixture
def draft(make_release):
    return make_release("Coastal warning", status="draft", publish_at=None)


def post(client, release, **changes):
    return client.post(change_url(release), form_data(client, release, **changes))


def names(release):
    return sorted(release.tags.names())


# The release form -------------------------------------------------------------------------------


def test_tags_differing_in_case_or_accents_are_one_tag(client, make_release, publisher):
    client.force_login(publisher)
    release = make_release("Tagged", status="draft", publish_at=None, tags=["Defense"])
    response = post(
        client, release, new_tags="défense, DEFENSE, Trade, trade", confirm_new_tags="new:Trade"
    )
    assert response.status_code == 302
    assert names(release) == ["Defense", "Trade"]
    assert Tag.objects.count() == 2


def test_a_release_saved_with_its_defaults_keeps_its_topics(client, writer, draft, hurricanes):
    draft.tags.set(["Hurricanes", "Floods"])
    client.force_login(writer)
    action, data = form_defaults(client.get(change_url(draft)), 'id="release_form"')
    assert sorted(data["tags"]) == sorted(str(tag.pk) for tag in draft.tags.all())
    assert client.post(change_url(draft), data).status_code == 302
    assert names(draft) == ["Floods", "Hurricanes"]


def test_a_typed_new_topic_waits_for_its_box_on_the_served_form(client, writer, draft, hurricanes):
    """The path without JavaScript, through the served form: type, get asked, tick, saved."""
    client.force_login(writer)
    _, data = form_defaults(client.get(change_url(draft)), 'id="release_form"')
    data["new_tags"] = "Hurricanes, Storm surge"
    asked = client.post(change_url(draft), data)
    assert asked.status_code == 200
    assert "“Storm surge” is not a topic yet. Tick a box under “Confirm new topics”." in asked.text
    assert not Tag.objects.filter(name="Storm surge").exists() and names(draft) == []

    _, data = form_defaults(asked, 'id="release_form"')  # the box is there, not ticked
    assert data["new_tags"] == "Hurricanes, Storm surge" and "confirm_new_tags" not in data
    assert 'value="new:Storm surge"' in asked.text
    data["confirm_new_tags"] = "new:Storm surge"
    assert client.post(change_url(draft), data).status_code == 302
    assert names(draft) == ["Hurricanes", "Storm surge"]


def test_a_near_duplicate_is_named_and_the_existing_topic_offered(
    client, writer, draft, hurricanes
):
    client.force_login(writer)
    asked = post(client, draft, new_tags="hurricane")
    assert asked.status_code == 200
    assert "“hurricane” is not a topic yet. A similar topic exists: “Hurricanes”." in asked.text
    assert "No, use “Hurricanes” (3 releases) instead of “hurricane”" in asked.text

    response = post(client, draft, new_tags="hurricane", confirm_new_tags=str(hurricanes.pk))
    assert response.status_code == 302
    assert names(draft) == ["Hurricanes"] and not Tag.objects.filter(slug="hurricane").exists()


def test_a_near_duplicate_may_still_be_created_on_purpose(client, writer, draft, hurricanes):
    client.force_login(writer)
    response = post(client, draft, new_tags="hurricane", confirm_new_tags="new:hurricane")
    assert response.status_code == 302
    assert names(draft) == ["hurricane"]


def test_a_box_ticked_for_one_name_confirms_no_other(client, writer, draft):
    client.force_login(writer)
    response = post(client, draft, new_tags="Wildfires", confirm_new_tags="new:Floods")
    assert response.status_code == 200 and "“Wildfires” is not a topic yet." in response.text
    assert names(draft) == [] and Tag.objects.count() == 0


def test_choosing_create_new_topic_is_the_confirmation(client, writer, draft, hurricanes):
    client.force_login(writer)
    response = post(client, draft, tags=[str(hurricanes.pk), "new:Storm surge"])
    assert response.status_code == 302
    assert names(draft) == ["Hurricanes", "Storm surge"]


def test_a_name_typed_and_chosen_as_create_new_topic_needs_no_box(client, writer, draft):
    client.force_login(writer)
    response = post(client, draft, tags=["new:Storm surge"], new_tags="Storm surge")
    assert response.status_code == 302
    assert names(draft) == ["Storm surge"]


def test_asking_about_new_topics_costs_the_same_for_two_names_or_thirty(
    client, writer, draft, hurricanes
):
    client.force_login(writer)

    def queries(count):
        data = form_data(client, draft, new_tags=", ".join(f"Topic {n}" for n in range(count)))
        with CaptureQueriesContext(connection) as captured:
            assert client.post(change_url(draft), data).status_code == 200  # asks to confirm
        return len(captured)

    assert queries(2) == queries(30)


def test_the_form_shown_again_keeps_the_topics_being_made(client, writer, draft):
    """Nothing is lost: a form shown again for another reason still holds the new topics."""
    client.force_login(writer)
    response = post(client, draft, tags=["new:Storm surge"], title="")
    assert response.status_code == 200
    assert '<option value="new:Storm surge" selected>Storm surge (new)</option>' in response.text
    assert not Tag.objects.exists()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"tags": ["new:" + "x" * 101]}, "is too long for a topic: 100 characters at most."),
        ({"tags": ["new:!!!"]}, "“!!!” needs a letter or a digit to be a topic."),
        ({"tags": ["new:a, b"]}, "a topic&#x27;s name cannot hold a comma"),
        ({"new_tags": "x" * 101}, "is too long for a topic: 100 characters at most."),
        ({"tags": ["999999"]}, "A topic chosen here was merged or retired after the page was"),
        ({"tags": ["not-a-pk"]}, "Choose topics from the list."),
        ({"tags": ["²"]}, "Choose topics from the list."),  # a digit, but no number
        ({"tags": ["99999999999999999999"]}, "Choose topics from the list."),  # past 64 bits
    ],
)
def test_bad_topics_are_form_errors(client, writer, draft, changes, error):
    client.force_login(writer)
    response = post(client, draft, **changes)
    assert response.status_code == 200
    assert error in response.text
    assert Tag.objects.count() == 0


def test_a_page_that_only_shows_a_release_shows_its_topics_and_no_inputs(
    client, writer, make_release
):
    live = make_release("Cleared", tags=["Ports"])  # a writer may read it, not change it
    client.force_login(writer)
    page = client.get(change_url(live)).text
    assert '<div class="readonly">Ports</div>' in page
    assert "New topics" not in page and "Confirm new topics" not in page
    assert "Loaded version" not in page


# Suggestions ------------------------------------------------------------------------------------


def suggest(client, term, **params):
    response = client.get(SUGGEST, {"term": term, **FOR_RELEASES, **params})
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)["results"]


def test_suggestions_show_use_counts_most_used_first_then_offer_to_create(
    client, writer, hurricanes, make_release, django_assert_max_num_queries
):
    make_release("Storm surge", tags=["Hurricane hunters"])
    client.force_login(writer)
    # signing in (the session, the user, "sign out everywhere", two for permissions), then the
    # page's count and rows, and whether the typed name is new: the same for any number of topics
    with django_assert_max_num_queries(8):
        results = suggest(client, "hurr")
    assert results == [
        {"id": str(hurricanes.pk), "text": "Hurricanes (3)", "name": "Hurricanes"},
        {"id": str(Tag.objects.get(name="Hurricane hunters").pk), "text": "Hurricane hunters (1)",
         "name": "Hurricane hunters"},
        {"id": "new:hurr", "text": "Create new topic “hurr”", "name": "hurr (new)"},
    ]  # fmt: skip


def test_suggestions_find_near_duplicates_and_offer_no_second_spelling(
    client, writer, make_release
):
    make_release("Storm", tags=["Hurricane"])
    client.force_login(writer)
    assert [r["text"] for r in suggest(client, "hurricanes")] == [
        "Hurricane (1)",
        "Create new topic “hurricanes”",
    ]
    assert [r["text"] for r in suggest(client, "HURRICANE")] == ["Hurricane (1)"]
    assert [r["text"] for r in suggest(client, "hurricane, floods")] == []  # no comma in a name
    assert [r["text"] for r in suggest(client, "hurri\x00cane")] == ["Hurricane (1)"]


def test_suggestions_are_for_staff_who_may_see_topics(client, people, hurricanes):
    client.force_login(people[REVIEWER])  # reviewers write nothing, topics included
    assert client.get(SUGGEST, {"term": "hurr", **FOR_RELEASES}).status_code == 403
    client.logout()
    assert client.get(SUGGEST, {"term": "hurr", **FOR_RELEASES}).status_code == 302  # sign in


@pytest.mark.parametrize(
    "params",
    [{}, {**FOR_RELEASES, "field_name": "nope"}, {**FOR_RELEASES, "model_name": "office"}],
)
def test_bad_suggestion_requests_are_refused_not_errors(client, writer, params):
    client.force_login(writer)
    assert client.get(SUGGEST, {"term": "x", **params}).status_code == 403


# The topics' admin ------------------------------------------------------------------------------


@pytest.fixture
def topics(make_release, hurricanes):
    """Hurricanes (3 live), Floods (1 live), Typo (1 draft), Old (1 withdrawn), Unused (none)."""
    make_release("Draft", status="draft", publish_at=None, tags=["Typo"])
    make_release("Gone", status="withdrawn", tags=["Old"])
    Tag.objects.create(name="Unused")
    return {tag.name: tag for tag in Tag.objects.all()}


def listed(client, query=""):
    response = client.get(f"/admin/taggit/tag/{query}")
    assert response.status_code == 200
    return sorted(tag.name for tag in response.context["cl"].result_list)


def test_publishers_find_topics_used_once_or_by_nothing_live(client, publisher, topics):
    client.force_login(publisher)
    assert listed(client, "?use=one") == ["Floods", "Old", "Typo"]
    assert listed(client, "?use=none-live") == ["Old", "Typo", "Unused"]
    page = client.get("/admin/taggit/tag/?o=3").text
    assert "Live releases" in page and "Used by one release" in page and "None live" in page
    counts = {
        tag.name: (tag.release_count, tag.live_count)
        for tag in client.get("/admin/taggit/tag/").context["cl"].result_list
    }
    assert counts == {"Floods": (1, 1), "Hurricanes": (3, 3), "Old": (1, 0), "Typo": (1, 0),
                      "Unused": (0, 0)}  # fmt: skip


def test_retiring_deletes_only_topics_nothing_live_carries(client, publisher, topics):
    client.force_login(publisher)
    chosen = [topics[name].pk for name in ["Typo", "Unused", "Floods"]]
    done = client.post(
        "/admin/taggit/tag/",
        {"action": "retire", "_selected_action": chosen},
        follow=True,
    )
    assert "Retired “Typo”, “Unused”." in done.text
    assert "Not retired: live releases carry “Floods”. Merge a topic into another" in done.text
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Floods", "Hurricanes", "Old"]
    assert list(Release.objects.get(title="Draft").tags.names()) == []


def test_merging_tags_moves_every_release_in_one_go(client, make_release, publisher):
    a = make_release("A", tags=["Harbours", "Ports"])
    b = make_release("B", tags=["Harbors"])
    c = make_release("C", tags=["Ports"])
    keep = Tag.objects.get(name="Ports")
    TopicDescription.objects.create(tag=Tag.objects.get(name="Harbors"), text="Ships in port.")
    client.force_login(publisher)
    selected = list(
        Tag.objects.filter(name__in=["Harbours", "Harbors", "Ports"]).values_list("pk", flat=True)
    )
    page = client.post("/admin/taggit/tag/", {"action": "merge_into", "_selected_action": selected})
    assert page.status_code == 200 and "Keep this topic" in page.text
    done = client.post(
        "/admin/taggit/tag/",
        {"action": "merge_into", "_selected_action": selected, "target": keep.pk},
        follow=True,
    )
    assert "Merged 2 topic(s) into “Ports”." in done.text
    assert list(Tag.objects.values_list("name", flat=True)) == ["Ports"]
    for release in (a, b, c):
        assert list(release.tags.names()) == ["Ports"]
    assert TopicDescription.objects.get().tag == keep, "the kept topic takes the description"


def test_renaming_a_tag_keeps_its_address(client, make_release, publisher):
    make_release("Renamed tag", tags=["Harbours"])
    tag = Tag.objects.get()
    client.force_login(publisher)
    client.post(f"/admin/taggit/tag/{tag.pk}/change/", {"name": "Harbors", "slug": tag.slug})
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Harbors", "harbours")
    assert "Topic: Harbors" in client.get("/news/tags/harbours/").text


def test_a_description_is_written_in_the_topic_form_and_reaches_readers(
    client, publisher, hurricanes
):
    client.force_login(publisher)
    url = f"/admin/taggit/tag/{hurricanes.pk}/change/"
    _, data = form_defaults(client.get(url), 'id="tag_form"')
    data["description"] = "Storm season warnings, evacuations and recovery."
    assert client.post(url, data).status_code == 302
    page = client.get("/news/tags/hurricanes/").text
    assert '<p class="topic-description">Storm season warnings, evacuations and' in page
    assert '<meta name="description" content="Storm season warnings, evacuations' in page
    subscribe = client.get("/subscribe/").text
    assert "Storm season warnings, evacuations and recovery." in subscribe

    _, data = form_defaults(client.get(url), 'id="tag_form"')
    assert data["description"] == "Storm season warnings, evacuations and recovery."
    data["description"] = ""
    assert client.post(url, data).status_code == 302
    assert not TopicDescription.objects.exists()
    assert "topic-description" not in client.get("/news/tags/hurricanes/").text


def test_the_admin_calls_tags_topics(client, people):
    client.force_login(people[ADMINISTRATOR])
    index = client.get("/admin/").text
    assert "Taggit" not in index and ">Topics<" in index
    assert "Select topic to change" in client.get("/admin/taggit/tag/").text
    assert Group.objects.get(name=ADMINISTRATOR).permissions.filter(codename="change_tag").exists()
