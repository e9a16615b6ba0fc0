"""Clearance: the rules for who signs off on a release's exact text before it may go out.

- A release takes its route (articles/models/clearance.py): the sign-offs of stage 1 at once,
  then stage 2's, and so on. Where no route applies, one person other than its writers must
  still clear it: nothing goes out on one person's word.
- A sign-off holds only while the text it cleared is the release's text (the fingerprint of
  Release.CLEARED_FIELDS). An edit voids it, and a scheduled release goes back to review.
- Nobody clears their own writing: the release's creator and whoever changed its text last
  are refused, whatever their groups.
- Publish and Schedule need every sign-off to hold (workflow.take_step asks `missing`), unless
  an Administrator, or a Publisher where the route allows it, publishes in an emergency with a
  reason; the missing sign-offs then stay open as a review after the fact.

The workflow's steps call these rules; nothing here changes a release's state by itself except
`text_changed`, which sends an edited scheduled release back to review.
"""

import datetime
import difflib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import strip_tags

from articles.errors import WorkflowError
from articles.models import AuditEntry, ClearanceRoute, Release, RequiredSignOff, SignOff
from articles.roles import CLEAR_PERMISSION, OVERRIDE_PERMISSION, PUBLISH_PERMISSION
from articles.states import State, Status

# The name of the one sign-off a release needs where no route applies.
SECOND_READER = "A second reader"


@dataclass
class Place:
    """One sign-off a release needs now, and where it stands."""

    name: str
    required: RequiredSignOff | None
    stage: int
    given: SignOff | None  # the sign-off that holds it on the current text, if any
    reached: bool  # every earlier stage holds
    reached_at: datetime.datetime | None = None  # when its stage opened

    @property
    def holds(self):
        return self.given is not None

    @property
    def due_at(self):
        if self.required is None or self.reached_at is None or not self.reached:
            return None
        return working_hours_after(self.reached_at, self.required.due_hours)

    def is_overdue(self, now=None):
        return not self.holds and self.due_at is not None and self.due_at < (now or timezone.now())

    @property
    def status(self):
        if self.holds:
            return "Cleared"
        return "Waiting" if self.reached else "After the stage before"


def route_for(release):
    return ClearanceRoute.objects.for_release(release)


def standing(release):
    """Every sign-off the release needs now, in order, with the ones that hold."""
    return standings([release])[release.pk]


# An outside answer gives only the sign-off it was asked for; a second reader is a person in the
# newsroom.
_GIVES = Q(decision=SignOff.Decision.CLEARED) | Q(
    decision=SignOff.Decision.ACCURATE, required__isnull=False
)


def standings(releases):
    """{release pk: its standing} for many releases in a fixed few queries (the desk's panels,
    the release list): every active route with its sign-offs, and every sign-off that holds."""
    releases = list(releases)
    routes = ClearanceRoute.objects.filter(active=True).prefetch_related("required__people")
    routes = sorted(routes, key=lambda route: (route.office_id is None, route.pk))
    holding = {release.pk: {} for release in releases}
    given_rows = (
        SignOff.objects.filter(_GIVES, voided_at__isnull=True, release__in=releases)
        .filter(fingerprint=F("release__text_fingerprint"))
        .select_related("user")
        .order_by("at", "pk")
    )
    for given in given_rows:
        holding[given.release_id].setdefault(given.required_id, given)
    return {
        release.pk: _places(release, _route_among(routes, release), holding[release.pk])
        for release in releases
    }


def _route_among(routes, release):
    """The route ClearanceRoute.objects.for_release would pick, from routes already loaded."""
    for route in routes:
        if route.kind == release.kind and route.office_id in {release.office_id, None}:
            return route
    return None


def _places(release, route, holding):
    needed = list(route.required.all()) if route else []
    if not needed:
        # No route, or one with no sign-offs yet: a second reader, as everywhere. A sign-off
        # whose requirement was deleted since is not one.
        given = holding.get(None)
        given = given if given and given.name == SECOND_READER else None
        return [Place(SECOND_READER, None, 1, given, reached=True)]
    places, reached, stage, stage_holds = [], True, None, True
    opened, last_given = release.review_started_at, release.review_started_at
    for required in needed:
        if required.stage != stage:
            reached, stage, stage_holds = reached and stage_holds, required.stage, True
            opened = last_given  # a stage opens when the last sign-off before it is given
        # An outside answer may come before its stage opens: it counts from then on.
        given = holding.get(required.pk) if reached else None
        stage_holds = stage_holds and given is not None
        if given is not None and (last_given is None or given.at > last_given):
            last_given = given.at
        places.append(Place(required.name, required, required.stage, given, reached, opened))
    return places


def working_hours_after(start, hours):
    """The moment `hours` working hours after `start`: Monday to Friday, within
    CLEARANCE_WORKDAY, in office time."""
    opens, closes = settings.CLEARANCE_WORKDAY
    moment, left = timezone.localtime(start), datetime.timedelta(hours=hours)
    while True:
        # Hours counted from midnight, so an office open round the clock can say 0 to 24.
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        day_opens = midnight + datetime.timedelta(hours=opens)
        day_closes = midnight + datetime.timedelta(hours=closes)
        if moment.weekday() >= 5 or moment >= day_closes:
            moment = (moment + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0)
            continue
        moment = max(moment, day_opens)
        if left <= day_closes - moment:
            return moment + left
        left -= day_closes - moment
        moment = day_closes


def missing(release):
    """The sign-offs that do not hold on the release's current text."""
    return [place for place in standing(release) if not place.holds]


def missing_sentence(places):
    names = [place.name if place.required else "a second reader" for place in places]
    return f"Not cleared yet: waiting for {', '.join(names)}."


def writers(release):
    """Who wrote the text as it stands: they may not clear it."""
    return {pk for pk in (release.created_by_id, release.text_changed_by_id) if pk}


def in_clearance(release):
    """Reviewers answer a release in review, or one published before clearance was complete
    (a review after the fact)."""
    state = release.state
    if state == State.IN_REVIEW:
        return True
    return release.published_without_clearance and state in {State.SCHEDULED, State.LIVE}


def answerable(release, user):
    """The places this user may answer now (the release page's Clear buttons)."""
    if not user.has_perm(CLEAR_PERMISSION) or user.pk in writers(release):
        return []
    if not in_clearance(release):
        return []
    return _answerable_by(standing(release), user, _group_ids(user))


def check_answer(release, user, required):
    """The Place `user` may answer for `required` (None: the second reader), or WorkflowError
    saying why not."""
    if not user.has_perm(CLEAR_PERMISSION):
        raise WorkflowError("You do not have permission to clear releases.")
    if user.pk in writers(release):
        raise WorkflowError("Nobody can clear their own writing: ask someone else to read it.")
    if not in_clearance(release):
        raise WorkflowError(
            f"A release that is {release.state.label.lower()} is not waiting for clearance."
        )
    for place in standing(release):
        if (place.required and place.required.pk) != (required and required.pk):
            continue
        if place.holds:
            raise WorkflowError(f"{place.name} has already cleared this version.")
        if not place.reached:
            raise WorkflowError(f"{place.name} comes after the stage before it has cleared.")
        if place.required is not None and not place.required.may_be_given_by(user):
            raise WorkflowError(f"You are not one of the people who give {place.name}.")
        return place
    raise WorkflowError("This sign-off is not on the release's route.")


def record(release, user, place, decision, note):
    """Write the answer and its audit entry; the caller holds the release's row lock."""
    given = SignOff.objects.create(
        release=release,
        required=place.required,
        name=place.name,
        user=user,
        decision=decision,
        note=note.strip(),
        version=release.lock_version,
        fingerprint=release.text_fingerprint,
        text=release.cleared_text(),
    )
    action = "Cleared" if decision == SignOff.Decision.CLEARED else "Changes requested"
    AuditEntry.objects.record(release, user, f"{action}: {place.name}"[:40], note)
    return given


def may_publish_uncleared(user, release):
    if user.has_perm(OVERRIDE_PERMISSION):
        return True
    route = route_for(release)
    return bool(route and route.publishers_may_override and user.has_perm(PUBLISH_PERMISSION))


def text_changed(release, user):
    """After a save that changed the cleared text: void every sign-off on the old text (with
    what changed), and send a scheduled release back to review. Returns the voided names."""
    stale = list(
        release.sign_offs.filter(decision__in=SignOff.GIVES, voided_at__isnull=True)
        .exclude(fingerprint=release.text_fingerprint)
        .order_by("at")
    )
    if not stale:
        return []
    now, text = timezone.now(), release.cleared_text()
    for given in stale:
        given.voided_at, given.voided_by = now, user
        given.voided_diff = text_diff(given.text, text)
        given.save(update_fields=["voided_at", "voided_by", "voided_diff"])
    names = ", ".join(dict.fromkeys(given.name for given in stale))
    AuditEntry.objects.record(release, user, "Sign-offs voided by an edit", names)
    state = release.state
    if state == State.SCHEDULED and not release.published_without_clearance:
        _reopen(release, status=Status.IN_REVIEW)
        AuditEntry.objects.record(
            release, user, "Back to review", "The text changed after it was cleared.",
            from_state=State.SCHEDULED, to_state=State.IN_REVIEW,
        )  # fmt: skip
    elif state in {State.LIVE, State.SCHEDULED}:
        # Public text (or text going out at its minute) changed after it was cleared: a
        # correction cannot wait, but it is reviewed after the fact, like an emergency.
        _reopen(release, published_without_clearance=True)
        AuditEntry.objects.record(
            release, user, "Review after the fact", "The text changed after it was cleared."
        )
    elif state == State.IN_REVIEW:
        _reopen(release)
    return [given.name for given in stale]


def _reopen(release, **fields):
    """Clearance starts again on the new text, from its first stage, now (the receiver in
    clearance_notices.py then tells the first stage's reviewers)."""
    fields["review_started_at"] = timezone.now()
    Release.objects.filter(pk=release.pk).update(**fields)
    for name, value in fields.items():
        setattr(release, name, value)


def text_diff(before, after):
    """What changed between two copies of the cleared fields, line by line, as plain text."""
    lines = []
    parts = sorted((set(before) | set(after)) - set(Release.CLEARED_FIELDS))
    for name in [*Release.CLEARED_FIELDS, *parts]:
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old != new:
            diff = difflib.unified_diff(old, new, f"{name} (cleared)", f"{name} (now)", lineterm="")
            lines.extend(diff)
    return "\n".join(lines)


def _plain(value):
    text = "" if value is None else str(value)
    return strip_tags(text.replace("</p>", "</p>\n")).splitlines()


def waiting_for(user):
    """Releases where this user may give a sign-off now (the release list's filter)."""
    return Release.objects.filter(pk__in=[release.pk for release, _ in waiting_with_places(user)])


def waiting_with_places(user):
    """[(release, the places this user may answer)] where they may give a sign-off now, the
    longest-waiting first; a fixed few queries however many releases are in review."""
    if not user.has_perm(CLEAR_PERMISSION):
        return []
    candidates = [
        release
        for release in Release.objects.filter(
            Q(status=Status.IN_REVIEW) | Q(published_without_clearance=True)
        )
        .exclude(Q(created_by=user) | Q(text_changed_by=user))
        .select_related("office")
        .order_by(F("review_started_at").asc(nulls_first=True), "pk")
        if in_clearance(release)
    ]
    group_ids = _group_ids(user)
    placed = standings(candidates)
    found = []
    for release in candidates:
        if mine := _answerable_by(placed[release.pk], user, group_ids):
            found.append((release, mine))
    return found


def _group_ids(user):
    return set(user.groups.values_list("pk", flat=True))


def _answerable_by(places, user, group_ids):
    """The places of a standing that `user`, in groups `group_ids`, may answer now: open, their
    stage reached, and theirs to give (RequiredSignOff.may_be_given_by, on the people
    `standings` prefetched)."""
    return [
        place
        for place in places
        if not place.holds
        and place.reached
        and (
            place.required is None
            or place.required.group_id in group_ids
            or any(person.pk == user.pk for person in place.required.people.all())
        )
    ]
