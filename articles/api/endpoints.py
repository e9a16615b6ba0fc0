"""The read API's endpoints (django-ninja), its OpenAPI document and its page for people.

Every endpoint reads through articles/api/releases.py, which starts from
`Release.objects.live()`; articles/api/urls.py puts each behind the door (articles/api/door.py)
and the page cache.
"""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from ninja import NinjaAPI
from ninja import Query as QueryParameters
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from articles.addresses import site_url
from articles.api import releases, schemas, shapes

VERSION = "v1"
TOO_MANY = {
    "description": "Too many requests from one address that the page cache could not answer; "
    "Retry-After says when to try again.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Press Office read API",
    version="1",
    description="Live news releases, their topics and offices, for partner systems. Read-only; "
    "answers are cached and shared, and change when the releases do.",
    urls_namespace="api",
    docs_url=None,
    openapi_url=None,
    renderer=Renderer(),
)


@api.exception_handler(ValidationError)
def bad_query(request, exc):
    """A query parameter ninja could not read: a 400 naming it."""
    details = []
    for error in exc.errors:
        name = ".".join(str(part) for part in error.get("loc", ())[1:] if part != "filters")
        details.append(f"{name or 'query'}: {error.get('msg', 'is not valid')}")
    return api.create_response(request, {"detail": "; ".join(details)}, status=400)


@api.exception_handler(releases.BadParameter)
def bad_parameter(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


def _documented(**responses):
    return {"responses": {"429": TOO_MANY}, **responses}


@api.get(
    "/releases/",
    response={200: schemas.ReleaseList, 400: schemas.Problem},
    url_name="releases",
    operation_id="listReleases",
    summary="Live releases, newest first",
    openapi_extra=_documented(),
)
def list_releases(request, filters: QueryParameters[schemas.ReleaseQuery]):
    chosen = releases.ReleaseFilters(
        topic=filters.topic or "",
        kind=filters.kind or "",
        office=filters.office,
        language=filters.language or "",
        updated_since=(
            releases.parse_moment("updated_since", filters.updated_since)
            if filters.updated_since
            else None
        ),
        cursor=releases.Cursor.decode(filters.cursor) if filters.cursor else None,
        page_size=filters.page_size,
    )
    page = releases.release_page(chosen)
    next_page = None
    if page.next_cursor is not None:
        kept = filters.model_dump(exclude_none=True, exclude={"cursor"})
        kept = {name: value for name, value in kept.items() if name in request.GET}
        query = urlencode({**kept, "cursor": page.next_cursor.encode()})
        next_page = site_url(f"{request.path}?{query}", request)
    return {
        "results": [shapes.release_data(release, request) for release in page.releases],
        "next": next_page,
    }


@api.get(
    "/releases/{id}/",
    response={200: schemas.Release, 404: schemas.Problem},
    url_name="release",
    operation_id="getRelease",
    summary="One live release",
    description="By its id. A release that is not live answers 404, exactly like one that "
    "never existed.",
    openapi_extra=_documented(),
)
def get_release(request, id: str):
    release = releases.live_release(id)
    if release is None:
        raise Http404("No live release has this id.")
    return shapes.release_data(release, request)


@api.get(
    "/topics/",
    response={200: schemas.TopicList, 400: schemas.Problem},
    url_name="topics",
    operation_id="listTopics",
    summary="The topics live releases carry",
    openapi_extra=_documented(),
)
def list_topics(request, filters: QueryParameters[schemas.LanguageQuery]):
    topics = releases.live_topics(filters.language or "")
    return {"results": [shapes.topic_data(tag) for tag in topics]}


@api.get(
    "/offices/",
    response={200: schemas.OfficeList, 400: schemas.Problem},
    url_name="offices",
    operation_id="listOffices",
    summary="The offices that issue live releases",
    openapi_extra=_documented(),
)
def list_offices(request, filters: QueryParameters[schemas.LanguageQuery]):
    offices = releases.live_offices(filters.language or "")
    return {"results": [shapes.office_data(office) for office in offices]}


def prefix():
    """Where the endpoints are: /api/v1/."""
    return f"{reverse('api:index')}{VERSION}/"


def openapi_document(request):
    """The OpenAPI document of the endpoints."""
    document = api.get_openapi_schema(path_prefix=prefix())
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


# What the page for people lists, in order: (route, what it answers, its query parameters).
ENDPOINTS = [
    ("releases", "Live releases, newest first, a page at a time.",
     ["topic", "kind", "office", "language", "updated_since", "cursor", "page_size"]),
    ("release", "One live release, by its id.", []),
    ("topics", "The topics live releases carry.", ["language"]),
    ("offices", "The offices that issue live releases.", ["language"]),
]  # fmt: skip


def index(request):
    """A plain page for people: what the API offers and where."""
    base = prefix()
    listed = [
        {
            "address": base + ("releases/{id}/" if name == "release" else f"{name}/"),
            "link": name != "release",
            "what": what,
            "parameters": parameters,
        }
        for name, what, parameters in ENDPOINTS
    ]
    html = render_to_string(
        "api/index.html",
        {
            "endpoints": listed,
            "schema": reverse("api:schema"),
            "kinds": releases.KINDS,
            "languages": releases.LANGUAGES,
            "page_size": releases.PAGE_SIZE,
            "max_page_size": releases.MAX_PAGE_SIZE,
            "per_minute": settings.API_REQUESTS_PER_MINUTE,
            "site_name": settings.SITE_NAME,
        },
        using="django",
    )
    return HttpResponse(html)
