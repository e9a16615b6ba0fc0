"""The calendar's pages under /admin/ (DeskSite.desk_urls adds them); the feed itself is
outside /admin/, in pressoffice/urls.py, for calendar apps without a session."""

from django.urls import path

from articles.editorial.calendar import feed, views

_DAY = "<int:year>/<int:month>/<int:day>/"


def calendar_urls(site):
    """Each wrapped in site.admin_view: signed-in staff only; the views check the rest."""
    routes = [
        ("calendar/", views.month_view, "calendar"),
        ("calendar/<int:year>/<int:month>/", views.month_view, "calendar_month"),
        ("calendar/week/", views.week_view, "calendar_week"),
        (f"calendar/week/{_DAY}", views.week_view, "calendar_week_of"),
        ("calendar/agenda/", views.agenda_view, "calendar_agenda"),
        (f"calendar/agenda/{_DAY}", views.agenda_view, "calendar_agenda_from"),
        ("calendar/reschedule/", views.reschedule, "calendar_reschedule"),
        ("calendar/feed/", feed.feed_settings, "calendar_feed_settings"),
    ]
    return [path(route, site.admin_view(view), name=name) for route, view, name in routes]
