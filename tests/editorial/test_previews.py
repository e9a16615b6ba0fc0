"""Previews of releases that are not public yet: staff previews in the admin, and reviewers'
share links that expire and can be revoked."""

import datetime
import hashlib
import re

import pytest
import time_machine

from articles.editorial.previews import create_preview_link, revoke_preview_link
from articles.editorial.workflow import take_step
from articles.errors import WorkflowError
from articles.models import PreviewLink
from articles.roles import PUBLISHER, WRITER
from tests.support import NOW, cleared

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def test_staff_preview_shows_any_release_with_a_banner_and_no_caching(client, make_release, people):
    release = make_release("Embargoed words", publish_at=NOW + 24 * HOUR)
    url = f"/admin/articles/release/{release.pk}/preview/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(people[WRITER])
    response = client.get(url)
    assert response.status_code == 200
    assert "PREVIEW — not public" in response.text and "Embargoed words" in response.text
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    assert "noindex" in response["X-Robots-Tag"]
    assert client.get(f"/admin/articles/release/{release.pk + 999}/preview/").status_code == 404


def test_share_links_are_unguessable_expiring_and_revocable(client, make_release, people):
    release = make_release("Shared draft", status="draft", publish_at=None)
    with pytest.raises(WorkflowError):
        create_preview_link(release, people[WRITER])
    with time_machine.travel(NOW, tick=False):
        link = create_preview_link(release, people[PUBLISHER], note="Legal")
    assert len(link.token) >= 43  # 32 random bytes, base64: 256 bits
    assert link.expires_at == NOW + 48 * HOUR
    url = link.url
    with time_machine.travel(NOW + 47 * HOUR, tick=False):
        response = client.get(url)
        assert response.status_code == 200 and "PREVIEW — not public" in response.text
        assert response["Cache-Control"] == "private, no-store"
    with time_machine.travel(NOW + 49 * HOUR, tick=False):
        assert client.get(url).status_code == 404
    with time_machine.travel(NOW, tick=False):
        revoke_preview_link(link, people[PUBLISHER])
        assert client.get(url).status_code == 404
    assert client.get("/preview/not-a-real-token/").status_code == 404
    assert PreviewLink.objects.get().revoked_at is not None


def test_share_link_admin_flow(client, make_release, people):
    release = make_release("Shared through admin", status="review", publish_at=None)
    client.force_login(people[PUBLISHER])
    response = client.post(
        f"/admin/articles/release/{release.pk}/share/",
        {"note": "Leadership", "hours": 24},
        follow=True,
    )
    link = PreviewLink.objects.get()
    shown = re.search(r"/preview/([\w-]+)/", response.text)[1]
    assert client.get(f"/preview/{shown}/").status_code == 200
    page = client.get(f"/admin/articles/release/{release.pk}/change/").text
    assert "Leadership" in page and "Active" in page
    client.post(f"/admin/articles/release/{release.pk}/share/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.force_login(people[WRITER])
    assert (
        client.post(f"/admin/articles/release/{release.pk}/share/", {"hours": 24}).status_code
        == 403
    )


# Security review finding: share links outlive a withdrawal; tokens were stored as they are.


def test_withdrawal_ends_every_share_link(client, make_release, people):
    release = make_release("Shared then withdrawn")
    link = create_preview_link(release, people[PUBLISHER], note="Legal")
    assert client.get(link.url).status_code == 200
    take_step(release, "withdraw", people[PUBLISHER])
    assert client.get(link.url).status_code == 404
    assert PreviewLink.objects.get().revoked_at is not None
    take_step(cleared(release), "publish", people[PUBLISHER])
    assert client.get(link.url).status_code == 404, "publishing again does not revive old links"


def test_a_share_link_to_an_expired_release_answers_404(client, make_release, people):
    with time_machine.travel(NOW, tick=False):
        release = make_release(publish_at=NOW - 2 * HOUR, expire_at=NOW + HOUR)
        link = create_preview_link(release, people[PUBLISHER])
        assert client.get(link.url).status_code == 200
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        assert client.get(link.url).status_code == 404
        with pytest.raises(WorkflowError, match="cannot be shared"):
            create_preview_link(release, people[PUBLISHER])


def test_only_a_hash_of_the_secret_is_stored(make_release, people):
    link = create_preview_link(make_release(status="draft"), people[PUBLISHER])
    secret = link.url.strip("/").rsplit("/", 1)[-1]
    assert len(secret) >= 43
    stored = PreviewLink.objects.values_list("token", flat=True).get()
    assert stored != secret and secret not in stored
    assert stored == hashlib.sha256(secret.encode()).hexdigest()


def test_share_links_last_at_most_a_week(make_release, people):
    release = make_release(status="draft")
    create_preview_link(release, people[PUBLISHER], hours=7 * 24)
    with pytest.raises(WorkflowError, match="between 1 and 168 hours"):
        create_preview_link(release, people[PUBLISHER], hours=7 * 24 + 1)
