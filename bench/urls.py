"""The project's URLs plus the ceiling: constant bytes through the full middleware stack."""

from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from pressoffice.urls import handler404  # noqa: F401 - the project's 404 page, here too
from pressoffice.urls import urlpatterns as project_urlpatterns

CEILING_BODY = Path(__file__).resolve().parent / "var" / "ceiling-static" / "ceiling.html"


def constant(request, _body=[]):  # noqa: B006 - read once per worker
    if not _body:
        _body.append(CEILING_BODY.read_bytes())
    return HttpResponse(_body[0], content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/constant/", constant), *project_urlpatterns]
