"""The read API's addresses, under /api/ (pressoffice/urls.py): the page for people, the OpenAPI
document, and the endpoints under /api/v1/. Each view is behind the door (articles/api/door.py)
and served through the page cache under the query parameters it reads."""

from django.urls import path

from articles.api import endpoints
from articles.api.door import api_view
from articles.pagecache.caching import page_cache_params

app_name = "api"

# The query parameters each endpoint reads: the page cache keys its answers by these alone.
PARAMETERS = {
    "releases": tuple(endpoints.schemas.ReleaseQuery.model_fields),
    "release": (),
    "topics": ("language",),
    "offices": ("language",),
}


def _endpoints():
    """ninja's routes, each behind the door; not its root route (a 404 here)."""
    patterns, _, _ = endpoints.api.urls
    routed = []
    for pattern in patterns:
        if pattern.name in PARAMETERS:
            view = page_cache_params(api_view(pattern.callback), *PARAMETERS[pattern.name])
            routed.append(path(f"{endpoints.VERSION}/{pattern.pattern}", view, name=pattern.name))
    assert {pattern.name for pattern in routed} == set(PARAMETERS), "an endpoint has no route"
    return routed


urlpatterns = [
    path("", page_cache_params(api_view(endpoints.index)), name="index"),
    path("schema/", page_cache_params(api_view(endpoints.openapi_document)), name="schema"),
    *_endpoints(),
]
