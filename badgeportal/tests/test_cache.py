import uuid

import pytest
from django.conf import settings

from badgeportal.cache import RedisCache
from conftest import require_service

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_cache():
    if not settings.REDIS_URL:
        require_service("REDIS_URL is not set")
    return RedisCache(settings.REDIS_URL, {"KEY_PREFIX": uuid.uuid4().hex})


def test_values_round_trip_through_redis(redis_cache):
    redis_cache.set("award", (200, "{}"), 60)
    redis_cache.set_many({"a": b"page", "b": 1}, 60)
    redis_cache.delete_many(["a"])

    assert redis_cache.get("award") == (200, "{}")
    assert redis_cache.get_many(["a", "b"]) == {"b": 1}


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache

    assert client.get_client() is client.get_client(write=True)
