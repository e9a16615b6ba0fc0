"""What the staff tests share: everyone in each role with one password, the second factor
required, and empty counters (allauth keeps its rate limits in the default cache, which outlives
a test)."""

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["default"].clear()
    yield
    caches["default"].clear()


PASSWORD = "correct horse battery staple 7"


@pytest.fixture
def staff(people):
    """A Writer, a Publisher and an Administrator (keyed by role), each with PASSWORD."""
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    return people


@pytest.fixture
def factors_required(settings):
    """Staff pages need the second factor, as in production (the test settings turn it off)."""
    settings.STAFF_SECOND_FACTOR_REQUIRED = True
