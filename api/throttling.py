"""A fixed-window request count per API key, in the shared cache (Redis when REDIS_URL is set), so every web
process counts against the same budget. The count is an atomic INCR; while Redis is down the cache forgets
and requests go through, as every other rate limit here (README, "When something fails")."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle


class RateLimit:
    def __init__(self, *, limit, window, count, reset_at):
        self.limit = limit
        self.window = window
        self.remaining = max(limit - count, 0)
        self.reset = max(math.ceil(reset_at - time.time()), 0)

    def headers(self):
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit};w={self.window}",
        }


class ApiKeyRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        if request.auth is None:
            return True  # refused before it does anything (401), or the public schema and docs
        limit, window = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW
        now = time.time()
        window_start = int(now // window * window)
        key = f"api-rate:{request.auth.pk}:{window_start}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # the cache lost the key (Redis down): let the request through
            count = 1
        self.rate_limit = request.rate_limit = RateLimit(
            limit=limit, window=window, count=count, reset_at=window_start + window
        )
        return count <= limit

    def wait(self):
        return max(self.rate_limit.reset, 1)
