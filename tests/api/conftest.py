"""What the read API's tests share: reading an answer, a family of releases in two languages,
and the admin's buttons as a Publisher presses them."""

import re

import pytest

from articles.roles import PUBLISHER
from tests.support import cleared, local

API = "/api/v1"


def read(client, url, status=200, **headers):
    """The JSON answer to GET `url`, checked for its status."""
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), url
    return response.json()


def ids(answer):
    return [item["id"] for item in answer["results"]]


@pytest.fixture
def family(make_release):
    """family(**spanish): an English release live since May 26, 2011 and its Spanish edition
    (live unless `spanish` says otherwise)."""

    def make(**spanish):
        original = make_release(
            "Secretary announces new port grants",
            publish_at=local(2011, 5, 26, 10),
            tags=["Ports"],
        )
        spanish.setdefault("publish_at", local(2011, 5, 26, 11))
        edition = make_release(
            spanish.pop("title", "La secretaria anuncia nuevas subvenciones portuarias"),
            language="es",
            original=original,
            body="<p>Los puertos recibirán fondos para modernizar sus muelles.</p>",
            tags=["Puertos"],
            **spanish,
        )
        return original, edition

    return make


@pytest.fixture
def press(client, people):
    """press(release, step): a Publisher takes a workflow step with the release page's button
    (publish first clears it, as every release that goes out is), in a session of their own."""
    from django.test import Client

    publisher = Client()
    publisher.force_login(people[PUBLISHER])

    def take(release, step):
        if step == "publish":
            cleared(release)
        page = publisher.get(f"/admin/articles/release/{release.pk}/change/")
        version = re.search(r'name="version" value="(\d+)"', page.text)[1]
        response = publisher.post(
            f"/admin/articles/release/{release.pk}/workflow/", {"step": step, "version": version}
        )
        assert response.status_code == 302, response.content[:300]
        release.refresh_from_db()
        return release

    return take
