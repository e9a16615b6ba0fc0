"""The visibility rule, written once (docs/design.md, rule 1).

A release is live when it is published, its publish time has come, and its expiry time, if any,
has not. Everything else follows from the same two comparisons with the clock: a published
release whose time has not come is scheduled, one whose expiry has passed is expired. The rule
is spelled twice, as SQL filters and in Python, because a database query and an object in memory
both need it; tests/test_visibility.py proves every spelling agrees over every state and time.
"""

from django.db.models import Min, Q

from articles.states import STATE_OF_STATUS, State, Status


def state_filters(now):
    """One filter per State at `now`; together they sort every release into exactly one."""
    published = Q(status=Status.PUBLISHED)
    started = Q(publish_at__lte=now)
    filters = {state: Q(status=status) for status, state in STATE_OF_STATUS.items()}
    filters[State.SCHEDULED] = published & (Q(publish_at__isnull=True) | Q(publish_at__gt=now))
    filters[State.LIVE] = published & started & (Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    filters[State.EXPIRED] = published & started & Q(expire_at__lte=now)
    return filters


def state_filter(state, now):
    return state_filters(now)[State(state)]


def state_at(status, publish_at, expire_at, now):
    """The State of a release with these fields at `now` (the filters above, in Python)."""
    if status != Status.PUBLISHED:
        return STATE_OF_STATUS[Status(status)]
    if publish_at is None or publish_at > now:
        return State.SCHEDULED
    if expire_at is not None and expire_at <= now:
        return State.EXPIRED
    return State.LIVE


def next_change(releases, now):
    """The next moment after `now` at which the clock alone changes the state of one of
    `releases`: a published release's publish or expiry time. None when nothing is due."""
    times = releases.filter(status=Status.PUBLISHED).aggregate(
        publish=Min("publish_at", filter=Q(publish_at__gt=now)),
        expire=Min("expire_at", filter=Q(expire_at__gt=now)),
    )
    upcoming = [moment for moment in times.values() if moment is not None]
    return min(upcoming) if upcoming else None


def clock_moments(releases, start, end):
    """Every moment in (start, end] at which the clock alone changed, or will change, the state
    of one of `releases`, sorted: the publish and expiry times of published releases."""
    published = releases.filter(status=Status.PUBLISHED)
    starts = published.filter(publish_at__gt=start, publish_at__lte=end)
    ends = published.filter(expire_at__gt=start, expire_at__lte=end)
    moments = {*starts.values_list("publish_at", flat=True)}
    moments.update(ends.values_list("expire_at", flat=True))
    return sorted(moments)
