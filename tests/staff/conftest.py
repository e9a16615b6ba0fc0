"""What the staff tests share: everyone in each role with one password, the moment their clocks
start, and empty counters (allauth keeps its rate limits in the default cache, which outlives a
test). `factors_required` is in tests/conftest.py, for the browser tests too."""

import datetime

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["default"].clear()
    yield
    caches["default"].clear()


PASSWORD = "correct horse battery staple 7"
# Where the tests that pin the clock start: 09:00 in the office.
START = datetime.datetime(2026, 11, 25, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff(people):
    """A Writer, a Publisher and an Administrator (keyed by role), each with PASSWORD."""
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    return people
