"""Calendar arithmetic for the archive pages, in the office's time zone."""

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone


def local_midnight(day):
    """The start of a calendar day in office time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def month_bounds(year, month):
    """[start, end) of a month in office time, or 404 for a month that cannot exist."""
    try:
        first = datetime.date(year, month, 1)
        following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    except ValueError:
        raise Http404("No such month.") from None
    return local_midnight(first), local_midnight(following)


def year_bounds(year):
    try:
        return local_midnight(datetime.date(year, 1, 1)), local_midnight(
            datetime.date(year + 1, 1, 1)
        )
    except ValueError:
        raise Http404("No such year.") from None


@dataclass
class ArchiveYear:
    year: int
    count: int
    months: list  # [(datetime.date first of month, count)], newest first


def archive_years(month_counts):
    """Group (month, count) rows into years, newest first, for the archive navigation."""
    years = {}
    for month, count in month_counts:
        day = timezone.localtime(month).date() if isinstance(month, datetime.datetime) else month
        entry = years.setdefault(day.year, ArchiveYear(day.year, 0, []))
        entry.count += count
        entry.months.append((day, count))
    return list(years.values())
