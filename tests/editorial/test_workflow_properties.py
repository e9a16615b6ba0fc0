"""Properties of the workflow: random sequences of steps and clock moves never break the
visibility rule, and concurrent publications never share a number or go live twice."""

import contextlib
import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.editorial.workflow import STEPS, publish_due, take_step
from articles.errors import WorkflowError
from articles.models import AuditEntry, Release
from tests.support import NOW, cleared


def rule(release, now):
    """Design rule 1 (docs/design.md), independently of the code under test."""
    return (
        release.status == "published"
        and release.publish_at is not None
        and release.publish_at <= now
        and (release.expire_at is None or release.expire_at > now)
    )


operation = st.one_of(
    st.tuples(
        st.just("step"),
        st.integers(0, 2),
        st.sampled_from(sorted(STEPS)),
        st.integers(-120, 240),
    ),
    st.tuples(st.just("tick"), st.integers(0, 180)),
    st.tuples(st.just("expire"), st.integers(0, 2), st.one_of(st.none(), st.integers(-60, 300))),
    st.tuples(st.just("publish_due")),
)


@pytest.mark.django_db
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, max_size=25))
def test_live_always_equals_the_rule(make_release, publisher, operations):
    with time_machine.travel(NOW, tick=False) as clock:
        releases = [make_release(status="draft", publish_at=None) for _ in range(3)]
        now = NOW
        for op in operations:
            if op[0] == "step":
                _, index, step, minutes = op
                when = now + datetime.timedelta(minutes=minutes)
                with contextlib.suppress(WorkflowError):  # refusals are part of the sequence
                    take_step(releases[index], step, publisher, when=when)
            elif op[0] == "tick":
                clock.shift(datetime.timedelta(minutes=op[1]))
                now += datetime.timedelta(minutes=op[1])
            elif op[0] == "expire":
                _, index, minutes = op
                release = Release.objects.get(pk=releases[index].pk)
                expire_at = None if minutes is None else now + datetime.timedelta(minutes=minutes)
                if (
                    expire_at is None
                    or release.publish_at is None
                    or expire_at > release.publish_at
                ):
                    release.expire_at = expire_at
                    release.save()
            else:
                publish_due()
            live = set(
                Release.objects.live()
                .filter(pk__in=[r.pk for r in releases])
                .values_list("pk", flat=True)
            )
            for release in Release.objects.filter(pk__in=[r.pk for r in releases]):
                assert (release.pk in live) == rule(release, now) == release.is_live


# Concurrency, on PostgreSQL (SQLite serialises every write, so there is no race to test).

NEW_YEAR_IN_UTC_ONLY = datetime.datetime(2027, 1, 1, 2, 0, tzinfo=datetime.UTC)
needs_postgres = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="concurrency is tested on PostgreSQL"
)


def run_together(functions):
    """Run the functions in threads released at the same instant; re-raise the first error."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def worker(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_publications_get_distinct_numbers(make_release, publisher):
    # 02:00 UTC on New Year's Day is still the old year in the office, which numbers follow.
    with time_machine.travel(NEW_YEAR_IN_UTC_ONLY):
        releases = [
            cleared(make_release(kind="press-release", status="draft", publish_at=None))
            for _ in range(8)
        ]
        run_together([lambda r=r: take_step(r, "publish", publisher) for r in releases])
        year = timezone.localdate().year % 100
    numbers = sorted(Release.objects.values_list("release_number", flat=True))
    assert year == 26
    assert numbers == sorted(f"No. {n}-{year:02d}" for n in range(1, 9))


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publish_due_runs_take_each_release_live_once(make_release):
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    releases = [make_release(kind="press-release", publish_at=past) for _ in range(12)]
    run_together([publish_due for _ in range(4)])
    for release in releases:
        assert AuditEntry.objects.filter(release=release, action="Went live").count() == 1
    numbers = list(Release.objects.values_list("release_number", flat=True))
    assert len(set(numbers)) == 12 and "" not in numbers
