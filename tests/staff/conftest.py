"""Each staff test starts with empty counters: allauth keeps its rate limits in the default
cache, which outlives a test."""

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["default"].clear()
    yield
    caches["default"].clear()
