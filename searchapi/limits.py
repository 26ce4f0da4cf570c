"""Limits that keep one client, or one slow request, from taking the API down.

* per-client token bucket (in memory, per worker): ``rate`` requests a second, bursts up to
  ``burst``; an empty bucket answers 429 with ``Retry-After`` in whole seconds;
* query strings longer than ``MAX_QUERY_STRING`` → 414; bodies are capped by aiohttp's
  ``client_max_size`` (the API only reads, so it is small);
* a request that takes longer than ``timeout`` seconds → 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from searchapi.errors import Handler, error_response

MAX_QUERY_STRING = 4096
EXEMPT = frozenset({"/health", "/metrics"})
MAX_CLIENTS = 50_000


@dataclass
class Bucket:
    tokens: float
    stamp: float


@dataclass
class TokenBuckets:
    """One bucket per client key. ``take`` returns 0 when allowed, else seconds to wait."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, Bucket] = field(default_factory=dict)

    def take(self, key: str) -> float:
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= MAX_CLIENTS:
                self._forget_idle(now)
            bucket = self.buckets[key] = Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst / self.rate
        for key in [k for k, b in self.buckets.items() if now - b.stamp > full_after]:
            del self.buckets[key]


def client_key(request: web.Request) -> str:
    return request.remote or "unknown"


def rate_limit_middleware(buckets: TokenBuckets) -> Callable[..., object]:
    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in EXEMPT and request.method != "OPTIONS":
            wait = buckets.take(client_key(request))
            if wait > 0:
                return error_response(
                    429,
                    "too_many_requests",
                    "Too many requests from this address; slow down and try again shortly.",
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
        return await handler(request)

    return limit


def request_limits_middleware(timeout: float) -> Callable[..., object]:
    @web.middleware
    async def limits(request: web.Request, handler: Handler) -> web.StreamResponse:
        if len(request.query_string) > MAX_QUERY_STRING:
            return error_response(
                414, "uri_too_long", f"The query string is longer than {MAX_QUERY_STRING} bytes."
            )
        try:
            async with asyncio.timeout(timeout):
                return await handler(request)
        except TimeoutError:
            return error_response(
                503,
                "timeout",
                "The request took too long; please try again shortly.",
                headers={"Retry-After": "5"},
            )

    return limits
