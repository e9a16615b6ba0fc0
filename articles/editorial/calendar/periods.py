"""The spans of days the calendar shows, in office time: a month's grid of whole weeks, a week
(Monday first), an agenda's run of days. Each knows its bounds and its neighbours."""

import calendar
import dataclasses
import datetime

from django.utils import timezone
from django.utils.formats import date_format

AGENDA_DAYS = 28
# Addresses outside these years answer 404: nothing is planned there, and date arithmetic at
# the ends of the calendar would overflow.
YEARS = range(1970, 3000)
_DAY = datetime.timedelta(days=1)


def day_start(day):
    """The moment `day` begins in the office's zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclasses.dataclass(frozen=True)
class Period:
    view: str  # "month", "week" or "agenda": the calendar's URL names end in it
    first: datetime.date
    end: datetime.date  # the day after the last one shown
    title: str
    previous: datetime.date  # where the "previous" and "next" links go
    next: datetime.date
    anchor: datetime.date  # the day the other views open on from here

    @property
    def start_at(self):
        return day_start(self.first)

    @property
    def end_at(self):
        return day_start(self.end)

    def days(self):
        return [self.first + n * _DAY for n in range((self.end - self.first).days)]


def _check(day):
    if day.year not in YEARS:
        raise ValueError(f"{day.year} is outside the calendar")
    return day


def month(year, number, today):
    """The month's weeks, Monday to Sunday, with the days of the months around it that share
    them. ValueError for a month that does not exist."""
    first = _check(datetime.date(year, number, 1))
    last = first.replace(day=calendar.monthrange(year, number)[1])
    return Period(
        view="month",
        first=first - first.weekday() * _DAY,
        end=last + (7 - last.weekday()) * _DAY,
        title=date_format(first, "F Y"),
        previous=_check((first - _DAY).replace(day=1)),
        next=_check(last + _DAY),
        anchor=today if first <= today <= last else first,
    )


def week(day):
    first = _check(day - day.weekday() * _DAY)
    last = first + 6 * _DAY
    return Period(
        view="week",
        first=first,
        end=last + _DAY,
        title=f"Week of {date_format(first, 'l j F Y')}",
        previous=_check(first - 7 * _DAY),
        next=_check(first + 7 * _DAY),
        anchor=first,
    )


def agenda(day):
    _check(day)
    return Period(
        view="agenda",
        first=day,
        end=day + AGENDA_DAYS * _DAY,
        title=f"{AGENDA_DAYS} days from {date_format(day, 'l j F Y')}",
        previous=_check(day - AGENDA_DAYS * _DAY),
        next=_check(day + AGENDA_DAYS * _DAY),
        anchor=day,
    )
