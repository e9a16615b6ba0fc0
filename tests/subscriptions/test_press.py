"""The press corps: a scheduled release under embargo, its personal links, and the notices that
follow a reschedule or a withdrawal, with the audit trail of each."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from articles.editorial.workflow import take_step
from articles.errors import WorkflowError
from articles.models import AuditEntry
from articles.states import Status
from subscriptions.models import PressContact, PressDelivery, PressList, PressMailing
from subscriptions.press.embargo import send_under_embargo
from tests.support import cleared

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
MINUTE = datetime(2026, 11, 26, 9, 0, tzinfo=EASTERN)


@pytest.fixture
def corps(db):
    pentagon = PressList.objects.create(name="Pentagon press corps")
    wires = PressList.objects.create(name="Wire services")
    people = {
        name: PressContact.objects.create(
            name=name.title(), outlet="Outlet", email=f"{name}@press.example"
        )  # fmt: skip
        for name in ["ada", "ben", "cy", "gone"]
    }
    people["gone"].active = False
    people["gone"].save()
    pentagon.contacts.set([people["ada"], people["ben"], people["gone"]])
    wires.contacts.set([people["ben"], people["cy"]])
    return {"pentagon": pentagon, "wires": wires, **people}


@pytest.fixture
def scheduled(make_release, publisher, django_capture_on_commit_callbacks):
    with time_machine.travel(MINUTE - timedelta(days=1), tick=False):
        release = make_release(status=Status.DRAFT, publish_at=None,
                               title="Navy commissions a ship",
                               body="<p>The ship joins the fleet.</p><p>“We are ready,” "
                                    "the Secretary said.</p>")  # fmt: skip
        return take_step(cleared(release), "schedule", publisher, when=MINUTE)


def before(delta=timedelta(hours=3)):
    return time_machine.travel(MINUTE - delta, tick=False)


def test_an_embargoed_copy_reaches_each_active_contact_once_with_a_personal_link(
    corps, scheduled, publisher, smtp, deliver, client
):
    with before():
        send_under_embargo(scheduled, [corps["pentagon"], corps["wires"]], publisher)
        deliver()
        to = sorted(m["To"] for m in smtp.messages)
        assert to == ["ada@press.example", "ben@press.example", "cy@press.example"]
        mail = smtp.to("ada@press.example")[0]
        assert mail["Subject"] == (
            "EMBARGOED UNTIL 9:00 a.m. EST Thu, Nov 26, 2026: Navy commissions a ship"
        )
        text = mail.get_body(("plain",)).get_content()
        assert text.startswith("EMBARGOED UNTIL 9:00 a.m. EST Thu, Nov 26, 2026")
        assert "“We are ready,” the Secretary said." in text
        html = mail.get_body(("html",)).get_content()
        assert '<html lang="en">' in html and "<h1" in html
        link = re.search(r"http://testserver(/embargoed/[^\s]+/)", text).group(1)
        other = re.search(
            r"/embargoed/[^\s]+/",
            smtp.to("ben@press.example")[0].get_body(("plain",)).get_content(),
        )
        assert other.group(0) != link  # personal
        page = client.get(link)
        assert page.status_code == 200 and "Navy commissions a ship" in page.text
        assert "PREVIEW" in page.text and "noindex" in page["X-Robots-Tag"]
        assert client.get(scheduled.get_absolute_url()).status_code == 404  # still embargoed
    with time_machine.travel(MINUTE + timedelta(minutes=1), tick=False):
        after = client.get(link)
        assert after.status_code == 302 and after["Location"] == scheduled.get_absolute_url()
    entry = AuditEntry.objects.filter(release=scheduled, action__contains="embargo").get()
    assert entry.user == publisher
    assert "Pentagon press corps, Wire services (3 contacts)" in entry.note


def test_an_embargo_send_can_wait_for_a_chosen_time(corps, scheduled, publisher, smtp, deliver):
    with before():
        send_under_embargo(scheduled, [corps["wires"]], publisher,
                           send_at=MINUTE - timedelta(hours=1))  # fmt: skip
        deliver()
        assert smtp.messages == []
    with before(timedelta(minutes=59)):
        deliver()
    assert len(smtp.messages) == 2


@pytest.mark.parametrize("when, problem", [
    (MINUTE + timedelta(minutes=5), "before the embargo lifts"),
    (MINUTE, "before the embargo lifts"),
])  # fmt: skip
def test_the_send_time_must_come_before_the_minute(corps, scheduled, publisher, when, problem):
    with before(), pytest.raises(WorkflowError, match=problem):
        send_under_embargo(scheduled, [corps["wires"]], publisher, send_at=when)
    assert not PressMailing.objects.exists()


def test_only_a_scheduled_release_goes_under_embargo(corps, make_release, publisher, writer):
    live = make_release()
    with pytest.raises(WorkflowError, match="Only a scheduled release"):
        send_under_embargo(live, [corps["wires"]], publisher)
    with pytest.raises(WorkflowError, match="permission"):
        send_under_embargo(live, [corps["wires"]], writer)


def test_a_rescheduled_release_tells_everyone_who_got_it(
    corps, scheduled, publisher, smtp, deliver, django_capture_on_commit_callbacks
):
    later = MINUTE + timedelta(days=1, hours=1)
    with before():
        send_under_embargo(scheduled, [corps["pentagon"]], publisher)
        deliver()
        with django_capture_on_commit_callbacks(execute=True):
            take_step(cleared(scheduled), "schedule", publisher, when=later)
        deliver()
    notices = [m for m in smtp.messages if "MOVED" in m["Subject"]]
    assert sorted(m["To"] for m in notices) == ["ada@press.example", "ben@press.example"]
    assert notices[0]["Subject"] == (
        "EMBARGO MOVED to 10:00 a.m. EST Fri, Nov 27, 2026: Navy commissions a ship"
    )
    entry = AuditEntry.objects.get(release=scheduled, action="Press told: embargo moved")
    assert entry.user == publisher
    assert entry.note == ("2 contacts who had the embargoed copy: embargo moved to 10:00 a.m. "
                          "EST Fri, Nov 27, 2026.")  # fmt: skip


def test_a_withdrawn_release_tells_everyone_not_to_publish_and_its_links_end(
    corps, scheduled, publisher, smtp, deliver, client, django_capture_on_commit_callbacks
):
    with before():
        send_under_embargo(scheduled, [corps["wires"]], publisher)
        deliver()
        link = re.search(
            r"/embargoed/[^\s]+/", smtp.messages[0].get_body(("plain",)).get_content()
        ).group(0)
        with django_capture_on_commit_callbacks(execute=True):
            take_step(scheduled, "withdraw", publisher)
        deliver()
        withdrawn = [m for m in smtp.messages if "WITHDRAWN" in m["Subject"]]
        assert sorted(m["To"] for m in withdrawn) == ["ben@press.example", "cy@press.example"]
        assert "do not publish" in withdrawn[0].get_body(("plain",)).get_content().lower()
        assert client.get(link).status_code == 404
    assert AuditEntry.objects.filter(release=scheduled, note__contains="withdrawn").exists()


def test_a_copy_not_yet_sent_when_the_release_is_withdrawn_never_goes(
    corps, scheduled, publisher, smtp, deliver, django_capture_on_commit_callbacks
):
    with before():
        send_under_embargo(scheduled, [corps["wires"]], publisher,
                           send_at=MINUTE - timedelta(hours=1))  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            take_step(scheduled, "withdraw", publisher)
    with before(timedelta(minutes=30)):
        deliver()
    assert smtp.messages == []  # no copy, and no notice to people who never had it


def test_a_wrong_personal_link_is_a_404(client):
    assert client.get("/embargoed/nope/").status_code == 404


def test_publishers_send_from_the_admin(corps, scheduled, publisher, client, smtp, deliver):
    client.force_login(publisher)
    with before():
        page = client.get("/admin/subscriptions/pressmailing/add/")
        assert page.status_code == 200 and "Navy commissions a ship" in page.text
        refused = client.post("/admin/subscriptions/pressmailing/add/", {
            "release": scheduled.pk, "lists": [corps["wires"].pk],
            "send_at_0": "2026-11-26", "send_at_1": "10:00",
        })  # fmt: skip
        assert refused.status_code == 200 and "before the embargo lifts" in refused.text
        done = client.post("/admin/subscriptions/pressmailing/add/", {
            "release": scheduled.pk, "lists": [corps["wires"].pk],
            "send_at_0": "", "send_at_1": "",
        })  # fmt: skip
        assert done.status_code == 302
        deliver()
        mailing = PressMailing.objects.get()
        progress = client.get(f"/admin/subscriptions/pressmailing/{mailing.pk}/change/")
        assert "2 sent" in progress.text
    assert len(smtp.messages) == 2


def personal_link(message):
    return re.search(r"/embargoed/[^\s]+/", message.get_body(("plain",)).get_content()).group(0)


@pytest.mark.parametrize("hear_of_it", [True, False], ids=["told", "worker-alone"])
def test_a_copy_queued_before_a_withdrawal_never_goes_after_the_release_is_scheduled_again(
    hear_of_it, corps, scheduled, publisher, smtp, deliver, django_capture_on_commit_callbacks
):
    """Withdrawn, then scheduled a day and more later: the waiting copy would say the old
    minute, telling the press they may publish a day early. "worker-alone": the workflow's
    after-commit hook never ran, so the worker's own check at sending time must catch it."""
    later = MINUTE + timedelta(days=1, hours=13, minutes=56)
    with before():
        send_under_embargo(scheduled, [corps["wires"]], publisher,
                           send_at=MINUTE - timedelta(hours=1))  # fmt: skip
        capture = django_capture_on_commit_callbacks(execute=hear_of_it)
        with capture:
            take_step(scheduled, "withdraw", publisher)
            again = take_step(cleared(scheduled), "schedule", publisher, when=later)
    assert again.publish_at == later
    with before(timedelta(minutes=30)):
        deliver()
    assert smtp.messages == []
    assert not PressDelivery.objects.filter(status="queued").exists()


def test_a_copy_waiting_when_the_release_moves_says_the_new_minute(
    corps, scheduled, publisher, smtp, deliver, django_capture_on_commit_callbacks
):
    later = MINUTE + timedelta(days=1)
    with before():
        send_under_embargo(scheduled, [corps["wires"]], publisher,
                           send_at=MINUTE - timedelta(hours=1))  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            take_step(cleared(scheduled), "schedule", publisher, when=later)
    with before(timedelta(minutes=30)):
        deliver()
    assert {m["Subject"] for m in smtp.messages} == {
        "EMBARGOED UNTIL 9:00 a.m. EST Fri, Nov 27, 2026: Navy commissions a ship"
    }


def test_personal_links_end_with_a_withdrawal_and_stay_ended_when_it_is_scheduled_again(
    corps, scheduled, publisher, smtp, deliver, client, django_capture_on_commit_callbacks
):
    with before():
        send_under_embargo(scheduled, [corps["wires"]], publisher)
        deliver()
        link = personal_link(smtp.to("ben@press.example")[0])
        assert client.get(link).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            withdrawn = take_step(scheduled, "withdraw", publisher)
            withdrawn.title = "A new headline, not for the old list"
            withdrawn.save()
            take_step(cleared(withdrawn), "schedule", publisher, when=MINUTE + timedelta(days=2))
        assert client.get(link).status_code == 404


def test_a_personal_link_ends_when_its_contact_is_made_inactive(
    corps, scheduled, publisher, smtp, deliver, client
):
    with before():
        send_under_embargo(scheduled, [corps["wires"]], publisher)
        deliver()
        link = personal_link(smtp.to("cy@press.example")[0])
        assert client.get(link).status_code == 200
        PressContact.objects.filter(pk=corps["cy"].pk).update(active=False)
        assert client.get(link).status_code == 404


def test_a_personal_link_lives_until_a_day_after_the_embargo(
    corps, scheduled, publisher, smtp, deliver, client
):
    with before():
        send_under_embargo(scheduled, [corps["wires"]], publisher)
        deliver()
        link = personal_link(smtp.to("cy@press.example")[0])
    with time_machine.travel(MINUTE + timedelta(hours=23), tick=False):
        assert client.get(link).status_code == 302  # to the public page
    with time_machine.travel(MINUTE + timedelta(days=1, minutes=1), tick=False):
        assert client.get(link).status_code == 404
