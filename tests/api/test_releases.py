"""The read API's endpoints as a partner's system reads them: live releases with every field,
each filter (and a 400 naming the parameter for a value it cannot read, never a 500), pages
by cursor across releases published at the same moment, and editions in another language."""

import datetime

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.editorial.workflow import add_correction
from articles.models import Office, Release
from articles.text import dateline_text
from tests.api.conftest import API, ids, read
from tests.support import NOW, local

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def test_a_release_reads_as_its_page_shows_it(client, make_release, library_image, publisher):
    photo = library_image(alt_text="Sailors on the pier")
    release = make_release(
        "Port grants announced",
        kind=Release.Kind.PRESS_RELEASE,
        release_number="No. 12-11",
        summary="The Secretary announced port grants.",
        byline="By Jane Doe",
        lead_image=photo,
        publish_at=local(2011, 5, 26, 10),
        tags=["Ports", "Budget"],
    )
    add_correction(release, publisher, "An earlier version misstated the amount.")

    item = read(client, f"{API}/releases/{release.guid}/")

    release.refresh_from_db()
    assert item["id"] == str(release.guid)
    assert item["url"] == SITE + release.get_absolute_url()
    assert client.get(release.get_absolute_url()).status_code == 200
    assert (item["title"], item["summary"], item["byline"]) == (
        "Port grants announced", "The Secretary announced port grants.", "By Jane Doe",
    )  # fmt: skip
    assert item["dateline"] == "WASHINGTON, May 26, 2011 —" == dateline_text(release)
    assert item["body_html"].startswith('<p><span class="dateline">WASHINGTON, May 26, 2011 —')
    assert (item["kind"], item["language"], item["release_number"]) == (
        "press-release", "en", "No. 12-11",
    )  # fmt: skip
    assert item["office"] == {
        "id": release.office.pk,
        "name": "Office of Public Affairs",
        "parent_organisation": "Department of Examples",
        "contact_name": "Media Desk",
        "contact_email": "press@example.gov",
        "contact_phone": "",
    }
    assert item["topics"] == [
        {"name": "Budget", "slug": "budget"}, {"name": "Ports", "slug": "ports"}
    ]  # fmt: skip
    assert item["lead_image"] == {
        "url": SITE + photo.url(),
        "alt": "Sailors on the pier",
        "width": 960,
        "height": 640,
    }
    assert client.get(photo.url()).status_code == 200
    assert item["published_at"] == "2011-05-26T14:00:00Z"
    assert item["last_modified"] == _written(release.last_modified)
    assert [c["text"] for c in item["corrections"]] == ["An earlier version misstated the amount."]
    assert item["corrections"][0]["date"] == _written(release.corrections.get().created)
    assert item["editions"] == []
    assert read(client, f"{API}/releases/")["results"] == [item]  # the list says the same


def _written(moment):
    """A time as the API writes it: ISO 8601 in UTC, to the millisecond."""
    text = moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def test_release_without_photo_number_or_corrections(client, make_release):
    release = make_release("Plain statement", kind=Release.Kind.STATEMENT)
    item = read(client, f"{API}/releases/{release.guid}/")
    assert item["lead_image"] is None and item["release_number"] is None
    assert item["corrections"] == [] and item["topics"] == []


def test_decorative_photo_has_empty_alt(client, make_release, library_image):
    photo = library_image(alt_text="", decorative=True)
    release = make_release("With a decorative photo", lead_image=photo)
    assert read(client, f"{API}/releases/{release.guid}/")["lead_image"]["alt"] == ""


@pytest.mark.parametrize(
    "name", ["database id", "unknown guid", "not a uuid", "guid with spaces"]
)  # fmt: skip
def test_a_release_is_found_by_its_guid_only(client, make_release, name):
    release = make_release("Findable")
    wrong = {
        "database id": str(release.pk),
        "unknown guid": "00000000-0000-4000-8000-000000000000",
        "not a uuid": "x" * 300,
        "guid with spaces": f"%20{release.guid}",
    }[name]
    assert read(client, f"{API}/releases/{wrong}/", status=404) == {"detail": "Not Found"}
    assert read(client, f"{API}/releases/{release.guid}/")["title"] == "Findable"


def test_the_list_is_newest_first_in_every_language(client, make_release, family):
    original, edition = family()
    newer = make_release("Newer", publish_at=local(2026, 10, 1, 9))
    assert ids(read(client, f"{API}/releases/")) == [
        str(newer.guid),
        str(edition.guid),
        str(original.guid),
    ]


# Filters ------------------------------------------------------------------------------------


@pytest.fixture
def filed(make_release, family):
    """Releases told apart by topic, kind, office, language and time."""
    other_office = Office.objects.create(name="Office of the Navy")
    original, edition = family()
    return {
        "energy": make_release("Energy plan", tags=["Energy"], publish_at=local(2026, 9, 1, 9)),
        "statement": make_release(
            "A statement", kind=Release.Kind.STATEMENT, publish_at=local(2026, 9, 2, 9)
        ),
        "navy": make_release("Navy news", office=other_office, publish_at=local(2026, 9, 3, 9)),
        "original": original,
        "edition": edition,
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("topic=energy", ["energy"]),
        ("topic=puertos", ["edition"]),
        ("topic=never-used", []),
        ("kind=statement", ["statement"]),
        ("language=es", ["edition"]),
        ("language=en&topic=ports", ["original"]),
        ("kind=news&language=en", ["navy", "energy", "original"]),
        ("updated_since=2026-09-02", ["navy", "statement"]),
        ("updated_since=2026-09-02T09:00:00-04:00", ["navy", "statement"]),
        ("updated_since=2026-09-02T13:00:01Z", ["navy"]),
        ("updated_since=2026-09-02T09:00:01", ["navy"]),  # no offset: office time
        ("kind=&topic=", ["navy", "statement", "energy", "edition", "original"]),  # empty: unset
    ],
)
def test_each_filter_narrows_the_list(client, filed, query, expected):
    with time_machine.travel(NOW, tick=False):
        Release.objects.update(updated=local(2026, 1, 1))  # nothing edited since publication
        answer = read(client, f"{API}/releases/?{query}")
    assert ids(answer) == [str(filed[name].guid) for name in expected], query


def test_office_filter_takes_the_offices_id(client, filed):
    navy = filed["navy"].office
    assert ids(read(client, f"{API}/releases/?office={navy.pk}")) == [str(filed["navy"].guid)]
    offices = read(client, f"{API}/offices/")["results"]
    assert [o["name"] for o in offices] == ["Office of Public Affairs", "Office of the Navy"]
    assert offices[1]["id"] == navy.pk
    assert read(client, f"{API}/releases/?office=999999")["results"] == []


def test_updated_since_finds_a_release_corrected_since(client, filed, publisher):
    Release.objects.update(updated=local(2026, 1, 1))  # nothing edited since publication
    with time_machine.travel(local(2026, 10, 1, 9), tick=False):
        add_correction(filed["energy"], publisher, "The plan covers three states, not two.")
    answer = read(client, f"{API}/releases/?updated_since=2026-10-01")
    assert ids(answer) == [str(filed["energy"].guid)]
    assert answer["results"][0]["last_modified"] == "2026-10-01T13:00:00Z"


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("topic=not%20a%20slug", "topic"),
        ("topic=" + "a" * 101, "topic"),
        ("kind=memo", "kind"),
        ("office=navy", "office"),
        ("office=0", "office"),
        ("office=99999999999999999999999", "office"),
        ("language=fr", "language"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-02-30", "updated_since"),
        ("updated_since=2026-13-01T00:00:00Z", "updated_since"),
        ("updated_since=9999-12-31T23:59:59-23:59", "updated_since"),
        ("updated_since=0001-01-01T00:00:00%2B01:00", "updated_since"),
        ("cursor=abc", "cursor"),
        ("cursor=MjAyNi0xMi0wM1QxMDowNDoxNi43NTI0MTgrMDA6MDB8eHh4", "cursor"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=ten", "page_size"),
    ],
)
def test_a_value_the_api_cannot_read_is_a_400_naming_it(client, filed, query, parameter):
    answer = read(client, f"{API}/releases/?{query}", status=400)
    assert answer["detail"].startswith(f"{parameter}: "), answer


@pytest.mark.parametrize("url", [f"{API}/topics/?language=fr", f"{API}/offices/?language=x"])
def test_the_lists_of_topics_and_offices_refuse_a_language_they_do_not_know(client, url):
    assert read(client, url, status=400)["detail"].startswith("language: ")


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.fixed_dictionaries(
        {},
        optional={
            name: st.text(max_size=40)
            for name in (
                "topic",
                "kind",
                "office",
                "language",
                "updated_since",
                "cursor",
                "page_size",
            )
        },  # fmt: skip
    )
)
def test_no_query_is_a_500(client, filed, values):
    response = client.get(f"{API}/releases/", values)
    assert response.status_code in {200, 400}, values


# Pages --------------------------------------------------------------------------------------


def test_pages_by_cursor_cover_every_release_once_also_at_the_same_minute(client, make_release):
    same = local(2026, 9, 1, 9)
    releases = [make_release(f"At nine {n}", publish_at=same) for n in range(5)]
    releases += [make_release(f"Earlier {n}", publish_at=same - datetime.timedelta(hours=n + 1))
                 for n in range(3)]  # fmt: skip
    expected = [str(r.guid) for r in sorted(releases, key=lambda r: (r.publish_at, r.guid))][::-1]

    seen, url, pages = [], f"{API}/releases/?page_size=2&language=en&junk=1", 0
    while url:
        answer = read(client, url.removeprefix(SITE))
        assert len(answer["results"]) <= 2
        seen += ids(answer)
        url, pages = answer["next"], pages + 1
        if url:
            assert url.startswith(f"{SITE}{API}/releases/?")
            assert "page_size=2" in url and "language=en" in url and "junk" not in url
    assert seen == expected and pages == 4
    assert read(client, f"{API}/releases/")["next"] is None  # 8 fit on the first page


def test_a_release_published_between_pages_does_not_shift_the_next_page(client, make_release):
    first, second = (make_release(f"R{n}", publish_at=local(2026, 9, n, 9)) for n in (2, 1))
    answer = read(client, f"{API}/releases/?page_size=1")
    assert ids(answer) == [str(first.guid)]
    make_release("Newest", publish_at=local(2026, 9, 3, 9))
    assert ids(read(client, answer["next"].removeprefix(SITE))) == [str(second.guid)]


# Editions -----------------------------------------------------------------------------------


def test_each_member_of_a_family_names_the_others_that_are_live(client, family):
    original, edition = family()
    english = read(client, f"{API}/releases/{original.guid}/")
    spanish = read(client, f"{API}/releases/{edition.guid}/")
    assert english["editions"] == [
        {"id": str(edition.guid), "language": "es", "url": SITE + edition.get_absolute_url()}
    ]
    assert spanish["editions"] == [
        {"id": str(original.guid), "language": "en", "url": SITE + original.get_absolute_url()}
    ]
    assert spanish["language"] == "es"
    assert spanish["url"].startswith(f"{SITE}/es/noticias/2011/05/26/")
    assert spanish["dateline"] == "WASHINGTON, 26 de mayo de 2011 —"
    spanish_list = read(client, f"{API}/releases/?language=es")
    assert spanish_list["results"] == [spanish]
    assert read(client, f"{API}/topics/?language=es")["results"] == [
        {"name": "Puertos", "slug": "puertos"}
    ]
    assert read(client, f"{API}/topics/")["results"] == [
        {"name": "Ports", "slug": "ports"}, {"name": "Puertos", "slug": "puertos"}
    ]  # fmt: skip


def test_a_withdrawn_original_leaves_its_edition_naming_nobody(client, family, press):
    original, edition = family()
    press(original, "withdraw")
    assert read(client, f"{API}/releases/{edition.guid}/")["editions"] == []
    read(client, f"{API}/releases/{original.guid}/", status=404)
