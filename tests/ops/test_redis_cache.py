"""Redis as a busy site runs it: short timeouts, a circuit breaker, one log line per
outage, and a health check that names the cache, against a real redis-server of the test's own
that it pauses (SIGSTOP) and kills."""

import logging
import time

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from pressoffice import cache as resilient
from tests.servers import RedisServer

pytestmark = pytest.mark.servers


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def quick_breaker(monkeypatch):
    monkeypatch.setattr(resilient, "BREAK_SECONDS", 0.5)


def backend(server, prefix="pages", password=""):
    location = server.url.replace("redis://", f"redis://:{password}@") if password else server.url
    return resilient.ResilientRedisCache(location, {"KEY_PREFIX": prefix})


def count_network_calls(monkeypatch):
    calls = []
    original = RedisCache.get

    def counted(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RedisCache, "get", counted)
    return calls


def test_a_paused_redis_costs_one_short_timeout_then_nothing_until_it_is_tried_again(
    redis, quick_breaker, monkeypatch, caplog
):
    cache = backend(redis)
    cache.set("page", "cached")
    assert cache.get("page") == "cached"
    calls = count_network_calls(monkeypatch)
    redis.pause()
    with caplog.at_level(logging.WARNING, logger="pressoffice.cache"):
        started = time.monotonic()
        assert cache.get("page", "fallback") == "fallback"
        first = time.monotonic() - started
        for _ in range(200):
            assert cache.get("page") is None and cache.add("other", 1) is False
        assert len(calls) == 1, "the breaker answers without the network"
        assert first < resilient.TIMEOUT_SECONDS + 0.5
        with pytest.raises(resilient.CacheUnavailable):
            cache.incr("counter")
        redis.resume()
        time.sleep(0.6)
        assert cache.get("page") == "cached"
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert "unavailable" in messages[0] and "available again" in messages[1]


def test_a_killed_redis_is_reported_once_and_caching_resumes_when_it_returns(
    redis, quick_breaker, caplog
):
    cache = backend(redis, password="s3cret-redis-password")
    with caplog.at_level(logging.WARNING, logger="pressoffice.cache"):
        redis.kill()
        for _ in range(50):
            assert cache.set("page", "x") is None and cache.get("page") is None
        redis.start()
        time.sleep(0.6)
        cache.set("page", "back")
        assert cache.get("page") == "back"
    log = caplog.text
    assert log.count("unavailable") == 1 and log.count("available again") == 1
    assert "s3cret" not in log


@pytest.mark.django_db
def test_health_names_a_stalled_cache_while_pages_still_answer(client, redis, make_release):
    make_release("Still readable")
    location = {"BACKEND": "pressoffice.cache.ResilientRedisCache", "LOCATION": redis.url}
    caches = {"default": {**location, "KEY_PREFIX": "h-shared"},
              "pages": {**location, "KEY_PREFIX": "h-pages"}}  # fmt: skip
    with override_settings(CACHES=caches, PAGE_CACHE_ENABLED=True):
        assert client.get("/healthz/").json() == {"status": "ok"}
        redis.pause()
        try:
            started = time.monotonic()
            for _ in range(5):
                assert "Still readable" in client.get("/news/").text
            assert time.monotonic() - started < 3
            health = client.get("/healthz/")
            assert health.status_code == 200
            assert health.json() == {
                "status": "degraded",
                "degraded": ["cache default", "cache pages"],
            }
        finally:
            redis.resume()
