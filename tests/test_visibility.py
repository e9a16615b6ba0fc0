"""The one visibility rule: Release.objects.live() and Release.is_live agree everywhere."""

import datetime
import itertools

import pytest
import time_machine

from articles.models import Release

from .conftest import NOW

MINUTE = datetime.timedelta(minutes=1)
STATUSES = [s for s, _ in Release.Status.choices]
PUBLISH_TIMES = {"none": None, "past": NOW - MINUTE, "now": NOW, "future": NOW + MINUTE}
EXPIRY_TIMES = {"none": None, "past": NOW - MINUTE / 2, "now": NOW, "future": NOW + MINUTE}


def expected_live(status, publish_at, expire_at):
    """DESIGN.md rule 1, written out independently of the code under test."""
    return (
        status == "published"
        and publish_at is not None
        and publish_at <= NOW
        and (expire_at is None or expire_at > NOW)
    )


@pytest.mark.django_db
def test_live_queryset_and_is_live_agree_over_every_state_and_time(office):
    cases = {}
    for status, (p_name, publish_at), (e_name, expire_at) in itertools.product(
        STATUSES, PUBLISH_TIMES.items(), EXPIRY_TIMES.items()
    ):
        if publish_at is not None and expire_at is not None and expire_at <= publish_at:
            continue  # refused by the database constraint; tested in test_models
        title = f"{status} {p_name} {e_name}"
        release = Release(
            title=title,
            slug=title.replace(" ", "-"),
            status=status,
            publish_at=publish_at,
            expire_at=expire_at,
            office=office,
        )
        cases[title] = (release, expected_live(status, publish_at, expire_at))
    # bulk_create skips save()'s derivations, so a published row may keep a null publish time.
    Release.objects.bulk_create([release for release, _ in cases.values()])

    with time_machine.travel(NOW, tick=False):
        live_titles = set(Release.objects.live().values_list("title", flat=True))
        for release in Release.objects.all():
            expected = cases[release.title][1]
            assert release.is_live is expected, release.title
            assert (release.title in live_titles) is expected, release.title
    assert live_titles, "the matrix must contain live releases"
    assert len(live_titles) < len(cases)


@pytest.mark.django_db
def test_scheduled_release_is_hidden_until_its_minute(make_release):
    release = make_release(publish_at=NOW)
    with time_machine.travel(NOW - datetime.timedelta(seconds=1), tick=False):
        assert not Release.objects.live().filter(pk=release.pk).exists()
        assert release.state == "Scheduled"
    with time_machine.travel(NOW, tick=False):
        assert Release.objects.live().filter(pk=release.pk).exists()
        assert release.state == "Live"


@pytest.mark.django_db
def test_expired_release_goes_down_at_its_minute(make_release):
    release = make_release(publish_at=NOW - datetime.timedelta(days=1), expire_at=NOW)
    with time_machine.travel(NOW - datetime.timedelta(seconds=1), tick=False):
        assert release.is_live
    with time_machine.travel(NOW, tick=False):
        assert not release.is_live
        assert not Release.objects.live().filter(pk=release.pk).exists()
        assert release.state == "Expired"


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
