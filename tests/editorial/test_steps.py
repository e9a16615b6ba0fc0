"""The buttons on a release's admin page (editorial/admin/steps.py) and its corrections form
(editorial/admin/sharing.py): each step taken through them, in office time, and only on the text
the person read."""

import datetime
import re

import pytest
import time_machine

from articles.editorial.workflow import take_step
from articles.models import Correction
from articles.roles import PUBLISHER, WRITER
from articles.states import State
from tests.editorial.release_form import change_url, form_data
from tests.support import NOW, OFFICE_TZ, cleared

pytestmark = pytest.mark.django_db


def seen_version(client, release):
    """The release's version as its change page shows it to the person signed in."""
    page = client.get(change_url(release))
    return int(re.search(r'name="version" value="(\d+)"', page.text)[1])


def test_publisher_schedules_in_office_time_through_the_admin(client, make_release, people):
    release = cleared(make_release("To schedule", status="review", publish_at=None))
    client.force_login(people[PUBLISHER])
    page = client.get(change_url(release))
    assert "Schedule" in page.text and "America/New_York" in page.text
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            f"/admin/articles/release/{release.pk}/workflow/",
            {
                "step": "schedule",
                "when": "2026-11-26T09:00",
                "note": "Embargo per legal",
                "version": release.lock_version,
            },
        )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.publish_at == datetime.datetime(2026, 11, 26, 9, tzinfo=OFFICE_TZ)
    with time_machine.travel(NOW, tick=False):
        assert release.state_label == "Scheduled — Thu 26 Nov 2026, 09:00 EST"


def test_publishing_text_changed_since_the_publisher_read_it_is_refused(
    client, make_release, people
):
    """First security review, finding 2: publishing is bound to the text that was reviewed."""
    release = make_release("Reviewed headline", status="review", publish_at=None)
    client.force_login(people[PUBLISHER])
    seen = seen_version(client, release)
    client.force_login(people[WRITER])
    unreviewed = form_data(
        client, release, title="Unreviewed headline", body="<p>Unreviewed words.</p>"
    )
    assert client.post(change_url(release), unreviewed).status_code == 302, "the writer saved"

    client.force_login(people[PUBLISHER])
    response = client.post(
        f"/admin/articles/release/{release.pk}/workflow/",
        {"step": "publish", "version": seen},
        follow=True,
    )
    assert "saved this release at" in response.text
    assert "Nothing was done" in response.text
    release.refresh_from_db()
    assert release.state == State.IN_REVIEW and release.title == "Unreviewed headline"
    assert not release.audit_entries.exists()

    # Once the new text is cleared and read, the publisher can publish it.
    cleared(release)
    seen = seen_version(client, release)
    client.post(
        f"/admin/articles/release/{release.pk}/workflow/", {"step": "publish", "version": seen}
    )
    release.refresh_from_db()
    assert release.state == State.LIVE


def test_a_correction_on_an_out_of_date_page_is_refused(client, make_release, people):
    """First security review, finding 2: publishing is bound to the text that was reviewed; so
    is a correction."""
    release = make_release("Published headline")
    client.force_login(people[PUBLISHER])
    seen = seen_version(client, release)
    take_step(release, "withdraw", people[PUBLISHER])
    take_step(cleared(release), "publish", people[PUBLISHER])
    response = client.post(
        f"/admin/articles/release/{release.pk}/correct/",
        {"text": "An earlier version misstated the date.", "version": seen},
        follow=True,
    )
    assert "after you opened it" in response.text
    assert not Correction.objects.exists()
