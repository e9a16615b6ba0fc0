"""The desk: the admin's home, a short list per panel, different for each role.

Writers see their drafts, what came back to them and where their releases stand in clearance;
reviewers what waits for their sign-off; publishers what is cleared, what goes out this week,
what missed its minute and what was corrected; everyone what went out last. Each panel is a
fixed few queries (tests/editorial/test_desk.py holds the budget). Panels of the rooms beside
this one (alerts sending, the site's health) come through articles/desk.py.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from articles import agenda, desk
from articles.desk import SHORT, Panel, Place, Row
from articles.editorial import clearance
from articles.models import Correction, Release, SignOff
from articles.roles import CLEAR_PERMISSION, EDIT_PERMISSION, PUBLISH_PERMISSION
from articles.states import State, Status

# A release whose minute passed this long ago without its going-live steps has missed it:
# publish_due runs every minute.
MISSED_AFTER = datetime.timedelta(minutes=2)
WEEK = datetime.timedelta(days=7)
WEEK_SHOWN = 20  # the week's lines on the desk; the calendar has the rest


def desk_context(request):
    now = timezone.now()
    shown = []
    for panel in _in_order(desk.panels_for(request.user), request.user):
        rows = panel.rows(request, now)
        if rows or not panel.hide_when_empty:
            shown.append({"panel": panel, "rows": rows, "more": panel.more and panel.more()})
    return {"desk_panels": shown, "now": now}


def _in_order(panels, user):
    """A publisher's own panels come first, after any alarm: they mostly schedule and send."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return panels
    first = {Place.ALARM: 0, Place.PUBLISHER: 1}
    return sorted(panels, key=lambda panel: first.get(panel.place, 2))


def release_list(**query):
    return f"{reverse('admin:articles_release_changelist')}?{urlencode(query)}"


def _change_url(release):
    return reverse("admin:articles_release_change", args=[release.pk])


def _mine(user):
    return Q(created_by=user) | Q(text_changed_by=user)


def _overdue(places, now):
    """The flag of a release with a sign-off past its due time."""
    return "Overdue" if any(place.is_overdue(now) for place in places) else ""


def _waiting_names(places):
    waiting = [place.name for place in places if not place.holds and place.reached]
    return f"Waiting for {', '.join(waiting)}" if waiting else "Cleared: ready to publish"


# Alarms


def missed_schedules(request, now):
    """Published releases whose minute passed without their going-live steps (no alert, no
    release number, no press notice): publish_due is not running."""
    # Live ones only, as publish_due takes them: one whose whole run passed while the timer was
    # down is not read by anyone now, and the timer will never take it.
    missed = (
        Release.objects.live(now)
        .filter(went_live_at__isnull=True, publish_at__lte=now - MISSED_AFTER)
        .order_by("publish_at", "pk")[:SHORT]
    )
    return [
        Row(release.title, _change_url(release), release.publish_at, "due, not gone out")
        for release in missed
    ]


# Writers


def _sent_back_note(field):
    """The newest request for changes since the release was last sent for review."""
    return Subquery(
        SignOff.objects.filter(
            release=OuterRef("pk"),
            decision=SignOff.Decision.CHANGES,
            at__gte=OuterRef("review_started_at"),
        )
        .order_by("-at")
        .values(field)[:1]
    )


def _my_drafts(user):
    return (
        Release.objects.filter(_mine(user), status=Status.DRAFT)
        .annotate(sent_back_at=_sent_back_note("at"), sent_back_note=_sent_back_note("note"))
        .only("title", "updated", "review_started_at")
    )


def my_drafts(request, now):
    drafts = _my_drafts(request.user).filter(sent_back_at__isnull=True).order_by("-updated")
    return [
        Row(draft.title, _change_url(draft), draft.updated, "last saved")
        for draft in drafts[:SHORT]
    ]


def sent_back_to_me(request, now):
    drafts = _my_drafts(request.user).filter(sent_back_at__isnull=False).order_by("-sent_back_at")
    return [
        Row(draft.title, _change_url(draft), draft.sent_back_at, draft.sent_back_note or "")
        for draft in drafts[:SHORT]
    ]


def my_releases_in_clearance(request, now):
    releases = list(
        Release.objects.filter(_mine(request.user), status=Status.IN_REVIEW)
        .order_by("review_started_at", "pk")
        .only("title", "kind", "office_id", "review_started_at", "text_fingerprint")[:SHORT]
    )
    placed = clearance.standings(releases)
    return [
        Row(
            release.title,
            _change_url(release),
            release.review_started_at,
            _waiting_names(placed[release.pk]),
            _overdue(placed[release.pk], now),
        )
        for release in releases
    ]


# Reviewers


def waiting_for_my_clearance(request, now):
    return [
        Row(
            release.title,
            _change_url(release),
            release.review_started_at,
            ", ".join(place.name for place in places),
            _overdue(places, now),
        )
        for release, places in clearance.waiting_with_places(request.user)[:SHORT]
    ]


# Publishers


def cleared_to_publish(request, now):
    releases = list(
        Release.objects.filter(status=Status.IN_REVIEW)
        .order_by("review_started_at", "pk")
        .only("title", "kind", "office_id", "review_started_at", "text_fingerprint")
    )
    placed = clearance.standings(releases)
    ready = [release for release in releases if all(p.holds for p in placed[release.pk])]
    return [
        Row(release.title, _change_url(release), release.review_started_at, "every sign-off in")
        for release in ready[:SHORT]
    ]


def going_out_this_week(request, now):
    wanted = {agenda.Kind.GOES_LIVE, agenda.Kind.PRESS_MAILING}
    # Enough of each source that the first WEEK_SHOWN of the wanted kinds are among them.
    moments = agenda.moments(now, now + WEEK, limit=WEEK_SHOWN * 3)
    return [
        Row(moment.title, moment.url, moment.at, f"{moment.kind.label}: {moment.detail}")
        for moment in moments
        if moment.kind in wanted
    ][:WEEK_SHOWN]


def live_with_corrections(request, now):
    corrected = (
        Release.objects.live(now)
        .filter(Exists(Correction.objects.filter(release=OuterRef("pk"))))
        .annotate(
            last_correction=Max("corrections__created"), corrections_count=Count("corrections")
        )
        .order_by("-last_correction")
        .only("title")[:SHORT]
    )
    return [
        Row(
            release.title,
            _change_url(release),
            release.last_correction,
            f"{release.corrections_count} correction(s), the last",
        )
        for release in corrected
    ]


# Everyone


def recently_published(request, now):
    releases = Release.objects.live(now).newest_first().only("title", "publish_at")[:SHORT]
    return [Row(release.title, _change_url(release), release.publish_at) for release in releases]


for _panel in [
    Panel(
        "missed", "Missed schedules", missed_schedules, Place.ALARM, PUBLISH_PERMISSION,
        hide_when_empty=True,
        note="Their minute has passed, so readers see them, but their going-live steps have "
        "not run: no alert, no release number, no press notice. The publish timer "
        "(manage.py publish_due) is not running; an operator must start it.",
    ),
    Panel(
        "my-drafts", "My drafts", my_drafts, Place.WRITER, EDIT_PERMISSION,
        empty="No drafts of yours.", more=lambda: release_list(view="mine", state=State.DRAFT),
    ),
    Panel(
        "sent-back", "Sent back to me", sent_back_to_me, Place.WRITER, EDIT_PERMISSION,
        empty="Nothing sent back.",
    ),
    Panel(
        "my-clearance", "Mine in clearance", my_releases_in_clearance, Place.WRITER,
        EDIT_PERMISSION, empty="None of yours is in review.",
        more=lambda: release_list(view="mine", state=State.IN_REVIEW),
    ),
    Panel(
        "waiting-for-me", "Waiting for my clearance", waiting_for_my_clearance, Place.REVIEWER,
        CLEAR_PERMISSION, empty="Nothing waits for you.",
        more=lambda: release_list(clearance="mine"),
    ),
    Panel(
        "cleared", "Cleared, ready to publish", cleared_to_publish, Place.PUBLISHER,
        PUBLISH_PERMISSION, empty="Nothing cleared is waiting.",
    ),
    Panel(
        "week", "Going out in the next 7 days", going_out_this_week, Place.PUBLISHER,
        PUBLISH_PERMISSION, empty="Nothing is scheduled for the week.",
        more=lambda: release_list(view="week"),
    ),
    Panel(
        "corrected", "Live with corrections", live_with_corrections, Place.PUBLISHER,
        PUBLISH_PERMISSION, empty="No live release carries a correction.",
        more=lambda: release_list(view="corrected"),
    ),
    Panel(
        "recent", "Recently published", recently_published, Place.EVERYONE,
        empty="Nothing published yet.", more=lambda: release_list(state=State.LIVE),
    ),
]:  # fmt: skip
    desk.add(_panel)
