"""Each person's private iCalendar feed (RFC 5545) of the planning calendar, for calendar apps
that fetch it without a session: /calendar/<token>.ics.

The address is the credential, like a share link's: 256 random bits, of which only the SHA-256
is stored (CalendarFeed), made and revoked by its owner at /admin/calendar/feed/, and kept out of
every log (pressoffice/scrubbing.py). It holds the calendar's moments from FEED_DAYS_BEFORE
days ago to FEED_DAYS_AFTER days ahead, each with its title, time and admin address only: never
a release's text, nor a plan's note. It answers 404 once revoked, and once its owner is
deactivated, leaves the staff or may no longer read releases. Never cached outside the
calendar app that fetched it (private, no-store), and not a page the page cache serves.
"""

import datetime
import secrets

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from articles import agenda
from articles.addresses import site_url
from articles.editorial.calendar.forms import FeedForm
from articles.editorial.calendar.views import VIEW_PERMISSION, require_reader
from articles.models import CalendarFeed
from articles.models.records import hash_token

# Two weeks back and three months ahead: what a desk plans with. A wider window costs every
# fetch (each calendar app asks every few minutes) for moments nobody looks at there.
FEED_DAYS_BEFORE = 14
FEED_DAYS_AFTER = 92
# Moments a release can have several of, told apart in their UID by their time.
_MANY_PER_RELEASE = {agenda.Kind.PRESS_MAILING}


def feed_window(now):
    return (
        now - datetime.timedelta(days=FEED_DAYS_BEFORE),
        now + datetime.timedelta(days=FEED_DAYS_AFTER),
    )


def issue(user):
    """A new feed address for `user`, ending the one they had; the secret is in the returned
    address and nowhere else."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        # One person's two clicks at once: the second waits, then replaces the first's feed.
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        CalendarFeed.objects.end(user)
        CalendarFeed.objects.create(user=user, token=hash_token(secret))
    return reverse("calendar_feed", args=[secret])


def may_read(user):
    return user.is_active and user.is_staff and user.has_perm(VIEW_PERMISSION)


@require_safe
def feed_view(request, token):
    feed = CalendarFeed.objects.usable().with_secret(token).select_related("user").first()
    if feed is None or not may_read(feed.user):
        raise Http404("No such calendar feed.")
    response = HttpResponse(
        to_ical(agenda.moments(*feed_window(timezone.now())), request),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def uid(moment, host):
    key = moment.planned_id if moment.kind == agenda.Kind.PLANNED else moment.release_id
    when = f"-{moment.at:%Y%m%dT%H%M%SZ}" if moment.kind in _MANY_PER_RELEASE else ""
    return f"{moment.kind}-{key}{when}@{host}"


def to_ical(moments, request):
    calendar = Calendar()
    calendar.add("prodid", "-//Press Office//Planning calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{admin.site.site_header}: planning")
    every = datetime.timedelta(minutes=15)  # a hint to calendar apps (RFC 7986)
    calendar.add("refresh-interval", every, parameters={"VALUE": "DURATION"})
    stamp = timezone.now().astimezone(datetime.UTC)
    host = request.get_host()
    for moment in moments:
        event = Event()
        event.add("uid", uid(moment, host))
        event.add("dtstamp", stamp)
        event.add("dtstart", moment.at.astimezone(datetime.UTC))
        event.add("summary", f"{moment.kind.label}: {moment.title}")
        if moment.detail:
            event.add("description", moment.detail)
        event.add("url", site_url(moment.url, request))
        calendar.add_component(event)
    return calendar.to_ical()


def feed_settings(request):
    """Create (or replace) and revoke one's own feed address. A new address is shown on the
    page that made it, this once: a message would keep it in the session."""
    require_reader(request)
    context = {**admin.site.each_context(request), "title": "Your calendar feed"}
    if request.method == "POST":
        form = FeedForm(request.POST)
        if form.is_valid() and form.cleaned_data["action"] == "create":
            context["new_url"] = site_url(issue(request.user), request)
        elif form.is_valid():
            if CalendarFeed.objects.end(request.user):
                messages.success(request, "Your calendar feed is revoked: its address answers 404.")
            return redirect("admin:calendar_feed_settings")
        else:
            messages.error(request, "Choose Create or Revoke.")
            return redirect("admin:calendar_feed_settings")
    context["feed"] = CalendarFeed.objects.usable().filter(user=request.user).first()
    context["days"] = (FEED_DAYS_BEFORE, FEED_DAYS_AFTER)
    return TemplateResponse(request, "admin/calendar/feed.html", context)
