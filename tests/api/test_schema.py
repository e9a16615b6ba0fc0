"""The read API describes itself: an OpenAPI document that passes the specification's validator
and that the answers match, and a plain page for people that names every endpoint."""

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.api.conftest import API, read
from tests.support import outline

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return read(client, "/api/schema/")


def test_the_openapi_document_is_valid(document):
    validate(document)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        f"{API}/releases/",
        f"{API}/releases/{{id}}/",
        f"{API}/topics/",
        f"{API}/offices/",
    }
    for path, operations in document["paths"].items():
        assert set(operations) == {"get"}, path
        assert "429" in operations["get"]["responses"], path


def _matches(document, name, answer):
    """`answer` checked against the document's schema `name` (OpenAPI 3.1 is JSON Schema)."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    errors = list(Draft202012Validator(schema).iter_errors(answer))
    assert not errors, [error.message for error in errors]


def test_every_answer_matches_the_document(client, document, family, make_release, library_image):
    original, edition = family()
    make_release("With a photo", lead_image=library_image(), release_number="No. 1-26")
    listed = read(client, f"{API}/releases/?page_size=1")
    _matches(document, "ReleaseList", listed)
    fields = document["components"]["schemas"]["Release"]["properties"]
    assert set(listed["results"][0]) == set(fields)
    _matches(document, "Release", read(client, f"{API}/releases/{original.guid}/"))
    _matches(document, "TopicList", read(client, f"{API}/topics/"))
    _matches(document, "OfficeList", read(client, f"{API}/offices/"))
    _matches(document, "Problem", read(client, f"{API}/releases/?kind=memo", status=400))
    _matches(document, "Problem", read(client, f"{API}/releases/{edition.pk}/", status=404))


def test_the_page_for_people_names_every_endpoint(client, document):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = outline(response)
    assert page.headings[0] == ("h1", "Read API")
    assert '<html lang="en">' in response.text and 'id="main"' in response.text
    assert not page.inline, "no inline script or style (design rule 7)"
    assert "/api/schema/" in page.links
    for path in document["paths"]:
        assert path in response.text, path
    for path in [f"{API}/releases/", f"{API}/topics/", f"{API}/offices/"]:
        assert path in page.links and client.get(path).status_code == 200
    for parameter in ["topic", "kind", "office", "language", "updated_since", "cursor"]:
        assert f"<code>{parameter}</code>" in response.text
    assert "requests a minute" not in response.text  # the tests' settings: no limit


def test_the_page_names_the_limit(client, settings):
    settings.API_REQUESTS_PER_MINUTE = 60
    assert "At most 60 requests a minute from one address" in client.get("/api/").text
