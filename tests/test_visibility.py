"""The one visibility rule (articles/visibility.py): every spelling of it agrees with
Release.objects.live() at every moment, for every combination of status and times."""

import datetime
import itertools

import pytest
import time_machine

from articles import visibility
from articles.models import Release
from articles.states import State
from tests.support import NOW

MINUTE = datetime.timedelta(minutes=1)
MICROSECOND = datetime.timedelta(microseconds=1)
STATUSES = [s for s, _ in Release.Status.choices]
PUBLISH_TIMES = {"none": None, "past": NOW - MINUTE, "now": NOW, "future": NOW + MINUTE}
EXPIRY_TIMES = {"none": None, "past": NOW - MINUTE / 2, "now": NOW, "future": NOW + MINUTE}


def expected_live(status, publish_at, expire_at, now):
    """Design rule 1 (docs/design.md), written out independently of the code under test."""
    return (
        status == "published"
        and publish_at is not None
        and publish_at <= now
        and (expire_at is None or expire_at > now)
    )


TIMES = sorted({t for t in [*PUBLISH_TIMES.values(), *EXPIRY_TIMES.values()] if t is not None})
# Moments to look from: before, at and between every publish and expiry time of the matrix.
MOMENTS = [NOW - 2 * MINUTE, *TIMES, *(t + MICROSECOND for t in TIMES), NOW + 2 * MINUTE]


@pytest.fixture
def matrix(office):
    """A release for every status × publish time × expiry time the database accepts."""
    releases = []
    for status, (p_name, publish_at), (e_name, expire_at) in itertools.product(
        STATUSES, PUBLISH_TIMES.items(), EXPIRY_TIMES.items()
    ):
        if publish_at is not None and expire_at is not None and expire_at <= publish_at:
            continue  # refused by the database constraint; tested in test_models
        title = f"{status} {p_name} {e_name}"
        releases.append(
            Release(
                title=title,
                slug=title.replace(" ", "-"),
                status=status,
                publish_at=publish_at,
                expire_at=expire_at,
                office=office,
            )
        )
    # bulk_create skips save()'s derivations, so a published row may keep a null publish time.
    Release.objects.bulk_create(releases)
    return list(Release.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("now", MOMENTS, ids=lambda moment: moment.strftime("%H:%M:%S.%f"))
def test_every_spelling_of_the_rule_agrees_with_live_over_every_state_and_time(matrix, now):
    expected = {r.title for r in matrix if expected_live(r.status, r.publish_at, r.expire_at, now)}
    if now == NOW:
        assert expected and len(expected) < len(matrix), "the matrix holds live and hidden rows"

    live = set(Release.objects.live(now).values_list("title", flat=True))
    assert live == expected
    with time_machine.travel(now, tick=False):
        assert set(Release.objects.live().values_list("title", flat=True)) == expected
        for release in matrix:
            is_live = release.title in expected
            assert release.is_live is is_live, release.title
            assert release.is_live_at(now) is is_live, release.title
            assert (release.state == State.LIVE) is is_live, release.title
            assert release.state == release.state_at(now), release.title

    # The six state filters sort every release into exactly the state its object reports.
    sorted_titles = []
    for state in State:
        in_state = set(Release.objects.in_state(state, now).values_list("title", flat=True))
        assert in_state == {r.title for r in matrix if r.state_at(now) == state}, state
        sorted_titles.extend(in_state)
    assert sorted(sorted_titles) == sorted(r.title for r in matrix)


@pytest.mark.django_db
@pytest.mark.parametrize("now", MOMENTS, ids=lambda moment: moment.strftime("%H:%M:%S.%f"))
def test_the_page_caches_boundary_is_never_later_than_the_next_change(matrix, now):
    """A page cached at `now` may be kept until next_change(): nothing changes before it."""
    boundary = visibility.next_change(Release.objects.all(), now)
    states_now = [release.state_at(now) for release in matrix]
    changes = [t for t in TIMES if t > now and [r.state_at(t) for r in matrix] != states_now]
    if not changes:
        return  # nothing will change by itself; any boundary (or none) is safe
    assert boundary is not None and now < boundary <= changes[0]
    assert [r.state_at(boundary - MICROSECOND) for r in matrix] == states_now


@pytest.mark.django_db
def test_scheduled_release_is_hidden_until_its_minute(make_release):
    release = make_release(publish_at=NOW)
    with time_machine.travel(NOW - datetime.timedelta(seconds=1), tick=False):
        assert not Release.objects.live().filter(pk=release.pk).exists()
        assert release.state == State.SCHEDULED
    with time_machine.travel(NOW, tick=False):
        assert Release.objects.live().filter(pk=release.pk).exists()
        assert release.state == State.LIVE


@pytest.mark.django_db
def test_expired_release_goes_down_at_its_minute(make_release):
    release = make_release(publish_at=NOW - datetime.timedelta(days=1), expire_at=NOW)
    with time_machine.travel(NOW - datetime.timedelta(seconds=1), tick=False):
        assert release.is_live
    with time_machine.travel(NOW, tick=False):
        assert not release.is_live
        assert not Release.objects.live().filter(pk=release.pk).exists()
        assert release.state == State.EXPIRED


@pytest.mark.django_db
def test_state_label_names_the_scheduled_time_in_office_time(make_release):
    release = make_release(publish_at=datetime.datetime(2026, 11, 26, 14, 0, tzinfo=datetime.UTC))
    with time_machine.travel(NOW, tick=False):
        assert release.state_label == "Scheduled — Thu 26 Nov 2026, 09:00 EST"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "label"),
    [("draft", "Draft"), ("review", "In review"), ("withdrawn", "Withdrawn")],
)
def test_unpublished_states_are_named_in_words(make_release, status, label):
    assert make_release(status=status).state_label == label
