"""What the rooms put on the desk, the admin's home page (articles/editorial/desk/).

A panel is a short list with a title, for the people who hold its permission. The newsroom's
own panels are in articles/editorial/desk/panels.py; rooms beside it add theirs from their
AppConfig.ready (the alerts sending now, from subscriptions; the site's health, from pressoffice),
so the desk shows them without importing those rooms. A panel's `rows` must be a fixed few
queries however much the database holds: the desk's query budget is asserted in tests.
"""

import dataclasses
import datetime
from collections.abc import Callable


class Place:
    """Where a panel sits, top to bottom; the names say for whom."""

    ALARM = 0  # something is wrong now: above everything
    WRITER = 1
    REVIEWER = 2
    PUBLISHER = 3
    EVERYONE = 4


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of a panel: what it is, where it opens, and what to say beside it."""

    title: str
    url: str
    when: datetime.datetime | None = None  # shown in office time
    detail: str = ""
    flag: str = ""  # a word that needs attention ("Overdue"), shown as text beside the title


@dataclasses.dataclass(frozen=True)
class Panel:
    key: str  # unique; the section's id on the page
    title: str
    rows: Callable  # (request, now) -> [Row]; an empty list shows `empty`
    place: int = Place.EVERYONE
    permission: str | None = None  # who sees it; None: everyone who reaches the admin
    empty: str = "Nothing here."
    note: str = ""  # a sentence under the title when there are rows: what they mean, what to do
    hide_when_empty: bool = False  # alarms only show when they ring
    more: Callable | None = None  # () -> the address of the whole list, if there is one
    template: str = "admin/desk/panel.html"  # gets `panel`, `rows` and `now`

    def visible_to(self, user):
        return self.permission is None or user.has_perm(self.permission)


_panels = {}


def add(panel):
    _panels[panel.key] = panel
    return panel


def panels_for(user):
    """The panels this user sees, in their places."""
    visible = [panel for panel in _panels.values() if panel.visible_to(user)]
    return sorted(visible, key=lambda panel: panel.place)


# How many rows a panel lists; the whole list is a link away.
SHORT = 8
