"""The planning calendar's pages under /admin/calendar/: a month, a week or an agenda of what
happens when (articles/agenda.py), in office time, and the rescheduling they offer, which only
the workflow's Schedule step carries out. Staff who may read releases see them."""

import dataclasses
import datetime
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from articles import agenda
from articles.editorial.calendar import periods
from articles.editorial.calendar.forms import RescheduleForm
from articles.editorial.calendar.planning import ADD_PERMISSION
from articles.editorial.workflow import take_step
from articles.errors import WorkflowError
from articles.models import Release
from articles.roles import PUBLISH_PERMISSION
from articles.states import State, Status

VIEW_PERMISSION = "articles.view_release"
# The calendar's pages by URL name (admin namespace), each with the view it shows.
PAGES = {
    "calendar": "month", "calendar_month": "month", "calendar_week": "week",
    "calendar_week_of": "week", "calendar_agenda": "agenda", "calendar_agenda_from": "agenda",
}  # fmt: skip
# Where "Today" goes from each view.
TODAY = {"month": "calendar", "week": "calendar_week", "agenda": "calendar_agenda"}


def require_reader(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied("The planning calendar is for staff who read releases.")


def page_url(view, day):
    if view == "month":
        return reverse("admin:calendar_month", args=[day.year, day.month])
    name = {"week": "calendar_week_of", "agenda": "calendar_agenda_from"}[view]
    return reverse(f"admin:{name}", args=[day.year, day.month, day.day])


@dataclasses.dataclass(frozen=True)
class Entry:
    """A moment as this person sees it: with the release's version when they may move it."""

    moment: agenda.Moment
    version: int | None = None
    may_open: bool = False


@dataclasses.dataclass(frozen=True)
class Day:
    date: datetime.date
    entries: list
    in_period: bool = True
    is_today: bool = False


def entries(user, period, now):
    """The period's moments as Entries: one query per source, and one for the versions of the
    releases this person may schedule from here: the scheduled ones, and the plans' releases in
    review (scheduled at their planned time, once cleared)."""
    found = agenda.moments(period.start_at, period.end_at)
    versions = {}
    if user.has_perm(PUBLISH_PERMISSION):
        scheduled = Release.objects.in_state(State.SCHEDULED, now).filter(
            publish_at__gte=period.start_at, publish_at__lt=period.end_at
        )
        planned = [m.release_id for m in found if m.kind == agenda.Kind.PLANNED and m.release_id]
        in_review = Release.objects.filter(pk__in=planned, status=Status.IN_REVIEW)
        versions = dict((scheduled | in_review).values_list("pk", "lock_version"))
    may_open = user.has_perm(ADD_PERMISSION)
    movable = {agenda.Kind.GOES_LIVE, agenda.Kind.PLANNED}
    return [
        Entry(
            moment,
            versions.get(moment.release_id) if moment.kind in movable else None,
            may_open and moment.kind == agenda.Kind.PLANNED and moment.release_id is None,
        )
        for moment in found
    ]


def _page(request, period, days, template):
    views = [("month", "Month"), ("week", "Week"), ("agenda", "Agenda")]
    context = {
        **admin.site.each_context(request),
        "title": "Planning calendar",
        "period": period,
        "days": days,
        "views": [(label, page_url(view, period.anchor), view == period.view)
                  for view, label in views],
        "previous_url": page_url(period.view, period.previous),
        "next_url": page_url(period.view, period.next),
        "today_url": reverse(f"admin:{TODAY[period.view]}"),
        "time_zone": settings.TIME_ZONE,
        "back": request.get_full_path(),
    }  # fmt: skip
    return TemplateResponse(request, template, context)


def _by_day(request, period):
    now = timezone.now()
    grouped = defaultdict(list)
    for entry in entries(request.user, period, now):
        grouped[timezone.localtime(entry.moment.at).date()].append(entry)
    return grouped, timezone.localdate(now)


def month_view(request, year=None, month=None):
    require_reader(request)
    today = timezone.localdate()
    try:
        if year is None:
            year, month = today.year, today.month
        period = periods.month(year, month, today)
    except (ValueError, OverflowError):  # no such day, or a number past any date
        raise Http404("No such month.") from None
    grouped, today = _by_day(request, period)
    days = [
        Day(day, grouped.get(day, []), day.month == period.anchor.month, day == today)
        for day in period.days()
    ]
    weeks = [days[n : n + 7] for n in range(0, len(days), 7)]
    return _page(request, period, weeks, "admin/calendar/month.html")


def week_view(request, year=None, month=None, day=None):
    return _days(request, periods.week, (year, month, day), "admin/calendar/days.html")


def agenda_view(request, year=None, month=None, day=None):
    return _days(request, periods.agenda, (year, month, day), "admin/calendar/days.html")


def _days(request, make, ymd, template):
    require_reader(request)
    try:
        period = make(timezone.localdate() if ymd[0] is None else datetime.date(*ymd))
    except (ValueError, OverflowError):  # no such day, or a number past any date
        raise Http404("No such day.") from None
    grouped, today = _by_day(request, period)
    days = [Day(day, grouped.get(day, []), True, day == today) for day in period.days()]
    if period.view == "agenda":
        days = [day for day in days if day.entries]
    return _page(request, period, days, template)


@require_POST
def reschedule(request):
    """Move a scheduled release to a new minute with the workflow's Schedule step (its checks,
    audit entry and the press corps' notices): refused, it says why on the calendar."""
    require_reader(request)
    back = _calendar_page(request.POST.get("back", ""))
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        problems = [f"{e}" for errors in form.errors.values() for e in errors]
        messages.error(request, "Nothing was moved: " + " ".join(problems))
        return redirect(back)
    data = form.cleaned_data
    release = Release.objects.filter(pk=data["release"]).first()
    if release is None:
        messages.error(request, "Nothing was moved: that release does not exist.")
        return redirect(back)
    when = data["when"]
    shown = date_format(timezone.localtime(when), "D j M Y, H:i T")
    current = release.publish_at and release.publish_at.replace(second=0, microsecond=0)
    if release.status == Status.PUBLISHED and when == current and when > timezone.now():
        messages.info(request, f"“{release.title}” is already scheduled for {shown}.")
        return redirect(back)
    try:
        take_step(
            release, "schedule", request.user, when=when, seen_version=data["version"],
            note="Moved on the planning calendar.",
        )  # fmt: skip
    except WorkflowError as error:
        messages.error(request, f"“{release.title}” was not moved: {error}")
    else:
        messages.success(request, f"“{release.title}” is now scheduled for {shown}.")
    return redirect(back)


def _calendar_page(back):
    """`back` when it is one of the calendar's pages on this site, else the calendar."""
    parts = urlsplit(back)
    if not parts.scheme and not parts.netloc and back.startswith("/"):
        try:
            match = resolve(parts.path)
        except Resolver404:
            match = None
        if match and match.namespace == "admin" and match.url_name in PAGES:
            return back
    return reverse("admin:calendar")
