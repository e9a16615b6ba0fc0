"""The planning calendar (articles/editorial/calendar/): its month, week and agenda pages in
office time, rescheduling through the workflow's Schedule step from the served form, and
planned items opened as drafts. The feed and the query budgets: test_calendar_feed.py."""

import pytest

from articles.editorial.workflow import take_step
from articles.models import AuditEntry, Office, PlannedItem, Release
from articles.roles import PUBLISHER, REVIEWER, WRITER
from articles.states import State, Status
from tests.editorial.calendar_scene import WEEK, messages, shown, signed_in
from tests.editorial.release_form import change_url
from tests.subscriptions.pages import form_defaults
from tests.support import cleared, local

pytestmark = pytest.mark.django_db


def test_each_view_shows_every_kind_in_words_with_its_time_and_page(client, scene, people):
    client = signed_in(client, people[REVIEWER])
    release, plan = scene["scheduled"], scene["plan"]
    expected = {
        ("Goes live", local(2026, 11, 26, 9), change_url(release), "Harbor reopens"),
        ("Embargoed press mailing", local(2026, 11, 25, 15), change_url(release),
         "Harbor reopens"),
        ("Expires", local(2026, 11, 27, 17), change_url(scene["expiring"]), "Storm advisory"),
        ("Planned", local(2026, 11, 24, 10), f"/admin/articles/planneditem/{plan.pk}/change/",
         plan.title),
    }  # fmt: skip
    for path in ["/admin/calendar/", "/admin/calendar/2026/11/", WEEK, "/admin/calendar/week/",
                 "/admin/calendar/agenda/2026/11/23/"]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        assert expected <= shown(response), path
        assert "qzxbody" not in response.text and "qzxnote" not in response.text
    month = client.get("/admin/calendar/").text
    assert "<caption>November 2026</caption>" in month and '<th scope="col">' in month
    assert "09:00" in month, "office time, not UTC (14:00)"
    # The agenda starts today: Tuesday's plan is behind it.
    assert not any(m[0] == "Planned" for m in shown(client.get("/admin/calendar/agenda/")))


def test_a_moment_is_on_its_day_in_office_time(client, clock, make_release, people):
    """23:30 in Washington on Wednesday is Thursday in UTC: the calendar says Wednesday."""
    late = make_release("Late statement", publish_at=local(2026, 11, 25, 23, 30))
    page = signed_in(client, people[REVIEWER]).get(WEEK).text
    wednesday = page.index('id="day-2026-11-25"')
    thursday = page.index('id="day-2026-11-26"')
    assert wednesday < page.index(f'href="{change_url(late)}"') < thursday


def test_previous_next_and_today_are_plain_links(client, clock, people):
    client = signed_in(client, people[REVIEWER])
    links = {
        "/admin/calendar/": ["/admin/calendar/2026/10/", "/admin/calendar/2026/12/"],
        "/admin/calendar/2026/1/": ["/admin/calendar/2025/12/", "/admin/calendar/2026/2/"],
        WEEK: ["/admin/calendar/week/2026/11/16/", "/admin/calendar/week/2026/11/30/"],
        "/admin/calendar/week/2026/11/25/": ["/admin/calendar/week/2026/11/16/"],
        "/admin/calendar/agenda/": ["/admin/calendar/agenda/2026/10/28/",
                                    "/admin/calendar/agenda/2026/12/23/"],
    }  # fmt: skip
    for path, expected in links.items():
        page = client.get(path).text
        for href in expected:
            assert f'href="{href}"' in page, (path, href)
        assert (
            'href="/admin/calendar/week/2026/11/23/">Week 48</a>'
            in client.get("/admin/calendar/").text
        )
    assert 'href="/admin/calendar/">Today</a>' in client.get("/admin/calendar/2026/1/").text
    assert 'aria-current="page">Week</a>' in client.get(WEEK).text


@pytest.mark.parametrize(
    "path",
    ["/admin/calendar/2026/13/", "/admin/calendar/2026/0/", "/admin/calendar/1969/12/",
     "/admin/calendar/99999/1/", "/admin/calendar/week/2026/2/30/",
     "/admin/calendar/agenda/2026/11/31/", "/admin/calendar/2999/12/",
     "/admin/calendar/99999999999999999999/1/", "/admin/calendar/week/99999999999999999999/1/1/",
     "/admin/calendar/agenda/2026/99999999999999999999/1/"],
)  # fmt: skip
def test_a_date_that_does_not_exist_is_404(client, people, path):
    assert signed_in(client, people[REVIEWER]).get(path).status_code == 404


def test_only_staff_who_read_releases_see_the_calendar(client, people, django_user_model):
    assert client.get("/admin/calendar/").status_code == 302  # to sign in
    stranger = django_user_model.objects.create_user("stranger", is_staff=True)
    assert signed_in(client, stranger).get("/admin/calendar/").status_code == 403
    assert signed_in(client, stranger).get("/admin/calendar/feed/").status_code == 403
    for role in [WRITER, REVIEWER, PUBLISHER]:
        assert signed_in(client, people[role]).get("/admin/calendar/week/").status_code == 200
    menu = signed_in(client, people[WRITER]).get("/admin/").text
    assert 'href="/admin/calendar/feed/">Calendar feed</a>' in menu
    assert 'href="/admin/calendar/">Planning calendar</a>' in menu


# Rescheduling ------------------------------------------------------------------------------


def move_form(client, release, path=WEEK):
    """The served reschedule form of `release` on a calendar page: (action, its defaults)."""
    return form_defaults(client.get(path), f'name="release" value="{release.pk}"')


def test_a_publisher_moves_a_scheduled_release_through_the_schedule_step(
    client, scene, people, django_capture_on_commit_callbacks
):
    client = signed_in(client, people[PUBLISHER])
    release = scene["scheduled"]
    action, data = move_form(client, release)
    assert data["when"] == "2026-11-26T09:00" and data["back"] == WEEK
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, data | {"when": "2026-11-27T14:30"}, follow=True)
    assert response.redirect_chain == [(WEEK, 302)]
    release.refresh_from_db()
    assert release.publish_at == local(2026, 11, 27, 14, 30) and release.state == State.SCHEDULED
    entry = AuditEntry.objects.filter(release=release).first()
    assert (entry.action, entry.note) == ("Schedule", "Moved on the planning calendar.")
    assert messages(response) == [
        "“Harbor reopens” is now scheduled for Fri 27 Nov 2026, 14:30 EST."
    ]
    assert ("Goes live", local(2026, 11, 27, 14, 30), change_url(release), "Harbor reopens") in (
        shown(response)
    )
    # The press corps' copy waiting to go names the new minute (embargo.after_step).
    scene["mailing"].refresh_from_db()
    assert scene["mailing"].embargo_until == local(2026, 11, 27, 14, 30)


def test_the_forms_defaults_move_nothing(client, scene, people):
    client = signed_in(client, people[PUBLISHER])
    action, data = move_form(client, scene["scheduled"], "/admin/calendar/")
    response = client.post(action, data, follow=True)
    assert response.redirect_chain == [("/admin/calendar/", 302)]
    assert messages(response) == [
        "“Harbor reopens” is already scheduled for Thu 26 Nov 2026, 09:00 EST."
    ]
    assert not AuditEntry.objects.filter(release=scene["scheduled"], action="Schedule").exists()


def test_only_scheduled_releases_have_a_form_and_only_for_publishers(client, scene, people):
    page = signed_in(client, people[PUBLISHER]).get(WEEK).text
    assert page.count('name="when"') == 1, "the scheduled release; not the live one expiring"
    for role in [WRITER, REVIEWER]:
        assert 'name="when"' not in signed_in(client, people[role]).get(WEEK).text


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"when": "2026-11-25T11:00"}, "Choose a publish time in the future"),
        ({"when": "9999-12-31T23:59"}, "Choose a publish time within the next ten years."),
        ({"when": "next Tuesday"}, "Nothing was moved: Enter a valid date/time."),
        ({"when": "2026-03-08T02:30"}, "couldn’t be interpreted in time zone America/New_York"),
        ({"release": "0"}, "Nothing was moved: that release does not exist."),
        ({"release": "x", "version": ""}, "Nothing was moved: Enter a whole number."),
        ({"version": "0", "when": "2026-11-27T09:00"}, "after you opened it. Nothing was done"),
    ],
)
def test_a_refused_move_says_why_on_the_calendar(client, scene, people, change, refusal):
    client = signed_in(client, people[PUBLISHER])
    action, data = move_form(client, scene["scheduled"])
    response = client.post(action, data | change, follow=True)
    assert response.status_code == 200 and response.redirect_chain == [(WEEK, 302)]
    assert any(refusal in m for m in messages(response)), messages(response)
    scene["scheduled"].refresh_from_db()
    assert scene["scheduled"].publish_at == local(2026, 11, 26, 9)


def test_a_release_edited_since_the_calendar_was_read_is_not_moved(client, scene, people):
    client = signed_in(client, people[PUBLISHER])
    action, data = move_form(client, scene["scheduled"])
    Release.objects.get(pk=scene["scheduled"].pk).save()  # someone saved it meanwhile
    response = client.post(action, data | {"when": "2026-11-27T09:00"}, follow=True)
    assert any("after you opened it" in m for m in messages(response))


def test_an_uncleared_release_is_not_moved(client, clock, make_release, people):
    release = make_release("Not cleared", publish_at=local(2026, 11, 26, 9))
    client = signed_in(client, people[PUBLISHER])
    action, data = move_form(client, release)
    response = client.post(action, data | {"when": "2026-11-26T10:00"}, follow=True)
    assert any("was not moved" in m and "clear" in m for m in messages(response))


def test_a_writer_posting_the_form_is_told_not_refused_with_an_error_page(client, scene, people):
    action, data = move_form(signed_in(client, people[PUBLISHER]), scene["scheduled"])
    response = signed_in(client, people[WRITER]).post(
        action, data | {"when": "2026-11-27T09:00"}, follow=True
    )
    assert response.status_code == 200
    assert any("do not have permission to schedule" in m for m in messages(response))


def test_the_way_back_is_only_ever_a_calendar_page(client, scene, people):
    client = signed_in(client, people[PUBLISHER])
    action, data = move_form(client, scene["scheduled"])
    for back in ["https://evil.example/admin/calendar/", "//evil.example/", "/admin/", "junk"]:
        response = client.post(action, data | {"back": back})
        assert response["Location"] == "/admin/calendar/", back
    assert client.get(action).status_code == 405


# Planned items -----------------------------------------------------------------------------


def test_a_writer_plans_an_item_with_the_add_forms_defaults(client, office, people):
    client = signed_in(client, people[WRITER])
    action, data = form_defaults(client.get("/admin/articles/planneditem/add/"), 'name="title"')
    data |= {"title": "Storm season statement", "at_0": "2026-12-01", "at_1": "10:00"}
    response = client.post(action or "/admin/articles/planneditem/add/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    plan = PlannedItem.objects.get()
    assert (plan.owner, plan.created_by, plan.office) == (people[WRITER], people[WRITER], office)
    assert plan.at == local(2026, 12, 1, 10) and plan.release is None


def test_opening_a_plan_from_the_calendar_makes_one_draft(client, scene, office, people):
    plan = scene["plan"]
    client = signed_in(client, people[WRITER])
    action, data = form_defaults(client.get(WEEK), "Open draft")
    response = client.post(action, data)
    plan.refresh_from_db()
    release = plan.release
    assert response["Location"] == change_url(release)
    assert (release.title, release.status, release.office) == (plan.title, Status.DRAFT, office)
    assert release.created_by == people[WRITER] and release.publish_at is None
    assert AuditEntry.objects.get(release=release).action == "Opened from a plan"
    # Twice (a second click, a stale page): the same draft.
    assert client.post(action, data)["Location"] == change_url(release)
    assert Release.objects.filter(title=plan.title).count() == 1
    # The calendar still shows it as planned, now leading to its draft, with no button.
    page = client.get(WEEK)
    assert ("Planned", plan.at, change_url(release), plan.title) in shown(page)
    assert "Open draft" not in page.text


def test_the_planned_time_is_on_the_release_page_and_fills_in_schedule(client, scene, people):
    plan = scene["plan"]
    plan.at = local(2026, 11, 30, 10)
    plan.save()
    client = signed_in(client, people[PUBLISHER])
    action, data = form_defaults(client.get(f"/admin/articles/planneditem/{plan.pk}/change/"),
                                 "Open the draft")  # fmt: skip
    release = Release.objects.get(pk=client.post(action, data)["Location"].split("/")[-3])
    page = client.get(change_url(release)).text
    assert "Planned for <time" in page and "Mon 30 Nov 2026, 10:00 EST" in page
    assert 'name="when" value="2026-11-30T10:00"' in page
    assert release.publish_at is None and release.state == State.DRAFT


def test_a_plan_gives_way_to_its_release_once_it_is_scheduled(client, scene, people):
    plan = scene["plan"]
    plan.at = local(2026, 11, 27, 10)
    plan.save()
    client = signed_in(client, people[WRITER])
    client.post(f"/admin/articles/planneditem/{plan.pk}/open/")
    plan.refresh_from_db()
    release = plan.release
    release.body = "<p>The storm season starts.</p>"
    release.save()
    page = client.get(WEEK)
    assert [m for m in shown(page) if m[3] == plan.title][0][0] == "Planned"
    take_step(cleared(release), "schedule", people[PUBLISHER], when=local(2026, 11, 27, 11))
    kinds = {m[0] for m in shown(client.get(WEEK)) if m[3] == plan.title}
    assert kinds == {"Goes live"}, "only a cleared, scheduled release is scheduled"


def test_opening_is_refused_with_a_reason(client, scene, people, django_user_model):
    plan = scene["plan"]
    url = f"/admin/articles/planneditem/{plan.pk}/open/"
    response = signed_in(client, people[REVIEWER]).post(url, follow=True)
    assert any("permission to write releases" in m for m in messages(response))
    Office.objects.update(is_default=False)
    response = signed_in(client, people[WRITER]).post(url, follow=True)
    assert any("no default office" in m for m in messages(response))
    assert not Release.objects.filter(title=plan.title).exists()
    assert client.get(url).status_code == 404
    assert client.post("/admin/articles/planneditem/999/open/").status_code == 404


def test_a_plans_release_in_review_is_scheduled_from_the_calendar_once_cleared(
    client, scene, people
):
    plan = scene["plan"]
    plan.at = local(2026, 11, 27, 10)
    plan.save()
    signed_in(client, people[WRITER]).post(f"/admin/articles/planneditem/{plan.pk}/open/")
    plan.refresh_from_db()
    release = plan.release
    release.body = "<p>The storm season starts.</p>"
    release.save()
    take_step(release, "submit", people[WRITER])
    client = signed_in(client, people[PUBLISHER])
    action, data = move_form(client, release)
    assert data["when"] == "2026-11-27T10:00", "the planned minute, filled in"
    response = client.post(action, data, follow=True)
    assert "was not moved: Not cleared yet" in messages(response)[0]
    release.refresh_from_db()
    assert release.state == State.IN_REVIEW

    cleared(release)
    action, data = move_form(client, release)
    response = client.post(action, data, follow=True)
    assert messages(response) == [
        f"“{plan.title}” is now scheduled for Fri 27 Nov 2026, 10:00 EST."
    ]
    release.refresh_from_db()
    assert release.state == State.SCHEDULED and release.publish_at == plan.at
    for role in [WRITER, REVIEWER]:
        assert 'name="when"' not in signed_in(client, people[role]).get(WEEK).text


def test_a_plan_for_the_year_9999_is_a_form_error(client, people):
    client = signed_in(client, people[WRITER])
    action, data = form_defaults(client.get("/admin/articles/planneditem/add/"), 'name="title"')
    data |= {"title": "Far away", "at_0": "9999-12-31", "at_1": "23:30"}
    response = client.post(action or "/admin/articles/planneditem/add/", data)
    assert response.status_code == 200
    assert "Choose a time within the next ten years." in response.text
    assert not PlannedItem.objects.exists()
